/**
 * npx tsx bench/switch/profile.ts [--piece canopy] [--from prism-field] [--screens 1] [--mode ahead|kept]
 *                                 [--type cut|crossfade] [--ms 1000] [--out .tmp/switch-profile] [--interval 250]
 *                                 [--path prism-field,echo,facade:xf] (the plays before, `:xf` a crossfade) [--only main-2]
 *
 * What the stage does in the frames around a warm switch (issue 13). The real server in process,
 * the demo wall's screens (main-1.., each in its own Chromium process at 480×270, software WebGL,
 * the flags of scripts/lib/chromium.ts), serving PAVILION_STATIC_DIR (default dist/client; build it
 * with source maps, as vite.config.ts does, so that the minified chunks can be named).
 *
 * The run: `--from` plays; `--piece` is made warm (`ahead`: a cue on standby, so the screens warm it
 * in the background, as bench:switch does; `kept`: it plays, then `--from` again, so it is kept warm);
 * once every screen has it warm, a V8 CPU profile of each stage frame (CDP Profiler, on the stage
 * frame's own target when it is out of process) runs from 1.5 s before the GO to 1.5 s after the
 * switch. Inside the stage an init script records every rAF timestamp and, per frame, when the piece
 * left the warm cache (adopted as the next run), when its warm-up ended (lastWarm) and the switch
 * (each filed under the frame that made it: the gap that starts at +0 is the switch frame's).
 *
 * It prints, per screen: the median frame before the command, the longest frame gaps within 1 s of
 * the switch, and for each what the profile spent that time on: self time by kind (WebGL calls by
 * kind, GC, React, three.js, the piece, our folders), the top functions (named through the source
 * maps), and the time under our functions and each library; then the same for the whole stretch
 * from the command to 1 s after the switch, and the long animation frames the stage itself saw.
 * The profiles (.cpuprofile, for DevTools) and a JSON summary go to --out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser, CDPSession, Frame, Page } from 'playwright-core';
import { createApp } from '../../server/app';
import { launchChromium } from '../../scripts/lib/chromium';
import { arg } from '../lib/args';
import { median } from '../lib/stats';
import { sleep } from '../lib/child';
import { WALL_SCREENS, onlyScreen, poll, postCommand } from './rest';
import { BuildMaps, ProfileReader, type CpuProfile, type Stretch } from './cpu-profile';
import { TraceReader, endTrace, startTrace, type TraceEvent } from './trace';

const PIECE = arg('piece', 'canopy');
const FROM = arg('from', 'prism-field');
/**
 * --path a,b:xf,c: the plays that lead to `--from` instead (each a piece, `:xf` for a crossfade into
 * it), to repeat a sequence such as bench:switch's (prism-field, echo, facade:xf before laser-score).
 */
const PATH = arg('path', '')
  .split(',')
  .filter(Boolean)
  .map((p) => ({ id: p.replace(/:xf$/, ''), xf: p.endsWith(':xf') }));
