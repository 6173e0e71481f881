import { io, type Socket } from 'socket.io-client';
import type {
  ControlClientToServer,
  ControlServerToClient,
  DisplayClientToServer,
  DisplayServerToClient,
  VisitorClientToServer,
  VisitorServerToClient,
} from '../../protocol';
import { ClockSync, type PingReply, type StampedPingReply } from './clock-sync';
import { ResponderSocket, type ClockPath, type WebSocketMaker } from './clock-responder';
import { localNow } from './now';
import { RECONNECT, SCREEN_RECONNECT, steadyBackoff } from './reconnect';

export { localNow };

/** Each namespace's event maps (protocol/events.ts): [server→client, client→server]. */
interface Namespaces {
  '/display': [DisplayServerToClient, DisplayClientToServer];
  '/control': [ControlServerToClient, ControlClientToServer];
  '/visitor': [VisitorServerToClient, VisitorClientToServer];
}
/** The typed socket of a namespace: `emit` takes the payloads the server's schemas accept. */
export type SocketOf<N extends keyof Namespaces> = Socket<Namespaces[N][0], Namespaces[N][1]>;

/**
 * Opens a typed socket on one namespace of this origin (websocket only: lowest latency): `connect('/visitor')`.
 * It reconnects for ever with backoff and jitter (0.5 s, 1 s, then 1–2.5 s; screens twice as often: the figures and why in
 * reconnect.ts); each 'connect' (the first and every reconnect) is where a page says hello again.
 */
export function connect<N extends keyof Namespaces>(namespace: N, auth?: Record<string, string>): SocketOf<N>;
/** @deprecated Name the namespace only (`connect('/display')`): its event maps follow from it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function connect<S2C extends { [event: string]: any }, C2S extends { [event: string]: any }>(namespace: keyof Namespaces, auth?: Record<string, string>): Socket<S2C, C2S>;
export function connect(namespace: keyof Namespaces, auth?: Record<string, string>): Socket {
  // Screens retry faster than phones and the panel (reconnect.ts: why, and the figures).
  const figures = namespace === '/display' ? SCREEN_RECONNECT : RECONNECT;
  const socket = io(namespace, { transports: ['websocket'], auth, ...figures });
  steadyBackoff(socket.io);
  return socket;
}

interface PingSocket {
  connected: boolean;
  timeout(ms: number): { emit(ev: 'clock:ping', t0: number, cb: (err: Error | null, reply: PingReply) => void): void };
  on(ev: 'connect', fn: () => void): unknown;
}

/** What workerPinger needs of a Worker (tests pass a fake). */
export interface WorkerLike {
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  postMessage(m: unknown): void;
}

function clockWorker(): WorkerLike | null {
  if (typeof Worker === 'undefined') return null;
  try {
    return new Worker(new URL('./clock-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
}

/** A stamped answer and the way it came (clock-responder.ts). */
export type PathReply = StampedPingReply & { path: ClockPath };

/**
 * Pings through a Web Worker with its own sockets (see clock-worker.ts); null where there are no
 * workers. Ready while either of the worker's ways is up (the clock responder, once `useResponder`
 * named it, else its socket.io socket): while both are away (the server went, the worker's own
 * backoff has not brought them back yet) pings go over the page's socket instead.
 */
export function workerPinger(
  url: string,
  onConnect: (path: ClockPath) => void,
  make: () => WorkerLike | null = clockWorker,
): { ready(): boolean; ping(): Promise<PathReply>; useResponder(url: string): void } | null {
  const worker = make();
  if (!worker) return null;
  const up: Record<ClockPath, boolean> = { socketio: false, responder: false };
  let next = 0;
  const pending = new Map<number, { resolve: (r: PathReply) => void; reject: (e: Error) => void }>();
  worker.onmessage = (e: MessageEvent) => {
    const m = e.data as { type: string; id?: number; ok?: boolean; path?: unknown } & Partial<StampedPingReply>;
    const path: ClockPath = m.path === 'responder' ? 'responder' : 'socketio';
    if (m.type === 'connect') {
      up[path] = true;
      onConnect(path);
    } else if (m.type === 'disconnect') {
      up[path] = false;
    } else if (m.type === 'pong' && typeof m.id === 'number') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (m.ok && m.reply && typeof m.sent === 'number' && typeof m.received === 'number') p.resolve({ reply: m.reply, sent: m.sent, received: m.received, path });
      else p.reject(new Error('worker ping failed'));
    }
  };
  worker.onerror = () => {
    up.socketio = up.responder = false; // fall back to pinging over the page's own socket
    for (const p of pending.values()) p.reject(new Error('clock worker failed'));
    pending.clear();
  };
  worker.postMessage({ type: 'start', url });
  return {
    ready: () => up.socketio || up.responder,
    useResponder: (responderUrl) => worker.postMessage({ type: 'responder', url: responderUrl }),
    ping: () =>
      new Promise<PathReply>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'ping', id });
        setTimeout(() => {
          if (pending.delete(id)) reject(new Error('worker ping timed out'));
        }, 1500);
      }),
  };
}

