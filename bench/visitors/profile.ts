/**
 * Where the server's CPU goes, from a V8 CPU profile of bench:visitors' measuring window
 * (BENCH_CPU_PROF=<dir>, written by bench/visitors/server.ts):
 *   npx tsx bench/visitors/profile.ts <file.cpuprofile> [--inputs N] [--cpu-us-per-input U] [--top 25]
 * Each sample goes to one bucket, by its stack: first the path it is on (an answer to a phone, a
 * frame to the screens, a timer, GC), else the innermost frame whose code is known (ws's receiver,
 * engine.io's framing, socket.io's parser and dispatch, validation, rate limiting, the merge…).
 * With --inputs (the inputs taken in the window; the bench prints it) each bucket is also given in
 * µs per input; with --cpu-us-per-input those are scaled to the bench's measured CPU per input
 * (the profile's own total runs a little over, from the profiler's overhead).
 */
import fs from 'node:fs';
import { arg } from '../lib/args';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file || file.startsWith('--')) {
  console.error('usage: npx tsx bench/visitors/profile.ts <file.cpuprofile> [--inputs N] [--cpu-us-per-input U] [--top 25]');
  process.exit(2);
}
const INPUTS = arg('inputs', 0);
const CPU_US = arg('cpu-us-per-input', 0);
const TOP = arg('top', 25);
const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;

const byId = new Map<number, Node>();
const parent = new Map<number, number>();
for (const n of prof.nodes) byId.set(n.id, n);
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Paths, found anywhere on the stack (the first of this list decides when several match). */
const PATHS: Array<[string, (n: Node) => boolean]> = [
  ['frames to the screens (merge → encode → write)', (n) => /server\/visitors\/lane\.ts$/.test(n.callFrame.url) && /flush|heartbeat|answer/.test(n.callFrame.functionName)],
  ['answers to phones (ack: encode → engine.io → ws write)', (n) => (/socket\.io\/dist\/socket\.js$/.test(n.callFrame.url) && /^(packet|ack)$/.test(n.callFrame.functionName)) || (/server\/visitors\/acks\.ts$/.test(n.callFrame.url) && /answer|refused|sweep/.test(n.callFrame.functionName))],
  ['timers (other)', (n) => /^(listOnTimeout|processTimers)$/.test(n.callFrame.functionName)],
];
/** Code, by the innermost frame that has a URL. */
const CODE: Array<[string, RegExp]> = [
  ['ws: read (receiver, utf-8 check)', /node_modules\/ws\/lib\/(receiver|websocket|buffer-util|validation)\.js$/],
  ['ws: write (sender)', /node_modules\/ws\/lib\/sender\.js$/],
  ['engine.io framing', /node_modules\/engine\.io(-parser)?\//],
  ['socket.io packet parse/encode', /node_modules\/socket\.io-parser\//],
  ['socket.io dispatch (socket, client, namespace)', /node_modules\/socket\.io\//],
  ['validation', /server\/visitors\/validate\.ts$/],
  ['rate limiting', /server\/visitors\/rate-limit\.ts$/],
  ['merge', /server\/visitors\/merger\.ts$/],
  ['lane, pipeline, hub, acks', /server\/visitors\/(lane|pipeline|hub|acks|pacer)\.ts$/],
  ['input frames: decode, parser pass-through', /protocol\/visitor-wire\.ts$|server\/transport\/visitor-frames\.ts$/],
  ['transport handler (visitor.ts, safe.ts)', /server\/transport\/(visitor|safe)\.ts$/],
  ['frame encoder', /server\/transport\/encoder\.ts$/],
  ['node: net and streams', /^node:internal\/(stream_base_commons|streams|net)|^node:net$|node:internal\/streams/],
  ['node: events, timers, other internals', /^node:/],
  ['other JavaScript', /./],
];
const SPECIAL: Record<string, string> = { '(garbage collector)': 'GC', '(program)': 'native, unattributed (program)', '(idle)': 'idle' };

function bucketOf(leaf: number): string {
  const leafNode = byId.get(leaf)!;
  const special = SPECIAL[leafNode.callFrame.functionName];
  if (special) return special;
  let path = PATHS.length;
  let code: string | null = null;
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
    const n = byId.get(id)!;
    for (let k = 0; k < path; k++) if (PATHS[k]![1](n)) path = k;
    if (code === null && n.callFrame.url) code = CODE.find(([, re]) => re.test(n.callFrame.url))?.[0] ?? null;
  }
  return PATHS[path]?.[0] ?? code ?? `native: ${leafNode.callFrame.functionName || '(anonymous)'}`;
}

const buckets = new Map<string, number>();
const leaves = new Map<string, number>();
let total = 0;
let idle = 0;
// Samples are counted, each as one sampling interval, rather than weighted by their time deltas:
// on a busy machine a delta also holds the time the process waited for a core, which would be
// charged to whatever it was doing when it stopped.
const interval = [...prof.timeDeltas].sort((a, b) => a - b)[Math.floor(prof.timeDeltas.length / 2)] ?? 0; // the median: the sampling interval
for (let i = 0; i < prof.samples.length; i++) {
  const dt = interval;
  const b = bucketOf(prof.samples[i]!);
  if (b === 'idle') {
    idle += dt;
    continue;
  }
  total += dt;
  buckets.set(b, (buckets.get(b) ?? 0) + dt);
  const n = byId.get(prof.samples[i]!)!;
  const leafName = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|bench|protocol)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  leaves.set(leafName, (leaves.get(leafName) ?? 0) + dt);
}

const wall = prof.endTime - prof.startTime;
const scale = INPUTS > 0 ? (CPU_US > 0 ? (CPU_US * INPUTS) / total : 1) / INPUTS : 0;
console.log(`${file}: ${(wall / 1e6).toFixed(1)} s sampled, busy ${(total / 1e6).toFixed(2)} s (${((100 * total) / wall).toFixed(0)} %), idle ${(idle / 1e6).toFixed(2)} s`);
if (INPUTS > 0) console.log(`inputs ${INPUTS}: ${(total / INPUTS).toFixed(1)} µs per input in the profile${CPU_US > 0 ? `, scaled to the measured ${CPU_US} µs` : ''}`);
console.log('\nbucket | share | µs per input');
for (const [b, t] of [...buckets].sort((a, c) => c[1] - a[1])) console.log(`${b} | ${((100 * t) / total).toFixed(1)} % | ${INPUTS > 0 ? (t * scale).toFixed(2) : '–'}`);
console.log(`\ntop ${TOP} leaf functions (self time)`);
for (const [name, t] of [...leaves].sort((a, c) => c[1] - a[1]).slice(0, TOP)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)} %  ${name}`);
