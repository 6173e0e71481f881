/**
 * npm run bench:switch [-- --warm 2] [--ms 1000] [--json out.json] [--cold 0] [--compare DIR] [--rounds 1] [--only main-2]
 *
 * Piece switches on the demo wall (main-1..3), each screen in its own Chromium process at 480×270
 * (as on a real wall: tabs of one browser share one software-GPU process), with the bundled pieces.
 * Serves the built client (dist/client, or PAVILION_STATIC_DIR): run `npm run build` first.
 * `--compare DIR` runs the same sequence on a second build (another static dir: a build before a
 * change, say) in the same run, the two alternating for `--rounds` rounds (A B A B…), each on its
 * own server and browsers, so that both meet the same machine; the summaries are per build.
 * `--cold 0` leaves the cold switches out (the warm ones only, after the unmeasured first play).
 *
 * The run: one unmeasured play, then cold switches (each piece's first play on these screens: its
 * module, mount, compile and sound graph all new), cuts then crossfades; then warm ones: each one a
 * cue on standby, so the server names its piece in the screens' views (warmAhead) and they warm it
 * in the background; once every screen has it in its warm cache, GO. Per switch it records:
 * - the spread: the largest difference between the screens' first frames of the new piece (show time);
 * - each screen's lateness: its first frame's show time after the run's startedAt;
 * - each screen's longest frame gap in the second around the switch (rAF timestamps inside the
 *   stage frame, where pieces run), against two medians of its frame interval, side by side:
 *   "before", over the 3 s before the command (the outgoing piece's frames only: the first
 *   definition, kept), and "pace", the larger of that and the median over 2 s of the incoming
 *   piece's own frames once the switch (and its transition) is over: a heavier incoming piece draws
 *   every frame slower, which against the outgoing piece's median looks like a hitch in every frame
 *   after the switch; a hitch is one frame much longer than the screen's own pace, whichever piece sets it;
 *   and a control, the longest frame of a second without a switch (the median of the three seconds
 *   before the command): a software GL on a shared machine has long frames of its own, and a switch
 *   that adds nothing to them has a gap about this long;
 * - each screen's median frame interval in the first `--ms` after the switch (a crossfade's frames,
 *   both pieces drawn), against that pace: what a crossfade frame costs;
 * - each screen's warm-up time for the piece (window.__pavilion.lastWarm), and whether it was cold;
 * - whether each screen adopted a run it had mounted already (warmed ahead, or kept warm: nothing
 *   mounted for the switch), and how many piece trees it mounted between the command and the switch
 *   (window.__pavilion.pieceMounts inside the stage frame).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser, Frame, Page } from 'playwright-core';
import { createApp } from '../../server/app';
import { launchChromium } from '../../scripts/lib/chromium';
import { arg } from '../lib/args';
import { fmt, median } from '../lib/stats';
import { sleep } from '../lib/child';
import { WALL_SCREENS, onlyScreen, poll, postCommand } from './rest';

const WARM = arg('warm', 2); // warm switches of each kind
const MS = arg('ms', 1000); // crossfade length
const JSON_OUT = arg('json', '');
/** The incoming piece's own frames: from this long after the switch (past the crossfade), for AFTER_MS. */
const AFTER_FROM = Math.max(500, MS) + 500;
const AFTER_MS = 2000;
const COLD = arg('cold', 1) !== 0;
const COMPARE = arg('compare', '');
const ROUNDS = Math.max(1, arg('rounds', 1));
const BUILD_A = process.env.PAVILION_STATIC_DIR ? path.resolve(process.env.PAVILION_STATIC_DIR) : null;
/**
 * --only main-2: one screen of the wall alone (the others not opened): a wall's screen on a machine
 * of its own, where the three here share two cores and, switching at the same instant, stretch each
 * other's software-GL frames (docs/performance.md). The spread then says nothing (one screen).
 */
const ONLY = onlyScreen(arg('only', ''), 'bench:switch');
const SCREENS = ONLY ? [ONLY] : WALL_SCREENS;
const ADMIN = 'bench-admin-token-0123456789';

