/**
 * npm run bench:nodes:switch [-- --layouts one,two] [--sets light,bundled] [--switches 8] [--json out.json]
 *
 * Issue 17's first target, measured: a `wall.play` sent to one node switches the wall's screens on
 * every node on the same frame, "as on one node". The demo wall's three screens, each in its own
 * Chromium process at 480×270 (three screen computers: no shared vsync), on two layouts in one run:
 *   one — a single server (no Redis), the three screens on it: the reference;
 *   two — two nodes (server/main.ts in child processes, as `npm start` runs them) on the bench's own
 *         redis-server (AOF, fsync always): main-1 and main-3 on node A (the writer), main-2 on
 *         node B; the commands go to B and A in turn (B forwards them to the writer).
 * Each set of pieces is measured on each layout:
 *   light   — bench/sync/pieces/cue-tide packed twice and uploaded as an artist's piece (a shader
 *             quad that software WebGL draws at the display's 60 fps): the switch itself;
 *   bundled — the five showcase pieces, first plays (cold), which software WebGL draws at a few
 *             tens of frames a second on this machine: their frames, not the switch, set the spread.
 * Per switch (no `at`: the server's lead), from the show's `startedAt` and each screen's stage:
 * - the spread: the largest difference between the screens' first frames of the new piece (show time);
 * - each screen's lateness after `startedAt`, and its frames late: frames it drew at or after
 *   `startedAt` still showing the old piece (0: it switched on its first frame at or after the start);
 * - each screen's frame interval: the median of its stage's rAF intervals over the 2 s before the command.
 * A switch is "on one frame" when every screen's frames late is 0, its lateness ≤ its frame
 * interval, and the spread ≤ the longest of the screens' frame intervals.
 * Serves the built client (dist/client, or PAVILION_STATIC_DIR): run `npm run build` first.
 * Writes bench/results/nodes-switch-<date>.json. docs/performance.md has the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { arg } from '../lib/args';
import { ROOT, poll, sleep } from '../lib/child';
import { uploadCuePieces } from '../lib/cue-pieces';
import { fmt, median } from '../lib/stats';
import { TOKEN, nodeDataDir, settled, startNode, startRedis, type BenchNode } from './cluster';

const LAYOUTS = arg('layouts', 'one,two').split(',').filter(Boolean) as Array<'one' | 'two'>;
const SETS = arg('sets', 'light,bundled').split(',').filter(Boolean);
const SWITCHES = arg('switches', 8);
const JSON_OUT = arg('json', '');
const ARTIST = 'bench-artist-token-0123456789';
const SCREENS = ['main-1', 'main-2', 'main-3'];
for (const l of LAYOUTS) if (l !== 'one' && l !== 'two') throw new Error(`--layouts takes one and/or two, got '${l}'`);
for (const s of SETS) if (s !== 'light' && s !== 'bundled') throw new Error(`--sets takes light and/or bundled, got '${s}'`);

interface Diag {
  lastSwitch: { installationId: string | null; showTime: number } | null;
  framesRendered: number;
  clock: { synced: boolean };
}
interface Row {
  layout: 'one' | 'two';
  set: string;
  installationId: string;
  /** Which node took the command (layout two: A is the writer). */
  sentTo: string;
  load: number;
  leadMs: number;
  spreadMs: number;
  lateMs: number[];
  framesLate: number[];
  frameMs: number[];
  onOneFrame: boolean;
}

