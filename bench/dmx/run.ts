/**
 * npm run bench:dmx — DMX latency on loopback (issue 15), measured by an Art-Net receiver (dmxnet's)
 * on 127.0.0.1 in this process, on the show clock's base (performance.timeOrigin + now):
 *
 *  A. `dmx.set` with `at` → the packet's arrival: how far from `at` the frame lands (target: ≤ 5 ms).
 *     Side by side in the same run, sets in turn: a server with DMX on a real-time thread of its own
 *     (the default: SCHED_FIFO 10, server/links/thread-priority.ts) that blocks out a timed frame's
 *     last 20 ms (the default since 2026-11-30 16:40), the same thread spinning on setImmediate
 *     instead (`dmxWait: 'spin'`, before), a DMX thread at nice −10 only (`dmxFifo: null`), and the
 *     sender on its main thread (`dmxThread: false`). The servers run in this process, so arrivals are stamped on
 *     a thread of their own (stamp-worker.mjs, real-time too), not on the servers' busy main thread.
 *  B. a piece's frame → the UDP packet: a bench piece on a Chromium screen (the wall's sound screen)
 *     writes its frame's show time (ms mod 65536, two lights) to two channels; each packet says which frame it
 *     carries, so arrival − that frame's show time is the whole path: stage → page (bridge) →
 *     server (display:lights) → Art-Net.
 *
 *   npm run bench:dmx                          # 100 timed sets, 15 s of piece frames
 *   npm run bench:dmx -- --sets 200 --seconds 30 --lead 100
 *   PAVILION_STATIC_DIR=.tmp/build-x npm run bench:dmx   # pages built elsewhere (B needs a build)
 *   npm run bench:dmx -- --trace --seconds 0   # A with each set's hops and the GCs (bench/dmx/trace.ts)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { arg, flag } from '../lib/args';
import { ROOT } from '../lib/child';
import { fmt, percentile } from '../lib/stats';
import { createApp, type App } from '../../server/app';
import { artnetReceiver, type DmxReceiver } from '../../scripts/lib/dmx-receivers';
import { launchChromium } from '../../scripts/lib/chromium';
import { packFolder, uploadPiece } from '../../scripts/lib/piece-upload';
import { report, RigTrace, watchMainGc, type Gc, type SetHops } from './trace';

const SETS = arg('sets', 100);
const SECONDS = arg('seconds', 15);
const LEAD = arg('lead', 150);
const TRACE = flag('trace');
const ADMIN = 'bench-dmx-admin-token-0123456789';
const ARTIST = 'bench-dmx-artist-token-0123456789';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(values: number[]): Record<string, number> {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: Math.max(...values), min: Math.min(...values) };
}
const line = (label: string, s: Record<string, number>) =>
  console.log(`${label.padEnd(34)} n=${s.n}  p50 ${fmt(s.p50, 2)} ms  p95 ${fmt(s.p95, 2)} ms  p99 ${fmt(s.p99, 2)} ms  max ${fmt(s.max, 2)} ms  min ${fmt(s.min, 2)} ms`);

/** A server, its Art-Net output 'rig' and the receiver that sees it, with arrival stamps taken off this thread. */
interface Rig {
  label: string;
  app: App;
  dataDir: string;
  art: DmxReceiver;
  stamps: number[];
  stamper: Worker;
  /** The stamping thread's port: where the server sends (a packet capture on lo can pick them out). */
  port: number;
  trace: RigTrace | null;
  cmd(body: Record<string, unknown>): Promise<void>;
}