/** --only main-2: that screen alone (no other Chromium beside it, as a wall's screen on a machine of its own). */
const ONLY = onlyScreen(arg('only', ''), 'profile');
const SCREENS = ONLY ? [ONLY] : WALL_SCREENS.slice(0, Math.max(1, Math.min(3, arg('screens', 1))));
const MODE = arg('mode', 'ahead');
const TYPE = arg('type', 'cut');
const MS = arg('ms', 1000);
const OUT = path.resolve(arg('out', '.tmp/switch-profile'));
const INTERVAL_US = arg('interval', 250);
const TRACE = !process.argv.includes('--no-trace');
const ADMIN = 'bench-admin-token-0123456789';
const STATIC = path.resolve(process.env.PAVILION_STATIC_DIR ?? 'dist/client');
if (!['ahead', 'kept'].includes(MODE) || !['cut', 'crossfade'].includes(TYPE)) {
  console.error('--mode is ahead or kept, --type is cut or crossfade');
  process.exit(2);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-switch-profile-'));
const app = await createApp({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
  adminToken: ADMIN,
  artistToken: 'bench-artist-token-0123456789',
  publicUrl: 'http://127.0.0.1',
  staticDir: STATIC,
});

const command = (c: Record<string, unknown>) => postCommand(app.url, ADMIN, c);

interface StageDiag {
  lastSwitch: { installationId: string | null; showTime: number } | null;
  lastPreload: { installationId: string } | null;
  warmCache: { pieces: string[] } | null;
  framesRendered: number;
  clock: { synced: boolean };
}
const stageDiag = (f: Frame): Promise<StageDiag> =>
  f.evaluate(() => {
    const d = (window as unknown as { __pavilion?: StageDiag }).__pavilion;
    return d
      ? { lastSwitch: d.lastSwitch, lastPreload: d.lastPreload, warmCache: d.warmCache, framesRendered: d.framesRendered, clock: { synced: d.clock.synced } }
      : { lastSwitch: null, lastPreload: null, warmCache: null, framesRendered: 0, clock: { synced: false } };
  });

/**
 * Recorded inside the stage frame from its first script on: each rAF timestamp (performance.now
 * ms), and per frame the changes of what the host says (the warm cache, the last warm-up, the last
 * switch), and the long animation frames.
 */
const RECORDER = `if (location.pathname === '/stage') {
  const w = window; w.__benchFrames = []; w.__benchEvents = []; w.__benchLoaf = []; w.__benchCompiles = [];
  // Each shader compiled, with three's SHADER_NAME (the material's name or type) and its kind.
  const names = new WeakMap();
  for (const C of [w.WebGLRenderingContext, w.WebGL2RenderingContext]) {
    if (!C) continue;
    const source = C.prototype.shaderSource, compile = C.prototype.compileShader;
    C.prototype.shaderSource = function (sh, src) { const m = /#define SHADER_NAME (.+)/.exec(src); const type = /#define SHADER_TYPE (.+)/.exec(src); names.set(sh, (m ? m[1] : type ? type[1] : '?') + (/gl_FragColor|pc_fragColor|out highp vec4|fragColor/.test(src) && !/gl_Position/.test(src) ? ' (fragment)' : ' (vertex)')); return source.call(this, sh, src); };
    C.prototype.compileShader = function (sh) { w.__benchCompiles.push([performance.now(), names.get(sh) || '?']); return compile.call(this, sh); };
  }
  let cache = '', warm = '', sw = '', prev = 0;
  // This loop is registered before the stage's own (r3f's), so it runs first in each frame: what the
  // host changed, it sees one frame later, and files under the frame that changed it (the previous one).
  const loop = (now) => {
    const t = prev || now;
    prev = now;
    w.__benchFrames.push(now);
    if (w.__benchFrames.length > 40000) w.__benchFrames.splice(0, 20000);
    const d = w.__pavilion;
    if (d) {
      const c = (d.warmCache && d.warmCache.pieces || []).join(',');
      if (c !== cache) { cache = c; w.__benchEvents.push([t, 'cache', c]); }
      const lw = d.lastWarm ? JSON.stringify(d.lastWarm) : '';
      if (lw !== warm) { warm = lw; w.__benchEvents.push([t, 'warm', lw]); }
      const s = d.lastSwitch ? d.lastSwitch.installationId + '@' + d.lastSwitch.showTime : '';
      if (s !== sw) { sw = s; w.__benchEvents.push([t, 'switch', s]); }
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__benchLoaf.push({ start: e.startTime, ms: e.duration, blocking: e.blockingDuration,
      scripts: (e.scripts || []).map((s) => ({ ms: s.duration, invoker: s.invoker, fn: s.sourceFunctionName, url: s.sourceURL, layout: s.forcedStyleAndLayoutDuration })) }); })
      .observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
}`;

interface Screen {
  id: string;
  browser: Browser;
  page: Page;
  stage: Frame;
  cdp: CDPSession;
  /** The browser's own session (tracing every process). */
  browserCdp: CDPSession;
  outOfProcess: boolean;
}
const screens: Screen[] = [];

async function open(id: string): Promise<Screen> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 480, height: 270 } });
  const page = await context.newPage();
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await page.addInitScript({ content: RECORDER });
  const url = app.displayUrl(id);
  if (!url) throw new Error(`profile: screen ${id} is not paired in the demo show`);
  await page.goto(url);
  const stage = await poll(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage') ?? null, `${id}'s stage frame`, 90_000);
  await poll(async () => { const d = await stageDiag(stage); return d.clock.synced && d.framesRendered > 5; }, `${id} to sync and draw`, 90_000);
  let cdp: CDPSession;
  let outOfProcess = true;
  try {
    cdp = await context.newCDPSession(stage);
  } catch {
    cdp = await context.newCDPSession(page); // the stage shares the page's process (and thread)
    outOfProcess = false;
  }
  return { id, browser, page, stage, cdp, browserCdp: await browser.newBrowserCDPSession(), outOfProcess };
}

/**
 * Maps the profiler's clock to the stage's performance.now(): a uniquely named busy loop of 4 ms,
 * run in the stage while it profiles, returns its own start; its first sample in the profile is the
 * same moment on the profiler's clock.
 */
const MARK = '(function __benchClockMark(){const s=performance.now();while(performance.now()-s<4);return s;})()';
function offsetOf(p: CpuProfile, marks: number[]): { offset: number; marks: number } {
  // Every node at or under the mark function (a sample may land in performance.now, inside it).
  const ids = new Set<number>();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const walk = (id: number, under: boolean) => {
    const n = byId.get(id);
    if (!n) return;
    const on = under || n.callFrame.functionName === '__benchClockMark';
    if (on) ids.add(id);
    for (const c of n.children ?? []) walk(c, on);
  };
  walk(p.nodes[0]!.id, false);
  const firsts: number[] = [];
  let t = p.startTime;
  let inside = false;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    const on = ids.has(p.samples[i]!);
    if (on && !inside) firsts.push(t / 1000);
    inside = on;
  }
  const n = Math.min(firsts.length, marks.length);
  if (!n) throw new Error('profile: the clock marks are not in the profile (sampling too coarse?)');
  // A mark's loop may be sampled as two stretches; pair each mark with the nearest start after the previous one.
  const diffs = marks.slice(0, n).map((m, i) => m - firsts[i]!);
  return { offset: median(diffs), marks: n };
}

const list = (xs: Array<[string, number]>, n = 8) => xs.slice(0, n).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
function printStretch(label: string, s: Stretch): void {
  console.log(`    ${label}: ${s.ms.toFixed(0)} ms of samples`);
  console.log(`      self by kind: ${list(s.self, 10)}`);
  console.log(`      top functions (self): ${list(s.selfFns, 10)}`);
  console.log(`      under (inclusive): ${list(s.under, 16)}`);
}

const report: Record<string, unknown>[] = [];
const load0 = os.loadavg();
try {
  for (const id of SCREENS) screens.push(await open(id));
  const switchedTo = (id: string, before: Array<number | null>) =>
    Promise.all(screens.map((s, i) => poll(async () => { const d = await stageDiag(s.stage); return d.lastSwitch?.installationId === id && d.lastSwitch.showTime !== before[i] ? d.lastSwitch : null; }, `${s.id} to switch to ${id}`, 90_000)));
  const lastSwitches = () => Promise.all(screens.map(async (s) => (await stageDiag(s.stage)).lastSwitch?.showTime ?? null));
  const crossfade = { transition: { type: 'crossfade', ms: MS } };
  const play = async (id: string, xf = false) => {
    const before = await lastSwitches();
    await command({ type: 'wall.play', wallId: 'main', installationId: id, ...(xf ? crossfade : {}) });
    await switchedTo(id, before);
    await sleep(1500);
  };
  const transition = TYPE === 'crossfade' ? crossfade : {};
  for (const p of PATH) await play(p.id, p.xf);
  if (!PATH.length || PATH[PATH.length - 1]!.id !== FROM) await play(FROM);
  if (MODE === 'kept') {
    await play(PIECE);
    await play(FROM);
  } else {
    await command({ type: 'cue.save', cueId: 'profile', name: `profile ${PIECE}`, commands: [{ type: 'wall.play', wallId: 'main', installationId: PIECE, ...transition }] });
  }
  // Warm on every screen: in the cache, and (ahead) its warm-up reported.
  for (const s of screens)
    await poll(async () => {
      const d = await stageDiag(s.stage);
      return (d.warmCache?.pieces ?? []).some((k) => k.startsWith(`${PIECE}@`)) && (MODE === 'kept' || d.lastPreload?.installationId === PIECE);
    }, `${s.id} to have ${PIECE} warm`, 90_000);
  await sleep(3000);

  if (TRACE) for (const s of screens) await startTrace(s.browserCdp);
  for (const s of screens) {
    await s.cdp.send('Profiler.enable');
    await s.cdp.send('Profiler.setSamplingInterval', { interval: INTERVAL_US });
    await s.cdp.send('Profiler.start');
  }
  await sleep(300); // the profiler's sampler may not be sampling yet when start answers: a first mark then goes unseen
  const marks: number[][] = [];
  for (const s of screens) marks.push([(await s.cdp.send('Runtime.evaluate', { expression: MARK, returnByValue: true })).result.value as number]);
  await sleep(1500);
  const before = await lastSwitches();
  const commandAt = await Promise.all(screens.map((s) => s.stage.evaluate(() => performance.now())));
  if (MODE === 'kept') await command({ type: 'wall.play', wallId: 'main', installationId: PIECE, ...transition });
  else await command({ type: 'cue.go' });
  await switchedTo(PIECE, before);
  await sleep(1500 + (TYPE === 'crossfade' ? MS : 0));
  for (const [i, s] of screens.entries()) marks[i]!.push((await s.cdp.send('Runtime.evaluate', { expression: MARK, returnByValue: true })).result.value as number);
  const profiles: CpuProfile[] = [];
  for (const s of screens) profiles.push((await s.cdp.send('Profiler.stop')).profile as unknown as CpuProfile);
  const traces: TraceEvent[][] = [];
  if (TRACE) for (const s of screens) traces.push(await endTrace(s.browserCdp));

  fs.mkdirSync(OUT, { recursive: true });
  const maps = new BuildMaps(STATIC);
  const load1 = os.loadavg();
  console.log(
    `switch profile — ${MODE === 'ahead' ? 'warmed ahead (cue on standby)' : 'kept warm (played before)'} ${TYPE} ${FROM} → ${PIECE}; ${screens.length} screen(s) at 480×270, software WebGL; ` +
      `sampling ${INTERVAL_US} µs; build ${STATIC}; load average ${load0.map((x) => x.toFixed(1)).join(' ')} → ${load1.map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`,
  );
  for (const [i, s] of screens.entries()) {
    const p = profiles[i]!;
    fs.writeFileSync(path.join(OUT, `${s.id}.cpuprofile`), JSON.stringify(p));
    const { offset, marks: nMarks } = offsetOf(p, marks[i]!);
    const reader = new ProfileReader(p, maps, offset);
    if (traces[i]) fs.writeFileSync(path.join(OUT, `${s.id}.trace.json`), JSON.stringify({ traceEvents: traces[i] }));
    const trace = traces[i] ? new TraceReader(traces[i]!, offset) : null;
    const printThreads = (a: number, b: number) => {
      for (const t of trace?.stretch(a, b) ?? []) console.log(`      trace ${t.thread}: busy ${t.busyMs.toFixed(0)} ms: ${list(t.top, 6)}`);
    };
    const rec = await s.stage.evaluate(() => {
      const w = window as unknown as { __benchFrames: number[]; __benchEvents: Array<[number, string, string]>; __benchCompiles: Array<[number, string]>; __benchLoaf: Array<{ start: number; ms: number; blocking: number; scripts: Array<{ ms: number; invoker: string; fn: string; url: string; layout: number }> }> };
      return { frames: w.__benchFrames, events: w.__benchEvents, compiles: w.__benchCompiles, loaf: w.__benchLoaf };
    });
    const sw = rec.events.filter(([, k, v]) => k === 'switch' && v.startsWith(`${PIECE}@`)).pop();
    if (!sw) throw new Error(`profile: ${s.id} recorded no switch to ${PIECE}`);
    const at = sw[0];
    const rel = (t: number) => `${t - at >= 0 ? '+' : ''}${(t - at).toFixed(0)}`;
    const cmd = commandAt[i]!;
    const base = rec.frames.filter((t) => t >= cmd - 3000 && t <= cmd);
    const med = median(base.slice(1).map((t, k) => t - base[k]!));
    const events = rec.events.filter(([t]) => t >= cmd - 100 && t <= at + 1500).map(([t, k, v]) => `${k} ${rel(t)}${k === 'cache' ? ` [${v}]` : k === 'warm' ? ` ${v}` : ''}`);
    console.log(`\n${s.id} (${s.outOfProcess ? 'stage out of process' : 'stage in the page\'s process'}; clock marks ${nMarks}): median frame ${med.toFixed(1)} ms before the command; times in ms from the switch frame; command ${rel(cmd)}`);
    console.log(`  host: ${events.join('; ')}`);
    const compiles = rec.compiles.filter(([t]) => t >= cmd - 100 && t <= at + 1500);
    const ahead = rec.compiles.filter(([t]) => t >= cmd - 30_000 && t < cmd - 100);
    console.log(`  shaders compiled in the 30 s before the command (the warm-up ahead among them): ${ahead.length}${ahead.length ? `: ${ahead.map(([t, n]) => `${rel(t)} ${n}`).join(', ')}` : ''}`);
    console.log(`  shaders compiled from the command to +1500: ${compiles.length}${compiles.length ? `: ${compiles.map(([t, n]) => `${rel(t)} ${n}`).join(', ')}` : ''}`);
    const near = rec.frames.filter((t) => t >= at - 5000 && t <= at + 5000);
    const gaps = near.slice(1).map((t, k) => [near[k]!, t] as const).filter(([a, b]) => b >= at - 1000 && a <= at + 1000).sort((x, y) => y[1] - y[0] - (x[1] - x[0]));
    const long = gaps.filter(([a, b]) => b - a > 2 * med).slice(0, 5);
    console.log(`  frame gaps within 1 s of the switch over 2× the median: ${gaps.filter(([a, b]) => b - a > 2 * med).length}; longest ${gaps[0] ? `${(gaps[0][1] - gaps[0][0]).toFixed(0)} ms (×${((gaps[0][1] - gaps[0][0]) / med).toFixed(1)})` : '—'}`);
    const gapReport: Record<string, unknown>[] = [];
    for (const [a, b] of long) {
      const st = reader.stretch(a, b);
      printStretch(`gap ${(b - a).toFixed(0)} ms (×${((b - a) / med).toFixed(1)}) from ${rel(a)} to ${rel(b)}`, st);
      printThreads(a, b);
      gapReport.push({ from: a - at, to: b - at, gapMs: b - a, ratio: (b - a) / med, ...st });
    }
    const whole = reader.stretch(cmd, at + 1000, 14);
    printStretch(`the whole stretch from the command (${rel(cmd)}) to +1000`, whole);
    const idle = whole.self.find(([k]) => k === 'idle')?.[1] ?? 0;
    console.log(`      busy ${(whole.ms - idle).toFixed(0)} of ${whole.ms.toFixed(0)} ms`);
    printThreads(cmd, at + 1000);
    const tasks = reader.busy(cmd - 200, at + 1000, Math.max(50, 2 * med));
    console.log(`  busy stretches (long tasks) ≥ ${Math.max(50, 2 * med).toFixed(0)} ms: ${tasks.map(([x, y]) => `${rel(x)}…${rel(y)} (${(y - x).toFixed(0)})`).join(', ') || 'none'}`);
    for (const [x, y] of tasks.filter(([x, y]) => y - x >= 150)) {
      printStretch(`busy ${rel(x)}…${rel(y)}`, reader.stretch(x, y));
      printThreads(x, y);
    }
    const loaf = rec.loaf.filter((l) => l.start + l.ms >= cmd && l.start <= at + 1000);
    for (const l of loaf.slice(0, 8))
      console.log(`  long animation frame ${rel(l.start)}: ${l.ms.toFixed(0)} ms (blocking ${l.blocking.toFixed(0)}): ${l.scripts.map((x) => `${x.invoker} ${x.ms.toFixed(0)}`).join(', ')}`);
    report.push({ screen: s.id, outOfProcess: s.outOfProcess, offsetMs: offset, switchAt: at, medianFrameMs: med, commandMs: cmd - at, events: rec.events.filter(([t]) => t >= cmd - 100 && t <= at + 1500).map(([t, k, v]) => [t - at, k, v]), gaps: gapReport, whole, loaf: loaf.map((l) => ({ ...l, start: l.start - at })) });
  }
  fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify({ at: new Date().toISOString(), piece: PIECE, from: FROM, mode: MODE, type: TYPE, load: [load0, load1], screens: report }, null, 2));
  console.log(`\nprofiles and summary in ${OUT}`);
} finally {
  for (const s of screens) await s.browser.close().catch(() => undefined);
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
