/**
 * npm run bench:dmx — DMX latency on loopback (issue 15), measured by an Art-Net receiver (dmxnet's)
 * on 127.0.0.1 in this process, on the show clock's base (performance.timeOrigin + now):
 *
 *  A. `dmx.set` with `at` → the packet's arrival: how far from `at` the frame lands (target: ≤ 5 ms).
 *  B. a piece's frame → the UDP packet: a bench piece on a Chromium screen (the wall's sound screen)
 *     writes its frame's show time (ms mod 65536, two lights) to two channels; each packet says which frame it
 *     carries, so arrival − that frame's show time is the whole path: stage → page (bridge) →
 *     server (display:lights) → Art-Net.
 *
 *   npm run bench:dmx                          # 100 timed sets, 15 s of piece frames
 *   npm run bench:dmx -- --sets 200 --seconds 30 --lead 100
 *   PAVILION_STATIC_DIR=.tmp/build-x npm run bench:dmx   # pages built elsewhere (B needs a build)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { arg } from '../lib/args';
import { ROOT } from '../lib/child';
import { fmt, percentile } from '../lib/stats';
import { createApp } from '../../server/app';
import { artnetReceiver } from '../../scripts/lib/dmx-receivers';
import { launchChromium } from '../../scripts/lib/chromium';
import { packFolder, uploadPiece } from '../../scripts/lib/piece-upload';

const SETS = arg('sets', 100);
const SECONDS = arg('seconds', 15);
const LEAD = arg('lead', 150);
const ADMIN = 'bench-dmx-admin-token-0123456789';
const ARTIST = 'bench-dmx-artist-token-0123456789';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(values: number[]): Record<string, number> {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: Math.max(...values), min: Math.min(...values) };
}
const line = (label: string, s: Record<string, number>) =>
  console.log(`${label.padEnd(34)} n=${s.n}  p50 ${fmt(s.p50, 2)} ms  p95 ${fmt(s.p95, 2)} ms  p99 ${fmt(s.p99, 2)} ms  max ${fmt(s.max, 2)} ms  min ${fmt(s.min, 2)} ms`);

async function main(): Promise<void> {
  const staticDir = process.env.PAVILION_STATIC_DIR ?? path.join(ROOT, 'dist', 'client');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-dmx-'));
  const art = await artnetReceiver(1);
  const app = await createApp({ port: 0, host: '127.0.0.1', dataDir, staticDir, logger: pino({ level: 'warn' }), adminToken: ADMIN, artistToken: ARTIST, publicUrl: 'http://127.0.0.1', playLeadMs: 100 });
  const cmd = async (body: Record<string, unknown>) => {
    const res = await fetch(`${app.url}/api/commands`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${String(body.type)} refused: ${res.status} ${await res.text()}`);
  };
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`bench:dmx on ${os.cpus().length} cores, load average ${load}`);
  await cmd({ type: 'dmx.output', id: 'rig', protocol: 'artnet', host: '127.0.0.1', port: art.port, universe: 1 });
  const result: Record<string, unknown> = { at: new Date().toISOString(), cores: os.cpus().length, loadBefore: os.loadavg() };

  // A. dmx.set with `at`: the frame that carries the new value, against `at`.
  const late: number[] = [];
  for (let i = 0; i < SETS; i++) {
    const value = 1 + (i % 254);
    const at = now() + LEAD;
    const from = art.frames.length;
    await cmd({ type: 'dmx.set', output: 'rig', channels: { '10': value }, at: Math.round(at * 1000) / 1000 });
    const got = await art.waitFor((v) => v[9] === value, { from, timeoutMs: 5000 });
    late.push(got.at - at);
    await sleep(20 + (i % 7) * 3);
  }
  const a = summary(late);
  line('A. dmx.set at → arrival (ms late)', a);
  result.setAt = { leadMs: LEAD, ...a, within5ms: late.filter((x) => x <= 5 && x >= -1).length / late.length };

  // B. piece frame → packet, through a Chromium screen.
  if (!fs.existsSync(path.join(staticDir, 'display.html')) && !fs.existsSync(path.join(staticDir, 'index.html'))) {
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
        lat.push((((Math.floor(f.at) - v) % 65536) + 65536) % 65536);
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
  await app.close();
  await art.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
