import os from 'node:os';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { arg, flag } from '../lib/args';
import { ROOT } from '../lib/child';
import { chromiumCpu, cpuSince } from '../lib/cpu';
import { api, build, displayUrlOf, serve, worktree, type Running, type Variant } from '../sandbox/variant';
import { poll } from '../switch/rest';

/*
 * bench:sound — what a sounding screen's audio thread costs per bundled piece, in two builds side
 * by side in the same run: the baseline (default 6aa3eea: the pieces on Tone.js's synths, filters,
 * LFO, FeedbackDelay and Tone.Reverb with a −90 dB impulse response) and the current tree (the
 * SDK's voices and bus reverb, sdk/voices.ts and sdk/sound-bus.ts). Each piece plays on screen
 * main-1 (the one that plays its wall's sound), in a Chromium process of its own at 480×270; after
 * --settle ms the CPU of its renderer's audio device thread is read over --hold ms (/proc, Linux
 * only), with the frame rate. Rounds alternate (baseline, current, baseline, current…) so a shared
 * machine's drift falls on both. Target: the current build at most half the baseline's audio
 * thread per piece (the soak's four sounding stages needed 72–135 % of a core together).
 *
 *   npm run bench:sound -- [--rounds 2] [--hold 10000] [--settle 4000] [--baseline <commit>] [--reuse] [--pieces a,b]
 */
const ROUNDS = arg('rounds', 2);
const HOLD = arg('hold', 10_000);
const SETTLE = arg('settle', 4000);
const BASELINE = arg('baseline', '6aa3eea');
const REUSE = flag('reuse');
const PIECES = arg('pieces', 'canopy,echo,facade,laser-score').split(',');
const TARGET = 0.5;
const AUDIO_THREAD = /^renderer\/AudioOutputDevi/;

interface Reading {
  /** The audio device thread's CPU, % of one core. */
  audio: number;
  fps: number;
}

/** The audio thread's CPU and the frame rate of `piece` playing on main-1 of `s`, over HOLD ms from SETTLE ms after its switch. */
async function measure(s: Running, piece: string): Promise<Reading> {
  const url = await displayUrlOf(s, 'main-1');
  await api(s, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: piece });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 480, height: 270 } });
    await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
    type Diag = { lastSwitch: { installationId: string | null } | null; framesRendered: number; clock: { synced: boolean } };
    const stage: Frame = await poll(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage') ?? null, 'the stage frame', 120_000);
    const seen = () => stage.evaluate(() => (window as unknown as { __pavilion?: Diag }).__pavilion ?? null).catch(() => null);
    await poll(async () => { const d = await seen(); return !!d?.clock.synced && d.lastSwitch?.installationId === piece && d.framesRendered > 5; }, `${piece} to start on main-1`, 120_000);
    await page.waitForTimeout(SETTLE);
    const a = chromiumCpu();
    const f0 = (await seen())!.framesRendered;
    const t0 = Date.now();
    await page.waitForTimeout(HOLD);
    const rows = cpuSince(a, chromiumCpu());
    const f1 = (await seen())!.framesRendered;
    const ms = Date.now() - t0;
    const audio = rows.filter(([k]) => AUDIO_THREAD.test(k)).reduce((x, [, t]) => x + t, 0);
    return { audio: (audio / ms) * 100, fps: ((f1 - f0) * 1000) / ms };
  } finally {
    await browser.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

async function main(): Promise<void> {
  const baseDir = worktree(ROOT, BASELINE);
  const variants: Variant[] = [
    { name: `baseline ${BASELINE}`, dir: baseDir, staticDir: path.join(os.tmpdir(), `pavilion-bench-sound-${BASELINE}`) },
    { name: 'current', dir: ROOT, staticDir: path.join(os.tmpdir(), 'pavilion-bench-sound-current') },
  ];
  for (const v of variants) build(v.dir, v.staticDir, REUSE && v.dir !== ROOT);
  const servers = await Promise.all(variants.map(serve));
  try {
    console.log(`bench:sound — main-1 at 480×270, one Chromium per reading, ${HOLD} ms from ${SETTLE} ms after the switch, ${ROUNDS} rounds; load ${os.loadavg()[0]!.toFixed(1)}`);
    const readings = new Map<string, Reading[][]>(PIECES.map((p) => [p, variants.map(() => [])]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const piece of PIECES) {
        for (let i = 0; i < variants.length; i++) {
          const got = await measure(servers[i]!, piece);
          readings.get(piece)![i]!.push(got);
          console.log(`round ${r + 1}  ${piece.padEnd(12)} ${variants[i]!.name.padEnd(18)} audio thread ${got.audio.toFixed(1).padStart(5)} % of a core, ${got.fps.toFixed(1)} fps; load ${os.loadavg()[0]!.toFixed(1)}`);
        }
      }
    }
    let pass = true;
    console.log(`\npiece         baseline audio   current audio   current / baseline   (fps baseline → current)`);
    for (const piece of PIECES) {
      const [base, cur] = readings.get(piece)!;
      const b = median(base!.map((x) => x.audio));
      const c = median(cur!.map((x) => x.audio));
      const ratio = c / b;
      if (!(ratio <= TARGET)) pass = false;
      console.log(`${piece.padEnd(13)} ${b.toFixed(1).padStart(8)} %   ${c.toFixed(1).padStart(10)} %   ${ratio.toFixed(2).padStart(12)}         (${median(base!.map((x) => x.fps)).toFixed(1)} → ${median(cur!.map((x) => x.fps)).toFixed(1)})`);
    }
    console.log(`\ntarget: current ≤ ${TARGET} × baseline per piece: ${pass ? 'PASS' : 'FAIL'}`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

await main();
