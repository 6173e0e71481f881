/**
 * Clock pings to the server's clock responder (server/clock/responder.ts; docs/sync.md): a bare
 * WebSocket on a port of its own, answered by a thread that never waits behind show or visitor
 * work. 8 bytes out (t0, float64 LE), 24 back (t0, t1, t2). It imports nothing but types, so the
 * phone page, the screens' clock worker, the panel and the Node bench all use it.
 */
import type { PingReply, StampedPingReply } from './clock-sync';

/** Which way a client's clock pings go: the responder, or its socket.io connection (the fallback). */
export type ClockPath = 'responder' | 'socketio';

/** What ResponderSocket needs of a WebSocket (the browser's; `ws` in Node; fakes in tests). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((e: unknown) => void) | null;
  onclose: ((e: unknown) => void) | null;
  onerror: ((e: unknown) => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  send(data: ArrayBuffer | ArrayBufferView): void;
  close(): void;
}
export type WebSocketMaker = (url: string) => WebSocketLike;

const browserWebSocket: WebSocketMaker | null =
  typeof WebSocket === 'undefined' ? null : (url) => new WebSocket(url) as unknown as WebSocketLike;

export interface ResponderSocketOptions {
  url: string;
  /** The local clock (epoch ms), the same one the ClockSync uses. */
  local: () => number;
  make?: WebSocketMaker | null;
  /** Called on every open: time to sample again, now over the responder. */
  onOpen?: () => void;
  /** Called when it closes (pings fall back to socket.io meanwhile). */
  onClose?: () => void;
  /** A ping unanswered this long fails (default 1000 ms); two in a row drop the connection. */
  timeoutMs?: number;
  /** Delay before the n-th reconnect attempt (default: 0.5 s, 1 s, then 1–2.5 s at random, as reconnect.ts). */
  backoff?: (attempt: number) => number;
}

const OPEN = 1;
const defaultBackoff = (n: number) => (n === 0 ? 500 : n === 1 ? 1000 : 1000 + Math.random() * 1500);

/** One connection to the responder that reconnects for ever, with backoff, until close(). */
export class ResponderSocket {
  private ws: WebSocketLike | null = null;
  private open = false;
  private closed = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private missed = 0;
  private readonly pending = new Map<number, { resolve: (r: StampedPingReply) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly make: WebSocketMaker | null;

  constructor(private readonly o: ResponderSocketOptions) {
    this.make = o.make === undefined ? browserWebSocket : o.make;
    this.connect();
  }

  ready(): boolean {
    return this.open;
  }

  /** Pings once with `t0` (local time now); resolves with the answer stamped on arrival. */
  ping(t0: number): Promise<StampedPingReply> {
    return new Promise((resolve, reject) => {
      const ws = this.ws;
      if (!ws || !this.open || this.pending.has(t0)) return reject(new Error('clock responder not connected'));
      const timer = setTimeout(() => {
        if (!this.pending.delete(t0)) return;
        reject(new Error('clock responder ping timed out'));
        if (++this.missed >= 2) this.drop(); // a connection that stopped answering
      }, this.o.timeoutMs ?? 1000);
      this.pending.set(t0, { resolve, reject, timer });
      const out = new DataView(new ArrayBuffer(8));
      out.setFloat64(0, t0, true);
      try {
        ws.send(out.buffer);
      } catch {
        this.settle(t0, null);
      }
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.drop();
  }

  private connect(): void {
    if (this.closed || !this.make) return;
    let ws: WebSocketLike;
    try {
      ws = this.make(this.o.url);
    } catch {
      return this.retry();
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.open = true;
      this.attempt = 0;
      this.missed = 0;
      this.o.onOpen?.();
    };
    ws.onclose = () => {
      if (this.ws === ws) this.drop();
    };
    ws.onerror = () => {};
    ws.onmessage = (e) => {
      const received = this.o.local();
      const d = e.data;
      const buf = d instanceof ArrayBuffer ? d : ArrayBuffer.isView(d) ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : null;
      if (!buf || buf.byteLength !== 24) return;
      const v = new DataView(buf);
      const reply: PingReply = [v.getFloat64(0, true), v.getFloat64(8, true), v.getFloat64(16, true)];
      this.missed = 0;
      this.settle(reply[0], { reply, sent: reply[0], received });
    };
  }

  private settle(t0: number, r: StampedPingReply | null): void {
    const p = this.pending.get(t0);
    if (!p) return;
    this.pending.delete(t0);
    clearTimeout(p.timer);
    if (r) p.resolve(r);
    else p.reject(new Error('clock responder ping failed'));
  }

  /** Forgets the connection (its late events are ignored), fails what is pending, and retries. */
  private drop(): void {
    const ws = this.ws;
    const wasOpen = this.open;
    this.ws = null;
    this.open = false;
    if (ws) {
      ws.onopen = ws.onclose = ws.onmessage = null;
      try {
        ws.close();
      } catch {
        /* already closed */
      }
    }
    for (const t0 of [...this.pending.keys()]) this.settle(t0, null);
    if (wasOpen) this.o.onClose?.();
    this.retry();
  }

  private retry(): void {
    if (this.closed || !this.make) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), (this.o.backoff ?? defaultBackoff)(this.attempt++));
  }
}

/**
 * Where this page pings the clock responder (GET /api/clock, docs/api.md): its ws(s) URL, null when
 * the server runs none, undefined when the server cannot be reached. No zod: the phone page uses it too.
 */
export async function findClockResponder(fetchFn: typeof fetch = fetch): Promise<string | null | undefined> {
  try {
    const res = await fetchFn('/api/clock', { cache: 'no-store' });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { url?: unknown } | null;
    const url = typeof body?.url === 'string' && body.url.length < 300 ? body.url : null;
    return url && /^wss?:\/\//.test(url) ? url : null;
  } catch {
    return undefined;
  }
}

/** Looks the responder up (again every 5 s while the server cannot be reached); calls `found` once it has a URL. */
export function lookUpClockResponder(found: (url: string) => void, fetchFn?: typeof fetch): void {
  void (fetchFn ? findClockResponder(fetchFn) : findClockResponder()).then((url) => {
    if (url) found(url);
    else if (url === undefined) setTimeout(() => lookUpClockResponder(found, fetchFn), 5000);
  });
}