async function command(n: BenchNode, body: Record<string, unknown>): Promise<void> {
  // A refusal while the writer changes says to try again (not_allowed_now); anything else is the bench's error.
  for (let tries = 0; ; tries++) {
    const res = await fetch(`${n.url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ack = (await res.json()) as { ok: boolean; error?: { code: string; message: string } };
    if (ack.ok) return;
    if (ack.error?.code !== 'not_allowed_now' || tries > 20) throw new Error(`command ${JSON.stringify(body)} on ${n.url}: ${ack.error?.message ?? res.status}`);
    await sleep(500);
  }
}
const exported = async (n: BenchNode) =>
  (await (await fetch(`${n.url}/api/show/export`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { walls: Record<string, { installationId: string | null; startedAt: number }>; screens: Record<string, { key?: string }> };

const diag = (p: Page): Promise<Diag> =>
  p.evaluate(() => {
    const d = (window as unknown as { __pavilion: Diag }).__pavilion;
    return { lastSwitch: d.lastSwitch, framesRendered: d.framesRendered, clock: { synced: d.clock.synced } };
  });
const stageOf = (p: Page): Promise<Frame> => poll(async () => p.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage') ?? null, 'the stage frame', 90_000);
/** The stage frame's rAF timestamps (epoch ms) in [from, to]. */
const framesIn = (f: Frame, from: number, to: number): Promise<number[]> =>
  f.evaluate(([a, b]) => ((window as unknown as { __benchFrames: number[] }).__benchFrames ?? []).filter((t) => t >= a! && t <= b!), [from, to] as const);

/** Each screen its own Chromium, its page on `nodeOf(id)`; the stage frame records its rAF timestamps. */
async function openScreens(nodeOf: (id: string) => BenchNode, browsers: Browser[]): Promise<Page[]> {
  const keys = (await exported(nodeOf(SCREENS[0]!))).screens;
  const pages: Page[] = [];
  for (const id of SCREENS) {
    const key = keys[id]?.key;
    if (!key) throw new Error(`bench: screen ${id} has no pairing key in the demo show`);
    const browser = await launchChromium();
    browsers.push(browser);
    const page = await (await browser.newContext({ viewport: { width: 480, height: 270 } })).newPage();
    await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    await page.addInitScript({
      content: `if (location.pathname === '/stage') { const w = window; w.__benchFrames = [];
        const loop = (t) => { w.__benchFrames.push(performance.timeOrigin + t); if (w.__benchFrames.length > 30000) w.__benchFrames.splice(0, 15000); requestAnimationFrame(loop); };
        requestAnimationFrame(loop); }`,
    });
    await page.goto(`${nodeOf(id).url}/display?screen=${encodeURIComponent(id)}&key=${encodeURIComponent(key)}`);
    pages.push(page);
  }
  for (const p of pages) await poll(async () => { const d = await diag(p); return d.clock.synced && d.framesRendered > 5; }, 'the screens to sync and draw', 120_000);
  return pages;
}

/** Every node lists every screen connected (the wall's gate on each node waits for all three). */
async function everyNodeListsAll(nodes: BenchNode[]): Promise<void> {
  const lists = async (n: BenchNode) => {
    const screens = ((await (await fetch(`${n.url}/api/show`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { screens: Array<{ id: string; connected: boolean }> }).screens;
    return SCREENS.every((id) => screens.find((s) => s.id === id)?.connected === true);
  };
  await poll(async () => (await Promise.all(nodes.map(lists))).every(Boolean), 'every node to list the three screens connected', 30_000);
}

async function measureLayout(layout: 'one' | 'two', rows: Row[]): Promise<void> {
  const env = { PAVILION_CLOCK_PORT: '0', PAVILION_ARTIST_TOKEN: ARTIST };
  const nodes: BenchNode[] = [];
  const browsers: Browser[] = [];
  try {
    let light: string[] = [];
    if (layout === 'one') {
      nodes.push(await startNode(null, env));
      if (SETS.includes('light')) light = await uploadCuePieces(nodes[0]!, ARTIST);
    } else {
      const redis = await startRedis();
      const dataA = nodeDataDir();
      nodes.push(await startNode(redis.url, env, dataA));
      await settled(nodes);
      // Uploads are taken by the writer; its pieces folder is copied to B's data directory before B
      // starts (docs/operations.md: share <data>/pieces between the nodes).
      if (SETS.includes('light')) light = await uploadCuePieces(nodes[0]!, ARTIST);
      const dataB = nodeDataDir();
      fs.cpSync(path.join(dataA, 'pieces'), path.join(dataB, 'pieces'), { recursive: true });
      nodes.push(await startNode(redis.url, env, dataB));
      await settled(nodes);
    }
    const nodeOf = (id: string) => (layout === 'two' && id === 'main-2' ? nodes[1]! : nodes[0]!);
    const pages = await openScreens(nodeOf, browsers);
    await everyNodeListsAll(nodes);
    const stages = await Promise.all(pages.map(stageOf));
    const bundled = fs.readdirSync(path.join(ROOT, 'installations')).filter((d) => fs.existsSync(path.join(ROOT, 'installations', d, 'manifest.json')));
    let k = 0;
    for (const set of SETS) {
      const pieces = set === 'light' ? light : bundled;
      const count = set === 'light' ? SWITCHES : bundled.length - 1;
      const now = (await diag(pages[0]!)).lastSwitch?.installationId ?? null;
      // An unmeasured switch into the set: a switch away from another set's piece lands on that piece's frames.
      if (!now || !pieces.includes(now)) {
        await command(nodes[0]!, { type: 'wall.play', wallId: 'main', installationId: pieces[0] });
        await Promise.all(pages.map((p) => poll(async () => (await diag(p)).lastSwitch?.installationId === pieces[0], `the set's first piece ${pieces[0]}`, 120_000)));
        await sleep(1500);
      }
      for (let s = 0; s < count; s++, k++) {
        const current = (await diag(pages[0]!)).lastSwitch?.installationId;
        const id = set === 'light' ? pieces.find((p) => p !== current)! : pieces[(s + 1) % pieces.length]!;
        const to = nodes[layout === 'two' && k % 2 === 0 ? 1 : 0]!;
        const before = await Promise.all(pages.map(async (p) => (await diag(p)).lastSwitch?.showTime ?? null));
        await sleep(2000); // frames before the command: each screen's frame interval
        const commandAt = Date.now();
        await command(to, { type: 'wall.play', wallId: 'main', installationId: id });
        const sw = await Promise.all(
          pages.map((p, i) => poll(async () => { const d = await diag(p); return d.lastSwitch?.installationId === id && d.lastSwitch.showTime !== before[i] ? d.lastSwitch : null; }, `${SCREENS[i]} to switch to ${id}`, 120_000)),
        );
        const walls = await Promise.all(nodes.map(async (n) => (await exported(n)).walls.main!));
        if (walls.some((w) => w.startedAt !== walls[0]!.startedAt)) throw new Error(`bench: the nodes disagree on the wall's start: ${walls.map((w) => w.startedAt).join(', ')}`);
        const startedAt = walls[0]!.startedAt;
        const times = sw.map((x) => x.showTime);
        const row: Row = { layout, set, installationId: id, sentTo: layout === 'one' ? 'the server' : to === nodes[0] ? 'A (writer)' : 'B', load: os.loadavg()[0]!, leadMs: startedAt - commandAt, spreadMs: Math.max(...times) - Math.min(...times), lateMs: times.map((t) => t - startedAt), framesLate: [], frameMs: [], onOneFrame: false };
        for (const [i, f] of stages.entries()) {
          const base = await framesIn(f, commandAt - 2000, commandAt);
          row.frameMs.push(base.length > 1 ? median(base.slice(1).map((t, j) => t - base[j]!)) : NaN);
          // The stage's show time is its rAF timestamp on the show clock, which on one machine is the
          // machine's clock to a fraction of a millisecond: frames from the start to the switch frame (1 ms apart).
          row.framesLate.push((await framesIn(f, startedAt, times[i]! - 1)).length);
        }
        row.onOneFrame = row.framesLate.every((n) => n === 0) && row.lateMs.every((l, i) => l >= 0 && l <= row.frameMs[i]!) && row.spreadMs <= Math.max(...row.frameMs);
        rows.push(row);
        const list = (xs: number[], d = 1) => xs.map((x) => fmt(x, d)).join('/');
        console.log(
          `${layout} ${set.padEnd(7)} → ${id.padEnd(12)} sent to ${row.sentTo.padEnd(10)} lead ${fmt(row.leadMs, 0).padStart(5)} ms; spread ${fmt(row.spreadMs, 1).padStart(6)} ms; late ${list(row.lateMs)} ms; ` +
            `frames late ${row.framesLate.join('/')}; frame ${list(row.frameMs)} ms; ${row.onOneFrame ? 'on one frame' : 'NOT on one frame'}; load ${row.load.toFixed(1)}`,
        );
      }
    }
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
  }
}

