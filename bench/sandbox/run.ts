import path from 'node:path';
import { launchChromium } from '../../scripts/lib/chromium';
import { arg, flag } from '../lib/args';
import { ROOT } from '../lib/child';
import { api, build, displayUrlOf, serve, worktree, type Running, type Variant } from './variant';

/*
 * bench:sandbox — what the piece sandbox costs in frame rate (issue 11). Each bundled piece plays
 * on screen main-1, in a Chromium process of its own at the test size, in two builds side by side
 * in the same run: the baseline that ran pieces in the screen page itself (the commit before the
 * sandbox), and the current tree, where they run in the stage frame. Rounds alternate
 * (baseline, sandbox, baseline, sandbox…) so drift of a shared machine falls on both. Target: the
 * sandbox keeps each piece at ≥ 90 % of the baseline's frame rate.
 *
 *   npm run bench:sandbox -- [--seconds 15] [--rounds 2] [--baseline <commit>] [--width 480 --height 270] [--reuse] [--pieces a,b]
 */
const SECONDS = arg('seconds', 15);
const ROUNDS = arg('rounds', 2);
const BASELINE = arg('baseline', '0b6a691');
const WIDTH = arg('width', 480);
const HEIGHT = arg('height', 270);
const REUSE = flag('reuse');
const ONLY = arg('pieces', '');
const TARGET = 0.9;

async function installations(s: Running): Promise<string[]> {
  const list = (await (await fetch(`${s.url}/api/installations`)).json()) as Array<{ id: string; source: string }>;
  return list.filter((p) => p.source === 'bundled').map((p) => p.id).sort();
}

/** Frames per second of `piece` on main-1 of `s`, measured over SECONDS after it switched and settled. */
async function measure(s: Running, piece: string): Promise<number> {
  const url = await displayUrlOf(s, 'main-1');
  await api(s, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: piece });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    await page.goto(url);
    type W = { __pavilion?: { installationId: string | null; framesRendered: number } };
    await page.waitForFunction((id) => (window as unknown as W).__pavilion?.installationId === id, piece, { timeout: 120_000, polling: 200 });
    // A screen precaches its code once in its life (service workers, both origins): not during the measurement.
    await page.waitForFunction(() => !('serviceWorker' in navigator) || !document.querySelector('iframe.stage') || navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000, polling: 200 });
    await page.waitForTimeout(5000); // shaders compiled, assets in, the workers' precache done
    const read = () => page.evaluate(() => [(window as unknown as W).__pavilion!.framesRendered, performance.now()] as const);
    const [f0, t0] = await read();
    await page.waitForTimeout(SECONDS * 1000);
    const [f1, t1] = await read();
    return ((f1 - f0) * 1000) / (t1 - t0);
  } finally {
    await browser.close();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function main(): Promise<void> {
  const baseDir = worktree(ROOT, BASELINE);
  const variants: Variant[] = [
    { name: `host (${BASELINE})`, dir: baseDir, staticDir: path.join(baseDir, '.bench-build') },
    { name: 'sandbox (this tree)', dir: ROOT, staticDir: path.join(ROOT, '.tmp', 'bench-sandbox-build') },
  ];
  for (const v of variants) build(v.dir, v.staticDir, REUSE);
  const servers = await Promise.all(variants.map(serve));
  try {
    const pieces = (await installations(servers[1]!)).filter((p) => !ONLY || ONLY.split(',').includes(p));
    const fps = new Map<string, number[][]>(pieces.map((p) => [p, variants.map(() => [])]));
    for (let r = 0; r < ROUNDS; r++)
      for (const piece of pieces)
        for (let i = 0; i < variants.length; i++) {
          const f = await measure(servers[i]!, piece);
          fps.get(piece)![i]!.push(f);
          console.log(`round ${r + 1}  ${piece.padEnd(16)} ${variants[i]!.name.padEnd(22)} ${f.toFixed(1)} fps`);
        }
    console.log(`\n${'piece'.padEnd(16)} ${'host fps'.padStart(9)} ${'sandbox fps'.padStart(12)} ${'ratio'.padStart(7)}`);
    let ok = true;
    for (const piece of pieces) {
      const [host, sandbox] = fps.get(piece)!.map(mean) as [number, number];
      const ratio = sandbox / host;
      if (!(ratio >= TARGET)) ok = false;
      console.log(`${piece.padEnd(16)} ${host.toFixed(1).padStart(9)} ${sandbox.toFixed(1).padStart(12)} ${(ratio * 100).toFixed(0).padStart(6)}%`);
    }
    console.log(`\n${ok ? 'PASS' : 'MISS'}: the sandbox keeps every piece at ≥ ${TARGET * 100} % of the host's frame rate (${ROUNDS} rounds × ${SECONDS} s, ${WIDTH}×${HEIGHT}, software WebGL here)`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

await main();