type Transition = { type: 'crossfade'; ms: number } | undefined;
interface Diag {
  lastSwitch: { installationId: string | null; showTime: number } | null;
  lastWarm: { installationId: string; ms: number; cold: boolean; lateMs: number | null } | null;
  warmCache: { pieces: string[] } | null;
  framesRendered: number;
  clock: { synced: boolean };
}
interface SwitchRow {
  /** The build it ran on (A: PAVILION_STATIC_DIR or dist/client; B: --compare). */
  build: 'A' | 'B';
  round: number;
  /** The 1-minute load average when it was measured. */
  load: number;
  kind: 'cold' | 'warm';
  type: 'cut' | 'crossfade';
  installationId: string;
  spreadMs: number;
  lateMs: number[];
  gapMs: number[];
  /**
   * The control: the longest frame interval in each of the three seconds before the command (no
   * switch, the outgoing piece playing), the median of the three. A software GL on a shared machine
   * has long frames of its own; a switch that adds nothing has a gap about this long.
   */
  quietGapMs: number[];
  /** The median frame interval over the 3 s before the command (the outgoing piece's frames). */
  medianFrameMs: number[];
  /** The median frame interval over 2 s of the incoming piece's frames once its transition is over. */
  medianAfterMs: number[];
  /** The median frame interval during the transition (a crossfade: both pieces drawn each frame), from the switch for `--ms`. */
  medianBlendMs: number[];
  warmUpMs: Array<number | null>;
  cold: Array<boolean | null>;
  adopted: boolean[];
  mounts: number[];
  /** The page reloaded this screen's stage (its watchdog: no frame for 10 s, or no answer for 45 s) between the command and the measurement. */
  reloaded: boolean[];
}

type App = Awaited<ReturnType<typeof createApp>>;
let app: App;
let build: SwitchRow['build'] = 'A';
let round = 0;
const showNow = () => performance.timeOrigin + performance.now();

const command = (c: Record<string, unknown>) => postCommand(app.url, ADMIN, c);

let browsers: Browser[] = [];
let pages: Page[] = [];
let stages: Frame[] = [];
const diag = (p: Page): Promise<Diag> =>
  p.evaluate(() => {
    const d = (window as unknown as { __pavilion: Diag }).__pavilion;
    return { lastSwitch: d.lastSwitch, lastWarm: d.lastWarm, warmCache: d.warmCache, framesRendered: d.framesRendered, clock: { synced: d.clock.synced } };
  });
/** The stage frame's own count of piece mounts, and whether its last warm-up adopted a mounted run. */
const stageDiag = (f: Frame): Promise<{ pieceMounts: number; adopted: boolean }> =>
  f.evaluate(() => {
    const d = (window as unknown as { __pavilion: { pieceMounts?: number; lastWarm: { adopted?: boolean } | null } }).__pavilion;
    return { pieceMounts: d.pieceMounts ?? NaN, adopted: d.lastWarm?.adopted === true };
  });
const mountsNow = (): Promise<number[]> => Promise.all(stages.map(async (f) => (await stageDiag(f)).pieceMounts));
/** The stage frame's rAF timestamps (epoch ms) in [from, to]. */
const framesIn = (f: Frame, from: number, to: number): Promise<number[]> =>
  f.evaluate(([a, b]) => ((window as unknown as { __benchFrames: number[] }).__benchFrames ?? []).filter((t) => t >= a! && t <= b!), [from, to] as const);

async function open(): Promise<void> {
  for (const id of SCREENS) {
    const browser = await launchChromium();
    browsers.push(browser);
    const page = await (await browser.newContext({ viewport: { width: 480, height: 270 } })).newPage();
    // tsx (esbuild keepNames) wraps functions in __name(); give every frame a no-op one.
    await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    // The stage frame's rAF timestamps, recorded from its first script on: in every load of it (a
    // stage the page's watchdog reloads on a starved machine records again; it is counted below).
    await page.addInitScript({
      content: `if (location.pathname === '/stage') { const w = window; w.__benchFrames = []; w.__benchLoaded = performance.timeOrigin;
        const loop = (t) => { w.__benchFrames.push(performance.timeOrigin + t); if (w.__benchFrames.length > 30000) w.__benchFrames.splice(0, 15000); requestAnimationFrame(loop); };
        requestAnimationFrame(loop); }`,
    });
    const url = app.displayUrl(id);
    if (!url) throw new Error(`bench: screen ${id} is not paired in the demo show`);
    await page.goto(url);
    pages.push(page);
  }
  for (const p of pages) await poll(async () => { const d = await diag(p); return d.clock.synced && d.framesRendered > 5; }, 'the screens to sync and draw');
  for (const p of pages) stages.push(await stageOf(p));
  const recording = await Promise.all(stages.map((f) => f.evaluate(() => Array.isArray((window as unknown as { __benchFrames?: number[] }).__benchFrames))));
  if (!recording.every(Boolean)) throw new Error(`bench: the stage frames do not record their frames (init script not run in them): ${recording.join(', ')}`);
}

