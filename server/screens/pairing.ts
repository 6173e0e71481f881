import type { PendingScreen } from '../../protocol';
import type { TimeSource } from '../clock/time';
import { newClaim, newPairingCode } from './keys';

/**
 * Pages waiting to be paired: each opened /display without the right key, shows a short code, and
 * waits for a technician to approve it (`screen.pair`). Knows nothing of sockets: the display
 * transport names each page by its socket id.
 *
 * Bounded: at most `max` pages wait at once, and at most `perAddress` from one client address, so
 * a flood from one phone cannot push the real screens out. A code lives `ttlMs`; a page still
 * waiting then gets a new one. A page that went away keeps its code for `graceMs` (a reconnect
 * reclaims it with its claim), then is forgotten. Nothing here ever reaches the show.
 */
export interface PendingOptions {
  max: number;
  perAddress: number;
  ttlMs: number;
  graceMs: number;
}

export const DEFAULT_PENDING: PendingOptions = { max: 32, perAddress: 4, ttlMs: 15 * 60_000, graceMs: 60_000 };

export interface PendingEntry {
  code: string;
  claim: string;
  requestedId: string;
  address: string;
  userAgent: string;
  since: number;
  expiresAt: number;
  /** The page's socket while it is connected. */
  socketId: string | null;
  /** When its page went away; null while connected. */
  goneAt: number | null;
}

export interface PendingPage {
  socketId: string;
  requestedId: string;
  address: string;
  userAgent: string;
  /** The claim the page got with its code before a reconnect, if any. */
  claim?: string | undefined;
}

export type Admission = { ok: true; entry: PendingEntry } | { ok: false; reason: 'full' | 'address' };

export class PendingScreens {
  private readonly byCodeMap = new Map<string, PendingEntry>();
  private readonly listeners = new Set<() => void>();
  /** Sockets of pages still connected whose code expired, until the transport gives them a new one. */
  private expiredSockets: string[] = [];

  constructor(
    private readonly time: TimeSource,
    readonly options: PendingOptions = DEFAULT_PENDING,
  ) {}

  /**
   * A page without the right key said hello. The same socket keeps its entry; a reconnected page
   * reclaims its code with its claim; any other page gets a new code, if there is room.
   */
  admit(page: PendingPage): Admission {
    this.sweep();
    const now = this.time();
    const own = this.bySocket(page.socketId);
    if (own) return { ok: true, entry: own };
    if (page.claim) {
      for (const e of this.byCodeMap.values()) {
        if (e.claim !== page.claim || e.socketId !== null) continue;
        e.socketId = page.socketId;
        e.goneAt = null;
        e.requestedId = page.requestedId;
        e.address = page.address;
        e.userAgent = page.userAgent;
        this.changed();
        return { ok: true, entry: e };
      }
    }
    if (this.byCodeMap.size >= this.options.max) return { ok: false, reason: 'full' };
    let fromAddress = 0;
    for (const e of this.byCodeMap.values()) if (e.address === page.address) fromAddress++;
    if (fromAddress >= this.options.perAddress) return { ok: false, reason: 'address' };
    let code = newPairingCode();
    while (this.byCodeMap.has(code)) code = newPairingCode();
    const entry: PendingEntry = {
      code,
      claim: newClaim(),
      requestedId: page.requestedId,
      address: page.address,
      userAgent: page.userAgent.slice(0, 200),
      since: now,
      expiresAt: now + this.options.ttlMs,
      socketId: page.socketId,
      goneAt: null,
    };
    this.byCodeMap.set(code, entry);
    this.changed();
    return { ok: true, entry };
  }

  /** The waiting page with this code, unless it expired. */
  byCode(code: string): PendingEntry | undefined {
    this.sweep();
    return this.byCodeMap.get(code);
  }

  bySocket(socketId: string): PendingEntry | undefined {
    for (const e of this.byCodeMap.values()) if (e.socketId === socketId) return e;
    return undefined;
  }

  /** The page's socket closed: it keeps its code for the grace period. */
  left(socketId: string): void {
    const e = this.bySocket(socketId);
    if (!e) return;
    e.socketId = null;
    e.goneAt = this.time();
    this.changed();
  }

  /** Approved (or the page paired with a key after all): no longer waiting. */
  remove(code: string): PendingEntry | undefined {
    const e = this.byCodeMap.get(code);
    if (!e) return undefined;
    this.byCodeMap.delete(code);
    this.changed();
    return e;
  }

  /** Forgets expired codes and pages gone past the grace period (every lookup does this first). */
  sweep(): void {
    const now = this.time();
    let any = false;
    for (const [code, e] of this.byCodeMap) {
      const gone = e.goneAt !== null && now - e.goneAt >= this.options.graceMs;
      if (now < e.expiresAt && !gone) continue;
      this.byCodeMap.delete(code);
      any = true;
      if (e.socketId) this.expiredSockets.push(e.socketId);
    }
    if (any) this.changed();
  }

  /** The sockets of pages still connected whose code expired since the last call: each needs a new code. */
  takeExpired(): string[] {
    this.sweep();
    const out = this.expiredSockets;
    this.expiredSockets = [];
    return out;
  }

  get size(): number {
    return this.byCodeMap.size;
  }

  /** For the panel and GET /api/show, oldest first. */
  list(): PendingScreen[] {
    return [...this.byCodeMap.values()]
      .sort((a, b) => a.since - b.since)
      .map((e) => ({
        code: e.code,
        requestedId: e.requestedId,
        address: e.address,
        userAgent: e.userAgent,
        since: e.since,
        expiresAt: e.expiresAt,
        online: e.socketId !== null,
      }));
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