/**
 * A clock sync bound to a socket: starts on connect, resyncs on reconnect and on tab wake.
 * Resync is a fresh burst of pings at once; until it lands, and all the while the server is away,
 * the last estimate (with its skew) goes on answering `now()`, so screens keep playing on it.
 * `local` replaces the local clock (the sync benchmark gives each client a deliberately wrong one).
 * `workerUrl` (a namespace URL, in browsers) pings from a Web Worker with its own socket instead,
 * off the main thread; until that worker connects, and if it fails, pings go over `socket`.
 * `responder` (a ws: URL, or a lookup that calls back with one: lookUpClockResponder) pings the
 * server's clock responder first (docs/sync.md), from the worker when there is one; while it is
 * unreachable pings go over socket.io, and every time it opens again the sync samples at once.
 * `sync.path` says which way the last answer came.
 */
export function syncOverSocket(
  socket: PingSocket,
  opts: {
    local?: () => number;
    workerUrl?: string;
    makeWorker?: () => WorkerLike | null;
    responder?: string | ((found: (url: string) => void) => void);
    makeWebSocket?: WebSocketMaker | null;
  } = {},
): ClockSync {
  let sync: ClockSync | null = null;
  const local = opts.local ?? localNow;
  // The first way up starts the sync (the responder may answer while the server's main loop is
  // too busy to accept a socket); every later (re)connect of a way samples again at once.
  let started = false;
  const kick = () => {
    if (!sync) return;
    if (started) return sync.resync();
    started = true;
    sync.start();
  };
  const viaWorker = opts.workerUrl && !opts.local ? workerPinger(opts.workerUrl, kick, opts.makeWorker) : null;
  let viaPage: ResponderSocket | null = null;
  const useResponder = (url: string) => {
    if (viaWorker) return viaWorker.useResponder(url);
    viaPage?.close();
    viaPage = new ResponderSocket({ url, local, ...(opts.makeWebSocket !== undefined ? { make: opts.makeWebSocket } : {}), onOpen: kick });
  };
  const clock = new ClockSync({
    local,
    ping: async (t0) => {
      if (viaWorker?.ready()) {
        const r = await viaWorker.ping();
        clock.path = r.path;
        return r;
      }
      if (viaPage?.ready()) {
        const r = await viaPage.ping(t0);
        clock.path = 'responder';
        return r;
      }
      const r = await new Promise<PingReply>((resolve, reject) => {
        if (!socket.connected) return reject(new Error('not connected'));
        socket.timeout(1000).emit('clock:ping', t0, (err, reply) => (err ? reject(err) : resolve(reply)));
      });
      clock.path = 'socketio';
      return r;
    },
  });
  sync = clock;
  const stop = clock.stop.bind(clock);
  clock.stop = () => {
    stop();
    viaPage?.close();
  };
  if (typeof opts.responder === 'string') useResponder(opts.responder);
  else opts.responder?.(useResponder);
  socket.on('connect', kick);
  if (socket.connected) kick();
  if (typeof document !== 'undefined')
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') sync.resync();
    });
  return sync;
}
