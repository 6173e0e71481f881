/**
 * npx tsx bench/switch/audio-probe.ts [--screen main-1] [--hold 6000] [--settle 3000] [--pieces canopy,echo,...] [--lead 0]
 *
 * What each bundled piece costs the machine's threads while it plays alone on one screen of the
 * demo wall (main-1 plays the wall's sound), in its own Chromium at 480×270 (software WebGL),
 * serving PAVILION_STATIC_DIR (default dist/client): per piece, after --settle ms of playing (the
 * piece before it may still be releasing its sound then), the CPU of every thread of the browser's
 * processes over --hold ms (bench/lib/cpu.ts: /proc, Linux only), summed by process kind and
 * thread name, the top ones printed. Shows where a sounding screen's CPU goes (the stage's main
 * thread, the GPU process, the audio device thread) against a silent one.
 *
 * `--lead MS`: each piece is played MS ahead (`wall.play` with `at`), and the window is taken in
 * that lead instead, from --settle ms after the command (the incoming piece built and warm off-screen
 * by then) for --hold ms, before the switch: what a screen pays while the next piece waits for its
 * start beside the one playing. --settle + --hold must end before the start (500 ms to spare).
 */
import fs from 'node:fs';
import os from 'node:os';
import { chromium, type Browser, type Frame } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/lib/chromium';
import { startBenchApp, BENCH_ADMIN } from '../lib/app';
import { arg } from '../lib/args';
import { chromiumCpu, cpuSince } from '../lib/cpu';
import { sleep } from '../lib/child';
import { poll, postCommand } from './rest';

const SCREEN = arg('screen', 'main-1');
const HOLD = arg('hold', 6000);
const SETTLE = arg('settle', 3000);
const PIECES = arg('pieces', 'prism-field,canopy,echo,facade,laser-score').split(',');
const LEAD = arg('lead', 0);
if (LEAD > 0 && SETTLE + HOLD > LEAD - 500) throw new Error(`audio-probe: --settle ${SETTLE} + --hold ${HOLD} must end 500 ms before the start (--lead ${LEAD})`);

const app = await startBenchApp('audio-probe', process.env.PAVILION_STATIC_DIR ?? 'dist/client');
let browser: Browser | null = null;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const page = await (await browser.newContext({ viewport: { width: 480, height: 270 } })).newPage();
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  const url = app.displayUrl(SCREEN);
  if (!url) throw new Error(`audio-probe: screen ${SCREEN} is not paired in the demo show`);
  await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
  const stage: Frame = await poll(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage') ?? null, 'the stage frame', 90_000);
  type Diag = { lastSwitch: { installationId: string | null; showTime: number } | null; framesRendered: number; clock: { synced: boolean } };
  const seen = () => stage.evaluate(() => (window as unknown as { __pavilion?: Diag }).__pavilion ?? null);
  await poll(async () => { const d = await seen(); return !!d && d.clock.synced && d.framesRendered > 5; }, 'the screen to sync and draw', 90_000);
  const when = LEAD > 0 ? `in the ${LEAD} ms lead before its switch, from ${SETTLE} ms after the command` : `from ${SETTLE} ms after its switch`;
  console.log(`audio-probe — ${SCREEN} at 480×270 in one Chromium, ${HOLD} ms per piece ${when}; load ${os.loadavg()[0]!.toFixed(1)}`);
  for (const id of PIECES) {
    const before = (await seen())?.lastSwitch?.showTime ?? null;
    const switched = () => poll(async () => { const d = await seen(); return d?.lastSwitch?.installationId === id && d.lastSwitch.showTime !== before; }, `the switch to ${id}`, 90_000);
    // The server's show time is this process's clock (the app runs in it).
    await postCommand(app.url, BENCH_ADMIN, { wallId: 'main', type: 'wall.play', installationId: id, ...(LEAD > 0 ? { at: Date.now() + LEAD } : {}) });
    if (LEAD === 0) await switched();
    await sleep(SETTLE);
    const a = chromiumCpu();
    const f0 = (await seen())!.framesRendered;
    const t0 = Date.now();
    await sleep(HOLD);
    const rows = cpuSince(a, chromiumCpu());
    const f1 = (await seen())!.framesRendered;
    const ms = Date.now() - t0;
    const total = rows.reduce((x, [, t]) => x + t, 0);
    const top = rows.slice(0, 7);
    const pct = (t: number) => ((t / ms) * 100).toFixed(0);
    const secs = ms / 1000;
    console.log(`${id.padEnd(12)} ${((f1 - f0) / secs).toFixed(1)} fps; the browser's threads ${pct(total)} % of a core: ${top.map(([k, t]) => `${k} ${pct(t)} %`).join(', ')}; load ${os.loadavg()[0]!.toFixed(1)}`);
    if (LEAD > 0) await switched();
  }
} finally {
  await browser?.close().catch(() => undefined);
  await app.close();
  fs.rmSync(app.dataDir, { recursive: true, force: true });
}