/** A screen's stage frame now (a reloaded stage may be a new frame). */
const stageOf = (p: Page): Promise<Frame> => poll(async () => p.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage') ?? null, 'the stage frame');
/** When each stage frame was loaded (its time origin): a change means the page reloaded it. */
const loadsNow = (): Promise<number[]> => Promise.all(pages.map(async (p, i) => (stages[i] = await stageOf(p)).evaluate(() => (window as unknown as { __benchLoaded: number }).__benchLoaded)));

/** Waits for every screen's first frame of `id` after `before`, then measures the switch. */
async function measure(kind: SwitchRow['kind'], type: SwitchRow['type'], id: string, before: Array<number | null>, commandAt: number, mountsBefore: number[], loadsBefore: number[]): Promise<SwitchRow> {
  const sw = await Promise.all(
    pages.map((p, i) => poll(async () => { const d = await diag(p); return d.lastSwitch?.installationId === id && d.lastSwitch.showTime !== before[i] ? d.lastSwitch : null; }, `${SCREENS[i]} to switch to ${id}`, 90_000)),
  );
  const startedAt = app.store.get().walls.main!.startedAt;
  const times = sw.map((s) => s.showTime);
  await sleep(AFTER_FROM + AFTER_MS + 200); // the second around the switch, the crossfade's end, then the incoming piece's own frames
  const row: SwitchRow = { build, round, load: os.loadavg()[0]!, kind, type, installationId: id, spreadMs: Math.max(...times) - Math.min(...times), lateMs: times.map((t) => t - startedAt), gapMs: [], quietGapMs: [], medianFrameMs: [], medianAfterMs: [], medianBlendMs: [], warmUpMs: [], cold: [], adopted: [], mounts: [], reloaded: [] };
  const loads = await loadsNow();
  for (const [i, f] of stages.entries()) {
    // Every interval between two frames that overlaps the second around the switch (a stall that
    // spans the whole second counts whole).
    const near = await framesIn(f, times[i]! - 5000, times[i]! + 5000);
    // Before the command: the control's three seconds (and the one before, for a frame spanning its start), and the median frame's three.
    const quiet = await framesIn(f, commandAt - 4000, commandAt);
    const base = quiet.filter((t) => t >= commandAt - 3000);
    const after = await framesIn(f, times[i]! + AFTER_FROM, times[i]! + AFTER_FROM + AFTER_MS);
    const blend = await framesIn(f, times[i]!, times[i]! + MS);
    const gaps = (xs: number[]) => xs.slice(1).map((t, k) => t - xs[k]!);
    const longestIn = (xs: number[], from: number, to: number) => {
      const overlapping = xs.slice(1).map((t, k) => [xs[k]!, t] as const).filter(([a, b]) => b >= from && a <= to);
      return overlapping.length ? Math.max(...overlapping.map(([a, b]) => b - a)) : NaN;
    };
    row.gapMs.push(longestIn(near, times[i]! - 500, times[i]! + 500));
    row.quietGapMs.push(median([3000, 2000, 1000].map((d) => longestIn(quiet, commandAt - d, commandAt - d + 1000)).filter(Number.isFinite)));
    row.medianFrameMs.push(base.length > 1 ? median(gaps(base)) : NaN);
    row.medianAfterMs.push(after.length > 1 ? median(gaps(after)) : NaN);
    row.medianBlendMs.push(blend.length > 1 ? median(gaps(blend)) : NaN);
    const w = (await diag(pages[i]!)).lastWarm;
    row.warmUpMs.push(w && w.installationId === id ? Math.round(w.ms) : null);
    row.cold.push(w && w.installationId === id ? w.cold : null);
    const sd = await stageDiag(f);
    row.adopted.push(sd.adopted);
    row.reloaded.push(loads[i] !== loadsBefore[i]);
    row.mounts.push(row.reloaded[i] ? NaN : sd.pieceMounts - mountsBefore[i]!);
  }
  return row;
}

async function playCold(id: string, transition: Transition): Promise<SwitchRow> {
  const before = await Promise.all(pages.map(async (p) => (await diag(p)).lastSwitch?.showTime ?? null));
  await sleep(3000); // a baseline of frames before the command
  const loads = await loadsNow();
  const mounts = await mountsNow();
  const at = showNow();
  await command({ type: 'wall.play', wallId: 'main', installationId: id, ...(transition ? { transition } : {}) });
  return measure('cold', transition ? 'crossfade' : 'cut', id, before, at, mounts, loads);
}

let cueN = 0;
async function playWarm(id: string, transition: Transition): Promise<SwitchRow> {
  const cueId = `bench-${++cueN}`;
  // On standby: the server names it in the screens' views (warmAhead); they warm it in the background.
  await command({ type: 'cue.save', cueId, name: `bench ${id}`, commands: [{ type: 'wall.play', wallId: 'main', installationId: id, ...(transition ? { transition } : {}) }] });
  const show = app.store.get();
  if (show.cues[show.cueStandby]?.id !== cueId) throw new Error(`bench: cue ${cueId} is not on standby (standby ${show.cueStandby} of ${show.cues.length})`);
  await Promise.all(pages.map((p, i) => poll(async () => ((await diag(p)).warmCache?.pieces ?? []).some((k) => k.startsWith(`${id}@`)), `${SCREENS[i]} to warm ${id} ahead`, 90_000)));
  const before = await Promise.all(pages.map(async (p) => (await diag(p)).lastSwitch?.showTime ?? null));
  await sleep(3000);
  const loads = await loadsNow();
  const mounts = await mountsNow();
  const at = showNow();
  await command({ type: 'cue.go' });
  return measure('warm', transition ? 'crossfade' : 'cut', id, before, at, mounts, loads);
}

/** The whole sequence on one build: its own server, data dir and browsers. */
async function sequence(staticDir: string | null, rows: SwitchRow[]): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-switch-'));
  app = await createApp({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
    adminToken: ADMIN,
    artistToken: 'bench-artist-token-0123456789',
    publicUrl: 'http://127.0.0.1',
    ...(staticDir ? { staticDir } : {}),
  });
  browsers = [];
  pages = [];
  stages = [];
  try {
    const pieces = app.catalog.list().filter((p) => p.source === 'bundled').map((p) => p.id);
    if (pieces.length < 5) throw new Error(`bench: needs the 5 bundled pieces, has ${pieces.join(', ')}`);
    await open();
    const xf: Transition = { type: 'crossfade', ms: MS };
    // Unmeasured: the wall's first piece.
    await command({ type: 'wall.play', wallId: 'main', installationId: pieces[0] });
    await Promise.all(pages.map((p) => poll(async () => (await diag(p)).lastSwitch?.installationId === pieces[0], 'the first piece', 90_000)));
    if (COLD) {
      rows.push(await playCold(pieces[1]!, undefined));
      rows.push(await playCold(pieces[2]!, undefined));
      rows.push(await playCold(pieces[3]!, xf));
      rows.push(await playCold(pieces[4]!, xf));
    }
    for (let k = 0; k < WARM * 2; k++) {
      const current = app.store.get().walls.main!.installationId;
      const others = pieces.filter((p) => p !== current);
      rows.push(await playWarm(others[k % others.length]!, k % 2 === 0 ? undefined : xf));
    }
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const rows: SwitchRow[] = [];
const load0 = os.loadavg();
const builds: Array<[SwitchRow['build'], string | null]> = COMPARE ? [['A', BUILD_A], ['B', path.resolve(COMPARE)]] : [['A', BUILD_A]];
for (round = 1; round <= ROUNDS; round++)
  for (const [b, dir] of builds) {
    build = b;
    await sequence(dir, rows);
  }

const load1 = os.loadavg();
const list = (xs: Array<number | null>, d = 0) => xs.map((x) => fmt(x, d)).join('/');
console.log(`bench:switch — ${SCREENS.length === 3 ? '3 Chromium processes' : `${SCREENS.join(', ')} alone (one Chromium)`} at 480×270, software WebGL, bundled pieces; crossfades ${MS} ms; load average ${load0.map((x) => x.toFixed(1)).join(' ')} → ${load1.map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
if (COMPARE) console.log(`builds: A ${BUILD_A ?? 'dist/client'}, B ${path.resolve(COMPARE)}; ${ROUNDS} round(s), A then B in each`);
/** The screen's pace around a switch: the slower of the two pieces' own median frame intervals (NaN-safe). */
const paceOf = (r: SwitchRow, i: number) => {
  const xs = [r.medianFrameMs[i]!, r.medianAfterMs[i]!].filter(Number.isFinite);
  return xs.length ? Math.max(...xs) : NaN;
};
for (const r of rows) {
  const ratio = r.gapMs.map((g, i) => g / r.medianFrameMs[i]!);
  const ratioPace = r.gapMs.map((g, i) => g / paceOf(r, i));
  const ratioQuiet = r.gapMs.map((g, i) => g / r.quietGapMs[i]!);
  console.log(
    `${COMPARE ? `${r.build}${r.round} ` : ''}${r.kind.padEnd(4)} ${r.type.padEnd(9)} → ${r.installationId.padEnd(12)} spread ${fmt(r.spreadMs, 1).padStart(6)} ms; late ${list(r.lateMs, 1)} ms; ` +
      `longest gap ${list(r.gapMs)} ms vs median frame before ${list(r.medianFrameMs)} ms (×${list(ratio, 1)}), after ${list(r.medianAfterMs)} ms, vs pace ×${list(ratioPace, 1)}; a second without a switch: longest ${list(r.quietGapMs)} ms (switch ×${list(ratioQuiet, 1)}); median frame in the first ${MS} ms ${list(r.medianBlendMs)} ms; warm-up ${list(r.warmUpMs)} ms${r.cold.some((c) => c) ? ' (cold)' : ''}; ` +
      `adopted ${r.adopted.map((a) => (a ? 'yes' : 'no')).join('/')}, mounts for the switch ${list(r.mounts)}` +
      `; load ${r.load.toFixed(1)}` +
      (r.reloaded.some((x) => x) ? `; stage reloaded by the page's watchdog on ${r.reloaded.map((x, i) => (x ? SCREENS[i] : '')).filter(Boolean).join(', ')}` : ''),
  );
}
for (const [b] of builds)
  for (const kind of ['cold', 'warm'] as const)
    for (const type of ['cut', 'crossfade'] as const) {
      const rs = rows.filter((r) => r.build === b && r.kind === kind && r.type === type);
      if (!rs.length) continue;
      const late = rs.flatMap((r) => r.lateMs);
      const ratio = rs.flatMap((r) => r.gapMs.map((g, i) => g / r.medianFrameMs[i]!)).filter(Number.isFinite);
      const ratioPace = rs.flatMap((r) => r.gapMs.map((g, i) => g / paceOf(r, i))).filter(Number.isFinite);
      const gaps = rs.flatMap((r) => r.gapMs).filter(Number.isFinite);
      const ratioQuiet = rs.flatMap((r) => r.gapMs.map((g, i) => g / r.quietGapMs[i]!)).filter(Number.isFinite);
      console.log(
        `summary ${COMPARE ? `${b} ` : ''}${kind} ${type} (${rs.length}): spread median ${fmt(median(rs.map((r) => r.spreadMs)), 1)} ms, max ${fmt(Math.max(...rs.map((r) => r.spreadMs)), 1)} ms; ` +
          `late median ${fmt(median(late), 1)} ms, max ${fmt(Math.max(...late), 1)} ms; longest gap median ${fmt(median(gaps), 0)} ms; ` +
          `gap/median frame before median ×${fmt(median(ratio), 1)}, max ×${fmt(Math.max(...ratio), 1)}; gap/pace median ×${fmt(median(ratioPace), 1)}, max ×${fmt(Math.max(...ratioPace), 1)}; ` +
          `gap/longest of a second without a switch median ×${fmt(median(ratioQuiet), 1)}, max ×${fmt(Math.max(...ratioQuiet), 1)}; ` +
          `median frame in the first ${MS} ms / pace, median ×${fmt(median(rs.flatMap((r) => r.medianBlendMs.map((m, i) => m / paceOf(r, i))).filter(Number.isFinite)), 2)}; ` +
          `warm-up median ${fmt(median(rs.flatMap((r) => r.warmUpMs.filter((x): x is number => x !== null))), 0)} ms`,
      );
    }
if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify({ at: new Date().toISOString(), load: [load0, load1], crossfadeMs: MS, builds: Object.fromEntries(builds), rounds: ROUNDS, rows }, null, 2));
