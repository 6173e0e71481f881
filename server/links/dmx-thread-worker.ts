import { PerformanceObserver } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createDmxEngine, type DmxListener, type DmxShow } from './dmx-engine';
import type { DmxThreadInbound, DmxThreadOutbound, DmxThreadStart } from './dmx-thread-messages';
import { nameThread, raiseThreadPriority } from './thread-priority';

/*
 * The DMX thread (server/links/dmx-thread.ts starts it): the DMX sender (dmx-engine.ts) on an
 * event loop of its own, fed a mirror of the show's DMX part. Its timers (a `dmx.set` with `at`,
 * the 43 Hz fade tick) never wait behind the main thread's work: a command's fsync, a burst of
 * visitor input, a scrape.
 */
const port = parentPort;
if (!port) throw new Error('dmx-thread-worker: run it as a worker thread (server/links/dmx-thread.ts)');
const start = workerData as DmxThreadStart;
const send = (m: DmxThreadOutbound) => port.postMessage(m);

// Scheduling of this thread alone (Linux schedules threads): real-time FIFO, else nice; refused without the right.
const priority = raiseThreadPriority({ fifo: start.fifo, nice: start.nice });
nameThread('pavilion-dmx'); // so that top -H, ps -L and perf show it by name

// Show time: this machine's clock plus the main thread's offset (0 on a single node), re-sent as it changes.
let offsetMs = start.offsetMs;
const time = () => performance.timeOrigin + performance.now() + offsetMs;

// A timed frame's last milliseconds: the thread blocks (Atomics.wait on a word nobody changes) and
// runs no JavaScript, so it cannot end up waiting on a lock that a thread of normal priority holds
// (V8's shared task queue: compiling a hot spin loop, collecting its garbage), the cause of the
// 6–300 ms late frames of the setImmediate spin (docs/links.md, "Timing").
const word = new Int32Array(new SharedArrayBuffer(4));
const waitUntil = (when: number) => {
  for (let left = when - time(); left > 0; left = when - time()) Atomics.wait(word, 0, 0, left);
};

let show: DmxShow = start.show;
const listeners = new Set<DmxListener>();
const store = {
  get: () => show,
  subscribe(l: DmxListener) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
};

const sentSince: Record<string, number> = {};
const engine = createDmxEngine({
  store,
  time,
  logger: { warn: (obj, msg) => send({ type: 'log', obj, msg }) },
  onPacket: (id) => {
    sentSince[id] = (sentSince[id] ?? 0) + 1;
  },
  ...(start.trace ? { onTrace: (trace) => send({ type: 'trace', trace }) } : {}),
  ...(start.wait === 'block' ? { waitUntil } : {}),
});

// bench:dmx --trace: this thread's garbage collections, to set beside the late frames.
const gc = start.trace ? new PerformanceObserver((list) => {
  for (const e of list.getEntries()) send({ type: 'gc', start: performance.timeOrigin + e.startTime + offsetMs, ms: e.duration });
}) : null;
gc?.observe({ entryTypes: ['gc'] });

// Packets counted since the last report, and each output's totals, four times a second when something moved.
let lastStats = '';
const report = setInterval(() => {
  const stats = engine.stats();
  const key = JSON.stringify(stats);
  if (key === lastStats) return;
  lastStats = key;
  const sent = { ...sentSince };
  for (const k of Object.keys(sentSince)) delete sentSince[k];
  send({ type: 'stats', stats, sent });
}, 250);

port.on('message', (m: DmxThreadInbound) => {
  if (m.type === 'show') {
    show = m.show;
    for (const l of listeners) l(show, m.effects);
  } else if (m.type === 'lights') engine.lights(m.wallId, m.values);
  else if (m.type === 'offset') offsetMs = m.offsetMs;
  else if (m.type === 'close') {
    clearInterval(report);
    gc?.disconnect();
    engine.close();
    port.close();
  }
});

send({ type: 'ready', priority });
