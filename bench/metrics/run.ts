/**
 * npm run bench:metrics — how long GET /metrics takes with `--screens` (default 50) screens
 * connected, each reporting its health every second as a real screen does (issue 15: ≤ 50 ms).
 * The server runs in its own process; the screens (socket.io clients) and the scraper run here.
 * Scrapes one at a time, `--every` ms apart (default 100), `--scrapes` times (default 200), after
 * `--warmup` scrapes (default 10); reports p50/p95/p99/max, the body size, the series, the load.
 *
 *   npm run bench:metrics
 *   npm run bench:metrics -- --screens 100 --scrapes 500
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { arg } from '../lib/args';
import { ROOT, childForker, keyedMessage, sleep } from '../lib/child';
import { fmt, percentile } from '../lib/stats';

const SCREENS = arg('screens', 50);
const SCRAPES = arg('scrapes', 200);
const WARMUP = arg('warmup', 10);
const EVERY = arg('every', 100);
const TARGET_MS = 50;

const children = childForker(import.meta.dirname);
const server = children.fork('server.ts', { args: ['--screens', String(SCREENS)] });
const ready = await keyedMessage<{ url: string; token: string; keys: Record<string, string>; pieceId: string | undefined }>(server, 'ready');

// The screens: paired, each sending its health once a second (staggered), as client/display does.
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
for (const [screenId, key] of Object.entries(ready.keys)) {
  const s = io(`${ready.url}/display`, { transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  const hello = (await s.timeout(10_000).emitWithAck('display:hello', { screenId, key })) as { ok: boolean; error?: { message: string } };
  if (!hello.ok) throw new Error(`bench: screen ${screenId} was refused: ${hello.error?.message}`);
  const report = () => s.emit('display:health', {
    installationId: ready.pieceId ?? null, fps: 58 + Math.random() * 2, frameMsP95: 16 + Math.random() * 4, framesRendered: 1000,
    memory: { geometries: 40, textures: 12, programs: 9 }, clock: { offsetMs: Math.random() * 0.2 - 0.1, rttMs: 0.4, uncertaintyMs: 0.2 },
  });
  report();
  const start = setTimeout(() => timers.push(setInterval(report, 1000)), Math.random() * 1000);
  timers.push(start);
}

async function scrape(): Promise<{ ms: number; collectMs: number; bytes: number; text: string }> {
  const t0 = performance.now();
  const res = await fetch(`${ready.url}/metrics`, { headers: { authorization: `Bearer ${ready.token}` } });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`bench: GET /metrics answered ${res.status}: ${text.slice(0, 200)}`);
  const collectMs = Number(/collect;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN);
  return { ms, collectMs, bytes: Buffer.byteLength(text), text };
}

for (let i = 0; i < WARMUP; i++) await scrape();
const first = await scrape();
const connectedLine = first.text.split('\n').find((l) => l.startsWith('pavilion_screens_connected '));
const perScreen = first.text.split('\n').filter((l) => l.startsWith('pavilion_screen_fps{')).length;
const ms: number[] = [];
const collect: number[] = [];
let bytes = 0;
const load0 = os.loadavg();
for (let i = 0; i < SCRAPES; i++) {
  const r = await scrape();
  ms.push(r.ms);
  collect.push(r.collectMs);
  bytes = r.bytes;
  await sleep(EVERY);
}
const load = os.loadavg();

const result = {
  bench: 'metrics',
  at: new Date().toISOString(),
  screens: SCREENS,
  connected: Number(connectedLine?.split(' ')[1] ?? NaN),
  screensWithSeries: perScreen,
  scrapes: SCRAPES,
  everyMs: EVERY,
  ms: { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: Math.max(...ms) },
  /** The server's own collection time (Server-Timing), without the network and the event loop's queue. */
  collectMs: { p50: percentile(collect, 50), p95: percentile(collect, 95), p99: percentile(collect, 99), max: Math.max(...collect) },
  bodyBytes: bytes,
  series: first.text.split('\n').filter((l) => l && !l.startsWith('#')).length,
  loadavg: { before: load0, after: load },
  cpus: os.cpus().length,
  node: process.version,
  targetMs: TARGET_MS,
};
const verdict = result.ms.p99 <= TARGET_MS ? 'meets' : 'misses';
console.log(`bench:metrics  ${SCREENS} screens (${result.connected} connected, ${perScreen} with health series), ${SCRAPES} scrapes every ${EVERY} ms`);
console.log(`  GET /metrics  p50 ${fmt(result.ms.p50, 1)} ms  p95 ${fmt(result.ms.p95, 1)} ms  p99 ${fmt(result.ms.p99, 1)} ms  max ${fmt(result.ms.max, 1)} ms  (${(bytes / 1024).toFixed(1)} KB, ${result.series} samples)`);
console.log(`  collection on the server (Server-Timing)  p50 ${fmt(result.collectMs.p50, 2)} ms  p95 ${fmt(result.collectMs.p95, 2)} ms  p99 ${fmt(result.collectMs.p99, 2)} ms  max ${fmt(result.collectMs.max, 2)} ms`);
console.log(`  load average ${load.map((l) => l.toFixed(2)).join(' ')} on ${result.cpus} cores; the p99 ${verdict} the ${TARGET_MS} ms target`);
fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
const out = path.join(ROOT, 'bench', 'results', `metrics-${result.at.slice(0, 16).replace(/:/g, '')}.json`);
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`  written to ${path.relative(ROOT, out)}`);

for (const t of timers) clearInterval(t);
for (const s of sockets) s.close();
server.send({ close: true });
await new Promise((r) => server.once('exit', r));
process.exit(0);