const rows: Row[] = [];
const load0 = os.loadavg();
for (const layout of LAYOUTS) await measureLayout(layout, rows);
const load1 = os.loadavg();
console.log(`\nbench:nodes:switch — 3 Chromium processes at 480×270 (software WebGL), load average ${load0.map((x) => x.toFixed(1)).join(' ')} → ${load1.map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
for (const layout of LAYOUTS)
  for (const set of SETS) {
    const rs = rows.filter((r) => r.layout === layout && r.set === set);
    if (!rs.length) continue;
    const late = rs.flatMap((r) => r.lateMs);
    console.log(
      `summary ${layout === 'one' ? 'one node ' : 'two nodes'} ${set.padEnd(7)} (${rs.length}): spread median ${fmt(median(rs.map((r) => r.spreadMs)), 1)} ms, max ${fmt(Math.max(...rs.map((r) => r.spreadMs)), 1)} ms; ` +
        `late median ${fmt(median(late), 1)} ms, max ${fmt(Math.max(...late), 1)} ms; screens with frames late ${rs.flatMap((r) => r.framesLate).filter((n) => n > 0).length} of ${late.length}; ` +
        `frame interval median ${fmt(median(rs.flatMap((r) => r.frameMs)), 1)} ms; on one frame: ${rs.filter((r) => r.onOneFrame).length} of ${rs.length}`,
    );
  }
const out = JSON_OUT || path.join(ROOT, 'bench', 'results', `nodes-switch-${new Date().toISOString().slice(0, 16).replace(/:/g, '')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), load: [load0, load1], layouts: LAYOUTS, sets: SETS, rows }, null, 2));
console.log(`wrote ${path.relative(ROOT, out)}`);
process.exit(0);
