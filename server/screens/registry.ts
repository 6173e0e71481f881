import type { DisplayHealth, PieceError, Show, ScreenStatus } from '../../protocol';
import type { TimeSource } from '../clock/time';
import { DEFAULT_LEAD, PreloadTimes, type LeadOptions } from './preload-times';

interface Live {
  connections: number;
  since: number | null;
  health: DisplayHealth | null;
  errors: PieceError[];
  /** Show time of the last heartbeat (display:health), or of the connection when none came since. */
  beatAt: number | null;
  /** Stale as sweep() last announced it (statuses() reads it live). */
  stale: boolean;
}

const MAX_ERRORS = 20;
/** A screen reports its health every second: ten missed reports make it stale (PAVILION_SCREEN_STALE_S). */
export const DEFAULT_STALE_MS = 10_000;

/** Which screens are connected and how they are doing. Knows nothing of sockets. */
export class ScreenRegistry {
  private live = new Map<string, Live>();
  private errorTimes: number[] = [];
  private listeners = new Set<() => void>();
  private presence = new Set<(id: string, online: boolean) => void>();

  /** How long each screen takes to preload pieces: sets the lead of piece switches. */
  readonly preloads: PreloadTimes;

  constructor(
    private readonly time: TimeSource,
    lead: LeadOptions = DEFAULT_LEAD,
    /** No heartbeat for this long while the socket still looks connected: the screen is stale. */
    readonly staleMs = DEFAULT_STALE_MS,
  ) {
    this.preloads = new PreloadTimes(lead);
  }

  private entry(id: string): Live {
    let e = this.live.get(id);
    if (!e) {
      e = { connections: 0, since: null, health: null, errors: [], beatAt: null, stale: false };
      this.live.set(id, e);
    }
    return e;
  }

  connected(id: string): void {
    const e = this.entry(id);
    const coming = e.connections === 0;
    if (coming) {
      e.since = e.beatAt = this.time();
      e.stale = false;
    }
    e.connections++;
    this.changed();
    if (coming) this.present(id, true);
  }

  disconnected(id: string): void {
    const e = this.entry(id);
    const was = e.connections;
    e.connections = Math.max(0, e.connections - 1);
    if (e.connections === 0) {
      e.since = this.time();
      e.stale = false;
    }
    this.changed();
    if (was > 0 && e.connections === 0) this.present(id, false);
  }

  isConnected(id: string): boolean {
    return (this.live.get(id)?.connections ?? 0) > 0;
  }

  /**
   * Connected and still sending its heartbeats (not stale): a screen whose page hangs or sleeps is
   * not waited for by its wall's gate (server/screens/wall-gate.ts), which would otherwise hold
   * every switch of the wall until the screens' own deadline.
   */
  isAnswering(id: string): boolean {
    const e = this.live.get(id);
    return !!e && e.connections > 0 && !this.isStale(e, this.time());
  }

  health(id: string, h: DisplayHealth): void {
    const e = this.entry(id);
    e.health = h;
    this.preloads.setWarm(id, h.warm);
    e.beatAt = this.time();
    e.stale = false;
    this.changed();
  }

  /**
   * Marks connected screens stale whose heartbeats stopped for staleMs (a sleeping machine's socket
   * looks alive for up to 45 s), and fresh again when they resume. Call it every second or so.
   * Returns the screens that have just turned stale.
   */
  sweep(): string[] {
    const now = this.time();
    const turned: string[] = [];
    let changed = false;
    for (const [id, e] of this.live) {
      const stale = this.isStale(e, now);
      if (stale === e.stale) continue;
      e.stale = stale;
      changed = true;
      if (stale) turned.push(id);
    }
    if (changed) this.changed();
    return turned;
  }

  private isStale(e: Live, now: number): boolean {
    return e.connections > 0 && e.beatAt !== null && now - e.beatAt >= this.staleMs;
  }

  error(id: string, err: PieceError): void {
    const e = this.entry(id);
    e.errors = [err, ...e.errors].slice(0, MAX_ERRORS);
    this.errorTimes.push(err.at);
    this.changed();
  }

  errorsSince(t: number): number {
    this.errorTimes = this.errorTimes.filter((x) => x >= t);
    return this.errorTimes.length;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** Hears a screen come online (its first connection) or go offline (its last one closed); not every heartbeat, as onChange does. */
  onPresence(fn: (id: string, online: boolean) => void): () => void {
    this.presence.add(fn);
    return () => this.presence.delete(fn);
  }

  private present(id: string, online: boolean): void {
    for (const l of this.presence) l(id, online);
  }

  /**
   * Every screen the show knows. Only paired pages count as connected, and an unknown id never
   * appears here: a page without the right key waits in server/screens/pairing.ts instead.
   * `displayUrl`: the address of a screen's page with its key (null: it has no key).
   */
  statuses(show: Show, displayUrl: (screenId: string, key: string) => string | null = () => null): ScreenStatus[] {
    const ids = Object.keys(show.screens);
    const now = this.time();
    return ids.sort().map((id) => {
      const cfg = show.screens[id];
      const e = this.live.get(id);
      const h = e?.health ?? null;
      const warm = this.preloads.warmOf(id); // what the play lead is sized on
      const wallBlack = show.blackout || (cfg?.blackout ?? false);
      return {
        id,
        wallId: cfg?.wallId ?? null,
        known: !!cfg,
        rect: cfg?.rect ?? null,
        connected: (e?.connections ?? 0) > 0,
        since: e?.since ?? null,
        installationId: h?.installationId ?? null,
        fps: h ? round(h.fps, 1) : null,
        frameMsP95: h ? round(h.frameMsP95, 2) : null,
        offsetMs: h ? round(h.clock.offsetMs, 3) : null,
        rttMs: h ? round(h.clock.rttMs, 3) : null,
        uncertaintyMs: h ? round(h.clock.uncertaintyMs, 3) : null,
        clockPath: h?.clock.path ?? null,
        memory: h?.memory ?? null,
        preloadMs: this.preloads.lastColdMs(id),
        ...((e?.connections ?? 0) > 0 && warm.length ? { warm } : {}),
        blackout: wallBlack,
        ownBlackout: cfg?.blackout ?? false,
        errors: e?.errors ?? [],
        heartbeatAt: e?.beatAt ?? null,
        stale: e ? this.isStale(e, now) : false,
        paired: !!cfg?.key,
        displayUrl: cfg?.key ? displayUrl(id, cfg.key) : null,
        // A VR station's session (docs/vr.md): what its health last said; idle before that and while offline.
        ...(cfg?.kind === 'vr' ? { kind: 'vr' as const, xr: (e?.connections ?? 0) > 0 && h?.xr ? { ...h.xr } : { presenting: false, mode: null } } : {}),
      };
    });
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