async function rig(label: string, dmxThread: boolean, staticDir: string, dmxFifo?: number | null, gcs: Gc[] = [], dmxWait?: 'block' | 'spin'): Promise<Rig> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-dmx-'));
  const art = await artnetReceiver(1);
  const stamps: number[] = [];
  const trace = TRACE ? new RigTrace(label) : null;
  const stamper = new Worker(new URL('./stamp-worker.mjs', import.meta.url), { workerData: { forwardPort: art.port, trace: TRACE } });
  const port = await new Promise<number>((resolve) => {
    const first = (m: { port?: number }) => {
      if (typeof m.port !== 'number') return;
      stamper.off('message', first);
      resolve(m.port);
    };
    stamper.on('message', first);
  });
  stamper.on('message', (m: unknown) => {
    if (typeof m === 'number') stamps.push(m);
    else if (trace && typeof m === 'object' && m !== null && 'gc' in m) {
      const [start, ms] = (m as { gc: [number, number] }).gc;
      gcs.push({ where: `${label}: stamping thread`, start, ms });
    }
  });
  const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, staticDir, logger: pino({ level: 'warn' }), adminToken: ADMIN, artistToken: ARTIST, publicUrl: 'http://127.0.0.1', playLeadMs: 100, dmxThread, ...(dmxFifo !== undefined ? { dmxFifo } : {}), ...(trace ? { dmxTrace: trace.hooks } : {}), ...(dmxWait ? { dmxWait } : {}) });
  trace?.watch(app);
  const cmd = async (body: Record<string, unknown>) => {
    const res = await fetch(`${app.url}/api/commands`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${String(body.type)} refused: ${res.status} ${await res.text()}`);
  };
  await cmd({ type: 'dmx.output', id: 'rig', protocol: 'artnet', host: '127.0.0.1', port, universe: 1 });
  // The sender is up (the DMX thread starts with the first output and loads its code first): a
  // first frame has arrived before anything is measured.
  await cmd({ type: 'dmx.set', output: 'rig', channels: { '11': 1 } });
  await art.waitFor((v) => v[10] === 1, { timeoutMs: 30_000 });
  return { label, app, dataDir, art, stamps, stamper, port, trace, cmd };
}

/** The arrival stamp of a frame the receiver parsed: the stamper saw the same datagrams, in the same order. */
async function stampOf(r: Rig, frame: { at: number }): Promise<number> {
  const i = r.art.frames.indexOf(frame as never);
  for (let t = 0; r.stamps.length <= i && t < 500; t++) await sleep(2);
  const at = r.stamps[i];
  if (at === undefined) throw new Error(`${r.label}: no arrival stamp for frame ${i}`);
  return at;
}

async function closeRig(r: Rig): Promise<void> {
  await r.app.close();
  await r.art.close();
  r.stamper.postMessage('close');
  await r.stamper.terminate();
  fs.rmSync(r.dataDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const staticDir = process.env.PAVILION_STATIC_DIR ?? path.join(ROOT, 'dist', 'client');
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`bench:dmx on ${os.cpus().length} cores, load average ${load}`);
  const gcs: Gc[] = [];
  const stopGc = TRACE ? watchMainGc(gcs) : () => {};
  const rigs = [
    await rig('DMX thread, real-time, block (default)', true, staticDir, undefined, gcs),
    await rig('DMX thread, real-time, spin (before)', true, staticDir, undefined, gcs, 'spin'),
    await rig('DMX thread, nice −10, block', true, staticDir, null, gcs),
    await rig('main thread', false, staticDir, undefined, gcs),
  ];
  const hops: SetHops[] = [];
  const result: Record<string, unknown> = { at: new Date().toISOString(), cores: os.cpus().length, loadBefore: os.loadavg() };
  // The show clock against CLOCK_MONOTONIC (perf's -k CLOCK_MONOTONIC), to set a trace beside a kernel one.
  if (TRACE) result.clockPair = { show: now(), monotonicMs: Number(process.hrtime.bigint()) / 1e6 };

  // A. dmx.set with `at`: the frame that carries the new value, against `at`; the two servers in turn.
  // A set whose command was acknowledged only after its `at` cannot leave on time, whatever the
  // sender does (the command's own path, on a starved machine, took longer than the lead): those
  // are counted apart, and the lateness is that of the others.
  const late = new Map<Rig, number[]>(rigs.map((r) => [r, []]));
  const ackedLate = new Map<Rig, number>(rigs.map((r) => [r, 0]));
  for (let i = 0; i < SETS; i++) {
    for (const r of rigs) {
      const value = 1 + (i % 254);
      const posted = now();
      const at = Math.round((posted + LEAD) * 1000) / 1000;
      const from = r.art.frames.length;
      await r.cmd({ type: 'dmx.set', output: 'rig', channels: { '10': value }, at });
      const acked = now();
      const got = await r.art.waitFor((v) => v[9] === value, { from, timeoutMs: 5000 });
      const stamp = await stampOf(r, got);
      if (r.trace) hops.push(r.trace.hops(value, at, posted, acked, stamp));
      if (acked > at) ackedLate.set(r, ackedLate.get(r)! + 1);
      else late.get(r)!.push(stamp - at);
      await sleep(20 + (i % 7) * 3);
    }
  }
  const setAt: Record<string, unknown> = {};
  for (const r of rigs) {
    const xs = late.get(r)!;
    const a = summary(xs);
    line(`A. ${r.label}`, a);
    setAt[r.label] = { leadMs: LEAD, ...a, within5ms: xs.filter((x) => x <= 5 && x >= -1).length / xs.length, ackedAfterAt: ackedLate.get(r) };
    console.log(`   ${r.label}: ${fmt((setAt[r.label] as { within5ms: number }).within5ms * 100, 0)} % within 5 ms; ${ackedLate.get(r)} of ${SETS} commands acknowledged only after their \`at\` (${LEAD} ms lead), left out`);
  }
  result.setAt = setAt;
  if (TRACE) {
    stopGc();
    report(hops, gcs, LEAD);
    result.trace = { ports: Object.fromEntries(rigs.map((r) => [r.label, r.port])), hops, gcs };
  }
  const [main, ...others] = rigs as [Rig, ...Rig[]];
  for (const o of others) await closeRig(o);
  const { app, art } = main;
  const cmd = main.cmd;

  // B. piece frame → packet, through a Chromium screen.
  if (SECONDS <= 0) console.log('B. skipped (--seconds 0)');
  else if (!fs.existsSync(path.join(staticDir, 'display.html')) && !fs.existsSync(path.join(staticDir, 'index.html'))) {
    console.log(`B. skipped: no built pages in ${staticDir} (npm run build, or PAVILION_STATIC_DIR)`);
  } else {
    const bundle = await packFolder(path.join(ROOT, 'bench', 'dmx', 'bench-lights'));
    const up = await uploadPiece(app, fs.readFileSync(bundle), ARTIST);
    if (up.status !== 201) throw new Error(`bench piece refused: ${up.status} ${JSON.stringify(up.body)}`);
    await cmd({ type: 'dmx.release', output: 'rig' });
    await cmd({ type: 'wall.lights', wallId: 'main', map: { clock: { output: 'rig', channel: 1 }, 'clock-hi': { output: 'rig', channel: 2 } } });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 480, height: 270 } });
      await page.goto(app.displayUrl('main-1')!, { waitUntil: 'domcontentloaded', timeout: 90_000 });
      await cmd({ type: 'wall.play', wallId: 'main', installationId: 'bench-lights' });
      const start = art.frames.length;
      await art.waitFor((v) => v[0]! > 0, { from: start, timeoutMs: 90_000 });
      const from = art.frames.length;
      await sleep(SECONDS * 1000);
      const frames = art.frames.slice(from);
      const lat: number[] = [];
      let prev = -1;
      for (const f of frames) {
        const v = f.values[0]! + 256 * f.values[1]!; // the frame's show time, ms mod 65536
        if (v === prev) continue; // a keep-alive of the same piece frame
        prev = v;
        lat.push((((Math.floor(await stampOf(main, f)) - v) % 65536) + 65536) % 65536);
      }
      const b = summary(lat);
      line('B. piece frame → packet (ms)', b);
      result.pieceFrame = { seconds: SECONDS, packets: frames.length, rateHz: frames.length / SECONDS, ...b };
      console.log(`   ${frames.length} packets in ${SECONDS} s (${fmt(frames.length / SECONDS, 1)} Hz)`);
    } finally {
      await browser.close();
    }
  }
  result.loadAfter = os.loadavg();
  const out = path.join(ROOT, 'bench', 'results', `dmx-${new Date().toISOString().slice(0, 16).replace(/:/g, '')}.json`);
  fs.writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`results: ${path.relative(ROOT, out)}`);
  await closeRig(main);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
