import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Show } from '../../protocol';
import { systemTime, type TimeSource } from '../clock/time';
import type { DmxEffect } from '../show/dmx-commands';
import type { ShowListener } from '../show/store';
import type { DmxEngine, DmxShow, DmxTrace } from './dmx-engine';
import type { DmxThreadInbound, DmxThreadOutbound, DmxThreadStart } from './dmx-thread-messages';

/**
 * The DMX sender on a thread of its own (docs/links.md, "Timing"): the same engine
 * (dmx-engine.ts) run by dmx-thread-worker.ts, fed the show's DMX part and its DMX effects as the
 * store changes. On the main thread, a `dmx.set` with `at` waited behind whatever ran when its
 * timer came due (a command's fsync, a burst of visitor input), which is how frames left up to
 * 20 ms late in bench:dmx; the thread's timers do not. It starts with the first output the show
 * has (a show without DMX costs no thread), and is restarted if it dies.
 */
export interface DmxThreadDeps {
  store: { get(): Show; subscribe(l: ShowListener): () => void };
  /** Show time; the thread reads this machine's clock plus the offset between the two. */
  time?: TimeSource;
  logger: Logger;
  /** Packets sent to an output (the metrics counter), told four times a second at most. */
  onPackets?: (outputId: string, n: number) => void;
  /**
   * The thread's real-time FIFO priority (default 10: ahead of every normal process, so that a
   * frame due at `at` leaves on time on a busy machine; null: not real-time), and its nice value
   * when real-time is refused or not asked (default −10, as the clock responder; null: leave it).
   */
  fifo?: number | null;
  nice?: number | null;
  /** bench:dmx --trace: each timed effect's way through the sender, and the thread's garbage collections. */
  trace?: DmxTraceHooks;
  /** How a timed frame waits out its last milliseconds on the thread (DmxThreadStart.wait): 'block' (default) or 'spin'. */
  wait?: 'block' | 'spin';
}

export interface DmxTraceHooks {
  set(t: DmxTrace): void;
  gc?(start: number, ms: number): void;
}

const WORKER = new URL('./dmx-thread-worker.ts', import.meta.url).href;
// Node 20 does not hand a thread its parent's module hooks, so the worker loads its TypeScript through tsx's API.
const require = createRequire(import.meta.url);
const TSX_API = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(WORKER)}))`;

const dmxPart = (show: Show): DmxShow => ({ dmx: show.dmx, blackout: show.blackout });
const hasOutputs = (show: Show) => Object.keys(show.dmx?.outputs ?? {}).length > 0;

export function startDmxThread(deps: DmxThreadDeps): DmxEngine {
  const time = deps.time ?? systemTime;
  // On one node show time is this machine's clock: the offset is 0 and never changes. Otherwise the
  // tightest of a few brackets, and none when every read was interrupted (a loaded machine): an
  // interrupted bracket is off by up to its width, and each re-send is a message the thread must take.
  const fixed = time === systemTime;
  const offset = (): number | null => {
    if (fixed) return 0;
    let best: { o: number; w: number } | null = null;
    for (let i = 0; i < 5; i++) {
      const a = systemTime();
      const t = time();
      const b = systemTime();
      if (!best || b - a < best.w) best = { o: t - (a + b) / 2, w: b - a };
    }
    return best && best.w <= 0.5 ? best.o : null;
  };
  let worker: Worker | null = null;
  let closed = false;
  let failures = 0;
  let stats: Record<string, { packets: number; errors: number }> = {};
  let restartTimer: NodeJS.Timeout | undefined;
  let lastOffset = 0;

  const post = (m: DmxThreadInbound) => worker?.postMessage(m);

  function spawn(): void {
    restartTimer = undefined;
    lastOffset = offset() ?? lastOffset;
    const start: DmxThreadStart = { show: dmxPart(deps.store.get()), offsetMs: lastOffset, fifo: deps.fifo === undefined ? 10 : deps.fifo, nice: deps.nice === undefined ? -10 : deps.nice, trace: !!deps.trace, wait: deps.wait ?? 'block' };
    const w = new Worker(BOOT, { eval: true, workerData: start });
    worker = w;
    w.on('message', (m: DmxThreadOutbound) => {
      if (m.type === 'stats') {
        stats = m.stats;
        for (const [id, n] of Object.entries(m.sent)) deps.onPackets?.(id, n);
      } else if (m.type === 'log') deps.logger.warn(m.obj, m.msg);
      else if (m.type === 'trace') deps.trace?.set(m.trace);
      else if (m.type === 'gc') deps.trace?.gc?.(m.start, m.ms);
      else if (m.type === 'ready') {
        failures = 0;
        if (m.priority.error) deps.logger.debug({ priority: m.priority }, `dmx: the DMX thread runs ${m.priority.policy === 'default' ? 'at the default priority' : `at ${m.priority.policy} ${m.priority.value}`}`);
      }
    });
    w.on('error', (e) => deps.logger.error({ err: e }, 'dmx: the DMX thread failed; restarting it (lights hold their last frame meanwhile)'));
    w.on('exit', () => {
      if (worker === w) worker = null;
      if (closed) return;
      const delay = Math.min(30_000, 500 * 2 ** failures++);
      restartTimer = setTimeout(spawn, delay);
      restartTimer.unref();
    });
  }

  const unsubscribe = deps.store.subscribe((show, effects) => {
    if (closed) return;
    if (!worker && !restartTimer && hasOutputs(show)) return spawn(); // it starts from the show as it is now
    const dmx = effects.filter((e): e is DmxEffect => e.kind === 'dmx.set' || e.kind === 'dmx.release');
    post({ type: 'show', show: dmxPart(show), effects: dmx });
  });
  if (hasOutputs(deps.store.get())) spawn();

  // The show clock's offset from this machine's (0 on one node; a node's estimate of another's later).
  const offsetTimer = fixed ? undefined : setInterval(() => {
    const o = offset();
    if (o === null || Math.abs(o - lastOffset) < 0.05) return;
    lastOffset = o;
    post({ type: 'offset', offsetMs: o });
  }, 1000);
  offsetTimer?.unref();

  return {
    lights(wallId, values) {
      post({ type: 'lights', wallId, values });
    },
    stats: () => stats,
    close() {
      closed = true;
      unsubscribe();
      clearInterval(offsetTimer);
      clearTimeout(restartTimer);
      const w = worker;
      worker = null;
      if (w) {
        w.postMessage({ type: 'close' } satisfies DmxThreadInbound);
        void w.terminate();
      }
    },
  };
}
