/**
 * npm run bench:vr [-- --rounds 2] [--seconds 10] [--warmup 8] [--adapt 45] [--size 480x270] [--levels 0,1,2,5] [--uncapped]
 *
 * A VR station's frame rate in an emulated session (docs/vr.md, docs/performance.md "VR stations"):
 * the demo's station vr-1 in its own Chromium with iwer's Meta Quest 3 (`&xr=emulate`, 72 Hz
 * nominal), canopy playing around the viewer. For each level of the station's adaptive quality
 * (client/xr/adaptive.ts), held with the emulator's hook (__pavilionXr.pin): a warm-up (the new
 * framebuffer, shaders compiled for the new quality), then the XR frames counted in the stage frame
 * over --seconds; levels alternate over --rounds so that the shared machine's load drifts into all
 * alike. Then the adaptive loop itself from level 0: --adapt seconds to settle, then the frames
 * counted, and the levels it went through. Prints a table and writes bench/results/vr-*.json.
 *
 * By default the levels measured are those that draw differently here (a software renderer already
 * renders pieces at 'low', so the ladder's quality steps change nothing: 0, 1, 2 and the last).
 * --uncapped lets Chromium draw frames faster than the display's 60 Hz (no vsync, no frame-rate
 * limit), so a level that could go beyond 72 shows it. Serves the built client (dist/client, or
 * PAVILION_STATIC_DIR).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Frame, type Page } from 'playwright-core';
import { startBenchApp } from '../lib/app';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/lib/chromium';
import { XR_LADDER, capQuality } from '../../client/xr/adaptive';
import { arg, flag } from '../lib/args';
import { byKind, chromiumCpu, cpuSince } from '../lib/cpu';
import { sleep } from '../lib/child';

const ROUNDS = arg('rounds', 2);
const SECONDS = arg('seconds', 10);
const WARMUP = arg('warmup', 8);
const ADAPT = arg('adapt', 45);
const [W, H] = String(arg('size', '480x270')).split('x').map(Number) as [number, number];
const LEVELS = String(arg('levels', '')).split(',').filter(Boolean).map(Number);
const UNCAPPED = flag('uncapped');
const SCREEN = 'vr-1';
const ROOT = path.resolve(import.meta.dirname, '..', '..');

interface Quality {
  level: number;
  scale: number;
  framebuffer: [number, number] | null;
  piece: 'low' | 'medium' | 'high';
  target: number | null;
  fps: number | null;
}
interface Hook {
  pin(level: number | null): void;
  stats(): { frames: number; level: number };
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function poll<T>(fn: () => Promise<T | null | false | undefined>, what: string, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(100);
  }
  throw new Error(`bench:vr: timed out waiting for ${what}`);
}

const app = await startBenchApp('vr');
const url = app.displayUrl(SCREEN);
if (!url) throw new Error(`bench:vr: the demo show has no screen ${SCREEN}`);

const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(UNCAPPED ? ['--disable-gpu-vsync', '--disable-frame-rate-limit'] : [])], headless: true });
try {
  const context = await browser.newContext({ viewport: { width: W, height: H } });
  await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  // The display's ceiling here: requestAnimationFrame in a blank page (iwer's frames ride on it).
  const blank = await context.newPage();
  const ceiling = await blank.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let n = 0;
        const t0 = performance.now();
        const tick = () => (++n, performance.now() - t0 < 2000 ? requestAnimationFrame(tick) : resolve((n * 1000) / (performance.now() - t0)));
        requestAnimationFrame(tick);
      }),
  );
  await blank.close();
  const page: Page = await context.newPage();
  await page.goto(`${url}&xr=emulate`, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  const quality = () => page.evaluate(() => (window as unknown as { __pavilion?: { xr?: { quality?: Quality } | null } }).__pavilion?.xr?.quality ?? null);
  await poll(async () => page.evaluate(() => (window as unknown as { __pavilion?: { installationId: string | null } }).__pavilion?.installationId === 'canopy'), 'canopy on the station');
  const stage = await poll<Frame>(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage'), 'the stage frame');
  await poll(async () => stage.evaluate(() => typeof (window as unknown as { __pavilionXr?: unknown }).__pavilionXr === 'object'), 'the emulator');
  // The emulator's hook in the stage frame (client/xr/session.ts XrTestHook).
  const pin = (level: number | null) => stage.evaluate((l) => (window as unknown as { __pavilionXr: Hook }).__pavilionXr.pin(l), level);
  const stats = () => stage.evaluate(() => ({ ...(window as unknown as { __pavilionXr: Hook }).__pavilionXr.stats(), now: performance.now() }));
  await pin(0);
  await stage.getByTestId('enter-vr').click({ timeout: 90_000 });
  await poll(async () => (await quality())?.framebuffer, 'the session');
  console.log(`bench:vr: canopy on ${SCREEN}, iwer Meta Quest 3, ${W}×${H}, software GL; requestAnimationFrame ceiling ${ceiling.toFixed(1)}/s${UNCAPPED ? ' (uncapped)' : ''}; ${ROUNDS} rounds × ${SECONDS} s per level after ${WARMUP} s; load average ${load()} (${os.cpus().length} cores)`);

  /** XR frames a second over `seconds`, and Chromium's CPU per XR frame (ms, by process, and its busiest threads). */
  const count = async (seconds: number, each?: (level: number) => void) => {
    const cpu0 = chromiumCpu();
    const a = await stats();
    for (let s = 0; s < seconds; s++) {
      await sleep(1000);
      each?.((await stats()).level);
    }
    const b = await stats();
    const rows = cpuSince(cpu0, chromiumCpu());
    const frames = Math.max(1, b.frames - a.frames);
    const perFrame = (ms: number) => Math.round((ms / frames) * 10) / 10;
    const kinds = Object.fromEntries(Object.entries(byKind(rows)).map(([k, v]) => [k, perFrame(v)]));
    return { fps: ((b.frames - a.frames) * 1000) / (b.now - a.now), cpuPerFrame: kinds, threads: rows.slice(0, 6).map(([k, v]) => [k, perFrame(v)] as [string, number]) };
  };
  const cpuText = (c: Record<string, number>) => Object.entries(c).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  // The levels that draw differently here (the wall's quality as it resolves at level 0, under each cap).
  const resolved = (await quality())!.piece;
  const distinct = XR_LADDER.map((l, i) => ({ i, key: `${l.scale}/${capQuality(resolved, l.cap)}` })).filter((x, k, all) => all.findIndex((y) => y.key === x.key) === k).map((x) => x.i);
  const levels = LEVELS.length ? LEVELS : distinct;
  const rows = new Map<number, { level: number; scale: number; framebuffer: [number, number] | null; piece: string; fps: number[]; loads: string[]; cpuPerFrame: Array<Record<string, number>>; threads: Array<Array<[string, number]>> }>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const level of r % 2 ? [...levels].reverse() : levels) {
      await pin(level);
      await poll(async () => (await quality())?.level === level && (await quality())?.framebuffer, `level ${level}`, 30_000);
      await sleep(WARMUP * 1000);
      const c = await count(SECONDS);
      const q = (await quality())!;
      const row = rows.get(level) ?? { level, scale: q.scale, framebuffer: q.framebuffer, piece: q.piece, fps: [], loads: [], cpuPerFrame: [], threads: [] };
      row.fps.push(c.fps);
      row.loads.push(load());
      row.cpuPerFrame.push(c.cpuPerFrame);
      row.threads.push(c.threads);
      rows.set(level, row);
      console.log(`  round ${r + 1} level ${level} (scale ${q.scale}, framebuffer ${q.framebuffer?.join('×')}, piece ${q.piece}): ${c.fps.toFixed(1)} XR frames/s; CPU ms per frame ${cpuText(c.cpuPerFrame)}; busiest threads ${c.threads.map(([k, v]) => `${k} ${v}`).join(', ')}; load ${load()}`);
    }
  }

  // The adaptive loop from the top.
  await pin(0);
  await poll(async () => (await quality())?.level === 0, 'level 0');
  await pin(null);
  const seen: number[] = [];
  const t0 = Date.now();
  while (Date.now() - t0 < ADAPT * 1000) {
    seen.push((await stats()).level);
    await sleep(1000);
  }
  const levelsBefore = seen.filter((l, i) => i === 0 || seen[i - 1] !== l);
  const during: number[] = [];
  const adaptCount = await count(SECONDS, (l) => during.push(l));
  const adaptFps = adaptCount.fps;
  const end = (await quality())!;
  const adaptive = { settleSeconds: ADAPT, levelsWhileSettling: levelsBefore, levelsWhileCounted: [...new Set(during)], fps: adaptFps, level: end.level, scale: end.scale, framebuffer: end.framebuffer, piece: end.piece, target: end.target, cpuPerFrame: adaptCount.cpuPerFrame, load: load() };

  console.log(`\nbench:vr results (target: the session's ${end.target ?? '?'} Hz; requestAnimationFrame ceiling ${ceiling.toFixed(1)}/s)`);
  console.log('level | scale | framebuffer | piece | XR frames/s (each round) | median | Chromium CPU ms per XR frame (median of rounds)');
  for (const row of [...rows.values()].sort((a, b) => a.level - b.level)) {
    const kinds = [...new Set(row.cpuPerFrame.flatMap((c) => Object.keys(c)))];
    const cpu = Object.fromEntries(kinds.map((k) => [k, Math.round(median(row.cpuPerFrame.map((c) => c[k] ?? 0)) * 10) / 10]));
    console.log(`${row.level} | ${row.scale} | ${row.framebuffer?.join('×') ?? '-'} | ${row.piece} | ${row.fps.map((f) => f.toFixed(1)).join(', ')} | ${median(row.fps).toFixed(1)} | ${cpuText(cpu)}`);
  }
  console.log(`adaptive (from level 0, ${ADAPT} s to settle, levels ${levelsBefore.join('→')}): ${adaptFps.toFixed(1)} XR frames/s at level ${end.level} (scale ${end.scale}, ${end.framebuffer?.join('×')}, piece ${end.piece}), levels while counted ${adaptive.levelsWhileCounted.join(', ')}`);
  console.log(`load average at the end: ${load()}`);

  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  const at = new Date().toISOString();
  const out = path.join(ROOT, 'bench', 'results', `vr-${at.slice(0, 16).replace(/:/g, '')}.json`);
  fs.writeFileSync(out, JSON.stringify({ at, size: [W, H], uncapped: UNCAPPED, ceiling, rounds: ROUNDS, seconds: SECONDS, warmup: WARMUP, cores: os.cpus().length, levels: [...rows.values()], adaptive }, null, 2));
  console.log(`results: ${path.relative(ROOT, out)}`);
} finally {
  await browser.close();
  await app.close();
}
