/**
 * npx tsx bench/switch/blend-cost.ts [--from laser-score] [--to facade] [--screen main-2] [--width 960] [--height 540]
 *                                    [--hold 4000] [--compare DIR] [--rounds 1] [--uncapped]
 *
 * What a crossfade frame costs (issue 13), against each piece's own frame. One screen of the demo
 * wall (main-2 by default: it plays no sound, so the frames are the picture's), in its own Chromium
 * at --width×--height (software WebGL), serving PAVILION_STATIC_DIR (default dist/client). Per
 * build: `--to` plays alone, then `--from` alone, each measured for --hold ms; then a crossfade
 * from `--from` to `--to` long enough (--hold + 6 s) to be measured for --hold ms in its middle,
 * both pieces animating (both are warm by then: kept from their own plays). It prints the median
 * and the 90th percentile of the stage frame's rAF intervals in each stretch, and the crossfade's
 * median against the slower piece's: ×1 means a crossfade frame costs what one piece's frame
 * costs. `--compare DIR` runs a second build in the same run (A B A B… for --rounds), so that both
 * meet the same machine; `--uncapped` adds Chromium's flags that lift the 60 Hz cap (a frame then
 * takes what it costs, where a cheap one otherwise waits for the next vsync).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Frame } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/lib/chromium';
import { startBenchApp, BENCH_ADMIN } from '../lib/app';
import { arg } from '../lib/args';
import { fmt, median } from '../lib/stats';
import { sleep } from '../lib/child';
import { poll, postCommand } from './rest';

const FROM = arg('from', 'laser-score');
const TO = arg('to', 'facade');
const SCREEN = arg('screen', 'main-2');
const WIDTH = arg('width', 960);
const HEIGHT = arg('height', 540);
const HOLD = arg('hold', 4000);
const COMPARE = arg('compare', '');
const ROUNDS = Math.max(1, arg('rounds', 1));
const UNCAPPED = process.argv.includes('--uncapped');
const BUILD_A = path.resolve(process.env.PAVILION_STATIC_DIR ?? 'dist/client');

interface Stretch {
  what: string;
  medianMs: number;
  p90Ms: number;
  frames: number;
  load: number;
}
interface Row {
  build: 'A' | 'B';
  round: number;
  stretches: Stretch[];
}

const RECORDER = `if (location.pathname === '/stage') { const w = window; w.__blendFrames = [];
  const loop = (t) => { w.__blendFrames.push(performance.timeOrigin + t); if (w.__blendFrames.length > 30000) w.__blendFrames.splice(0, 15000); requestAnimationFrame(loop); };
  requestAnimationFrame(loop); }`;

const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? NaN;

async function sequence(staticDir: string, b: Row['build'], round: number): Promise<Row> {
  const app = await startBenchApp('blend-cost', staticDir);
  let browser: Browser | null = null;
  try {
    const command = (c: Record<string, unknown>) => postCommand(app.url, BENCH_ADMIN, { wallId: 'main', ...c });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(UNCAPPED ? ['--disable-gpu-vsync', '--disable-frame-rate-limit'] : [])], headless: true });
    const page = await (await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } })).newPage();
    await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    await page.addInitScript({ content: RECORDER });
    const url = app.displayUrl(SCREEN);
    if (!url) throw new Error(`blend-cost: screen ${SCREEN} is not paired in the demo show`);
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
    const stage: Frame = await poll(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage') ?? null, 'the stage frame', 90_000);
    const seen = () =>
      stage.evaluate(() => {
        const d = (window as unknown as { __pavilion?: { lastSwitch: { installationId: string | null; showTime: number } | null; transition: unknown; clock: { synced: boolean }; framesRendered: number } }).__pavilion;
        return d ? { lastSwitch: d.lastSwitch, transition: d.transition, synced: d.clock.synced, frames: d.framesRendered } : { lastSwitch: null, transition: null, synced: false, frames: 0 };
      });
    await poll(async () => { const d = await seen(); return d.synced && d.frames > 5; }, 'the screen to sync and draw', 90_000);
    const stretches: Stretch[] = [];
    const measure = async (what: string) => {
      const from = Date.now();
      await sleep(HOLD);
      const ts = await stage.evaluate(([a, z]) => (window as unknown as { __blendFrames: number[] }).__blendFrames.filter((t) => t >= a! && t <= z!), [from, Date.now()] as const);
      const gaps = ts.slice(1).map((t, k) => t - ts[k]!);
      stretches.push({ what, medianMs: median(gaps), p90Ms: p90(gaps), frames: ts.length, load: os.loadavg()[0]! });
    };
    const playAlone = async (id: string) => {
      const before = (await seen()).lastSwitch?.showTime ?? null;
      await command({ type: 'wall.play', installationId: id });
      await poll(async () => { const d = await seen(); return d.lastSwitch?.installationId === id && d.lastSwitch.showTime !== before; }, `the switch to ${id}`, 90_000);
      await sleep(2000); // past its first frames
      await measure(`${id} alone`);
    };
    await playAlone(TO);
    await playAlone(FROM);
    const at = Date.now() + 8000; // a lead long enough to adopt the kept run (the server's clock is this process's)
    await command({ type: 'wall.play', installationId: TO, at, transition: { type: 'crossfade', ms: HOLD + 6000 } });
    await poll(async () => { const d = await seen(); return d.lastSwitch?.installationId === TO && d.transition !== null; }, 'the crossfade to start', 90_000);
    await sleep(2000);
    await measure(`crossfade ${FROM} → ${TO}`);
    return { build: b, round, stretches };
  } finally {
    await browser?.close().catch(() => undefined);
    await app.close();
    fs.rmSync(app.dataDir, { recursive: true, force: true });
  }
}

const builds: Array<[Row['build'], string]> = COMPARE ? [['A', BUILD_A], ['B', path.resolve(COMPARE)]] : [['A', BUILD_A]];
const rows: Row[] = [];
const load0 = os.loadavg();
for (let round = 1; round <= ROUNDS; round++) for (const [b, dir] of builds) rows.push(await sequence(dir, b, round));
const load1 = os.loadavg();
console.log(`blend-cost — ${SCREEN} at ${WIDTH}×${HEIGHT}, software WebGL${UNCAPPED ? ', frame rate uncapped' : ''}; ${HOLD} ms per stretch; load average ${load0.map((x) => x.toFixed(1)).join(' ')} → ${load1.map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
for (const [b, dir] of builds) console.log(`build ${b}: ${dir}`);
for (const r of rows) {
  const s = r.stretches;
  const slower = Math.max(s[0]!.medianMs, s[1]!.medianMs);
  console.log(
    `${r.build}${r.round}: ` + s.map((x) => `${x.what} median ${fmt(x.medianMs, 1)} ms, p90 ${fmt(x.p90Ms, 1)} ms (${x.frames} frames, load ${x.load.toFixed(1)})`).join('; ') +
      `; crossfade / slower piece ×${fmt(s[2]!.medianMs / slower, 2)}`,
  );
}
