import { io, type Socket } from 'socket.io-client';
import { ClockSync, type PingReply } from './clock-sync';

/** Epoch-based local clock: the same base the server uses for show time. */
export const localNow = (): number => performance.timeOrigin + performance.now();

/** Opens a typed socket on one namespace of this origin (websocket only: lowest latency). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function connect<S2C extends { [event: string]: any }, C2S extends { [event: string]: any }>(
  namespace: '/display' | '/control' | '/visitor',
  auth?: Record<string, string>,
): Socket<S2C, C2S> {
  return io(namespace, { transports: ['websocket'], auth, reconnectionDelay: 500, reconnectionDelayMax: 5000 });
}

interface PingSocket {
  connected: boolean;
  timeout(ms: number): { emit(ev: 'clock:ping', t0: number, cb: (err: Error | null, reply: PingReply) => void): void };
  on(ev: 'connect', fn: () => void): unknown;
}

/**
 * A clock sync bound to a socket: starts on connect, resyncs on reconnect and on tab wake.
 * `local` replaces the local clock (the sync benchmark gives each client a deliberately wrong one).
 */
export function syncOverSocket(socket: PingSocket, opts: { local?: () => number } = {}): ClockSync {
  const sync = new ClockSync({
    local: opts.local ?? localNow,
    ping: (t0) =>
      new Promise<PingReply>((resolve, reject) => {
        if (!socket.connected) return reject(new Error('not connected'));
        socket.timeout(1000).emit('clock:ping', t0, (err, reply) => (err ? reject(err) : resolve(reply)));
      }),
  });
  let started = false;
  socket.on('connect', () => {
    if (!started) {
      started = true;
      sync.start();
    } else sync.resync();
  });
  if (socket.connected) {
    started = true;
    sync.start();
  }
  if (typeof document !== 'undefined')
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') sync.resync();
    });
  return sync;
}
