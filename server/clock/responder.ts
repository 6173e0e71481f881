import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { systemTime, type TimeSource } from './time';

/**
 * The clock responder (issue 20; docs/sync.md, "The clock responder"): a worker thread with a bare
 * WebSocket server on a port of its own (responder-worker.mjs), so that clock pings are answered
 * on an event loop that never waits behind show or visitor work. This side starts it, hands it
 * the show clock's offset from this machine's clock (0 on a single node; a node's estimate of the
 * writer's clock later), asks it for its figures and restarts it if it dies.
 */

export interface ClockResponderOptions {
  /** The port (0: a free one, kept across restarts). */
  port: number;
  host: string;
  /** The show clock; the responder serves time() read as an offset from this machine's clock. */
  time: TimeSource;
  logger: Logger;
  /** Connections one address may hold (default 16). */
  perAddress?: number;
  /** Connections in all (default 4096). */
  maxConnections?: number;
  /** Reverse proxies whose X-Forwarded-For decides the client address (as the main server). */
  trustProxy?: number;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The thread's nice value to ask for (default −10; null: leave it). Refused without the right. */
  nice?: number | null;
  /** A connection that sends nothing for this long is closed (default 90 s). */
  idleMs?: number;
  /** Pings one connection may send in a burst, and per second after it (default 100, 50; ClockSync sends at most 24 a second on average). */
  burst?: number;
  perSecond?: number;
}

export interface ResponderStats {
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  connections: number;
  pings: number;
  dropped: number;
  nice: number | null;
}

export interface ResponderPriority {
  asked: number | null;
  /** The thread's nice value once started (lower runs first). */
  nice: number | null;
  /** Why the system refused the asked priority, if it did. */
  error: string | null;
}

export interface ClockResponder {
  /** Its port (known once started, kept across restarts). */
  readonly port: number;
  readonly priority: ResponderPriority | null;
  running(): boolean;
  /** Its figures since the last call (event-loop delay of its own thread), or null when it is down. */
  stats(): Promise<ResponderStats | null>;
  /** Stops it and keeps it stopped (tests: the clients' fallback). */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const WORKER = new URL('./responder-worker.mjs', import.meta.url);

/** Whether a start-up error is the clock responder's (its port in use: PAVILION_CLOCK_PORT). */
export const isClockListenError = (e: unknown): boolean => (e as { listener?: unknown } | null)?.listener === 'clock';

/** Starts the responder; resolves once it listens (rejects with `listener: 'clock'` when it cannot). */
export async function startClockResponder(opts: ClockResponderOptions): Promise<ClockResponder> {
  let port = opts.port;
  let worker: Worker | null = null;
  let wanted = true;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let priority: ResponderPriority | null = null;
  const statsWaiting = new Set<(r: ResponderStats | null) => void>();
  /** show time − this machine's clock, read between two readings of the latter (the closest of 5 tries: a thread preempted between them would skew it). */
  const offsetNow = () => {
    let spread = Infinity;
    let off = 0;
    for (let i = 0; i < 5; i++) {
      const a = systemTime();
      const t = opts.time();
      const b = systemTime();
      if (b - a < spread) {
        spread = b - a;
        off = t - (a + b) / 2;
      }
    }
    return off;
  };
  let lastOffset = offsetNow();

  const spawn = (): Promise<void> =>
    new Promise((resolve, reject) => {
      lastOffset = offsetNow();
      const w = new Worker(WORKER, {
        workerData: {
          port,
          host: opts.host,
          offsetMs: lastOffset,
          perAddress: opts.perAddress ?? 16,
          maxConnections: opts.maxConnections ?? 4096,
          trustProxy: opts.trustProxy ?? 0,
          tls: opts.tls ?? null,
          nice: opts.nice === undefined ? -10 : opts.nice,
          idleMs: opts.idleMs ?? 90_000,
          burst: opts.burst ?? 100,
          perSecond: opts.perSecond ?? 50,
        },
      });
      worker = w;
      let ready = false;
      w.on('message', (m: { type?: string; port?: number; priority?: ResponderPriority; code?: string; message?: string; stats?: ResponderStats }) => {
        if (m.type === 'stats') {
          const waiting = [...statsWaiting];
          statsWaiting.clear();
          for (const r of waiting) r(m.stats ?? null);
        } else if (m.type === 'ready') {
          ready = true;
          failures = 0;
          port = m.port ?? port;
          priority = m.priority ?? null;
          resolve();
        } else if (m.type === 'listen-error' && !ready) {
          reject(Object.assign(new Error(`clock responder: cannot listen on port ${port}: ${m.message}`), { code: m.code, listener: 'clock' }));
        }
      });
      w.on('error', (e) => opts.logger.error({ err: e }, 'clock responder: its thread failed'));
      w.on('exit', (code) => {
        if (worker === w) worker = null;
        if (!ready) return reject(Object.assign(new Error(`clock responder: its thread stopped (exit ${code}) before it listened`), { listener: 'clock' }));
        if (!wanted) return;
        // Supervised: clients fall back to socket.io meanwhile, and come back when it listens again.
        const delay = Math.min(30_000, 500 * 2 ** failures++);
        opts.logger.warn(`clock responder: its thread stopped (exit ${code}); restarting it in ${delay} ms (clients ping over socket.io meanwhile)`);
        restartTimer = setTimeout(() => void spawn().catch((e: Error) => opts.logger.error({ err: e }, 'clock responder: restart failed')), delay);
        restartTimer.unref();
      });
      w.unref();
    });

  // The offset follows the show clock (a node's estimate of the writer's clock, later): posted when it moves.
  const follow = setInterval(() => {
    const off = offsetNow();
    if (worker && Math.abs(off - lastOffset) > 0.002) {
      lastOffset = off;
      worker.postMessage({ type: 'offset', offsetMs: off });
    }
  }, 1000);
  follow.unref();

  const shutdown = async () => {
    clearTimeout(restartTimer);
    const w = worker;
    if (!w) return;
    worker = null;
    const closed = new Promise<void>((r) => {
      w.on('message', (m: { type?: string }) => m.type === 'closed' && r());
      w.once('exit', () => r());
      setTimeout(r, 1000).unref();
    });
    w.ref(); // held until it has closed its sockets
    w.postMessage({ type: 'close' });
    await closed;
    await w.terminate();
  };

  await spawn();
  return {
    get port() {
      return port;
    },
    get priority() {
      return priority;
    },
    running: () => worker !== null,
    stats: () =>
      new Promise((resolve) => {
        const w = worker;
        if (!w) return resolve(null);
        // One request in flight: every caller meanwhile gets its answer (no listener per call).
        const mine = (r: ResponderStats | null) => {
          clearTimeout(t);
          resolve(r);
        };
        const t = setTimeout(() => {
          statsWaiting.delete(mine);
          resolve(null);
        }, 2000);
        statsWaiting.add(mine);
        if (statsWaiting.size === 1) w.postMessage({ type: 'stats' });
      }),
    async stop() {
      wanted = false;
      await shutdown();
    },
    async start() {
      if (worker) return;
      wanted = true;
      await spawn();
    },
    async close() {
      wanted = false;
      clearInterval(follow);
      await shutdown();
    },
  };
}
