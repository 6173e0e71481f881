import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { arg, flag } from '../lib/args';
import { raiseSession } from '../lib/priority';
import { ROOT } from '../lib/child';
import { fmt, median, percentile } from '../lib/stats';
import { runRound, type RoundResult, type ScreenFigures } from './round';
import { POLL_MS } from './screen';
import { staticDir } from './server';

/*
 * bench:reconnect — issue 12's target: a screen is back playing ≤ 3 s after the server comes
 * back. Each round starts a server child (own data dir, fixed ports for the page and the stage
 * origin, as `npm start` runs it), puts N screens (one Chromium process each) on walls of their
 * own playing a bundled piece, SIGKILLs the server, keeps it down, starts it again on the same
 * ports and data dir, and measures from the new server's "listening" line:
 *   (a) each page connected again (window.__pavilion.connected, polled every 20 ms in the page);
 *   (b) GET /api/show listing it connected (polled every 20 ms);
 *   (c) a wall.play of another piece, sent right after (a), switching the screen (from the POST).
 * It also checks that every screen kept drawing frames while the server was away.
 *
 *   npm run bench:reconnect -- [--screens 4] [--rounds 5] [--down 5] [--width 320 --height 180]
 *                              [--piece prism-field --other canopy] [--rebuild] [--server-nice -10|none]
 *
 * --server-nice: in a venue the server has a machine of its own; here it shares the cores with the
 * screens' Chromium, whose GPU processes run at nice −8. By default (as root) the server child runs
 * at nice −10 so that it is not starved behind them; `none` starts it as `npm start` does.
 *
 * The client is PAVILION_STATIC_DIR when set, else built once into .tmp/bench-reconnect-build.
 * Exits 1 when (a) misses the target anywhere, or a screen stopped drawing during the outage.
 */
const SCREENS = arg('screens', 4);
const ROUNDS = arg('rounds', 5);
const DOWN = arg('down', 5);
const WIDTH = arg('width', 320);
const HEIGHT = arg('height', 180);
const PIECE = arg('piece', 'prism-field');
const OTHER = arg('other', 'canopy');
const TARGET_MS = 3000;
const niceArg = arg('server-nice', process.getuid?.() === 0 ? '-10' : 'none');
const SERVER_NICE = niceArg === 'none' ? null : Number(niceArg);
if (SERVER_NICE !== null && !(Number.isInteger(SERVER_NICE) && SERVER_NICE >= -20 && SERVER_NICE <= 19)) {
  console.error(`--server-nice takes a nice value from -20 to 19 (below 0 needs root), or none; got '${niceArg}'`);
  process.exit(2);
}
// The server child stays in this bench's session; each Chromium has a session of its own, and
// sessions share the CPU fairly whatever the nice values inside them (bench/lib/priority.ts).
const SESSION = SERVER_NICE === null ? null : raiseSession(SERVER_NICE);

if (!(SCREENS >= 1 && ROUNDS >= 1 && DOWN >= 0) || PIECE === OTHER) {
  console.error('bench:reconnect: give --screens ≥ 1, --rounds ≥ 1, --down ≥ 0 (seconds) and two different pieces (--piece, --other)');
  process.exit(2);
}

const ms = (v: number | null) => (v === null ? 'miss' : `${fmt(v, 0)}`);
const summary = (xs: Array<number | null>) => {
  const got = xs.filter((x): x is number => x !== null);
  return { n: xs.length, missed: xs.length - got.length, median: median(got), p95: percentile(got, 95), max: got.length ? Math.max(...got) : NaN };
};
type Summary = ReturnType<typeof summary>;
const line = (name: string, s: Summary) =>
  `${name.padEnd(44)} ${fmt(s.median, 0).padStart(7)} ${fmt(s.p95, 0).padStart(7)} ${fmt(s.max, 0).padStart(7)}${s.missed ? `   (${s.missed} of ${s.n} never happened)` : ''}`;

async function main(): Promise<number> {
  const dir = staticDir(flag('rebuild'));
  console.log(`client: ${path.relative(ROOT, dir) || dir}${process.env.PAVILION_STATIC_DIR ? ' (PAVILION_STATIC_DIR)' : ''}`);
  console.log(`${SCREENS} screens × ${ROUNDS} rounds, server down ${DOWN} s, ${WIDTH}×${HEIGHT}, ${PIECE} → ${OTHER}, server at nice ${SERVER_NICE ?? '(as npm start)'}${SESSION ? ` (${SESSION})` : ''}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  const browsers: Browser[] = [];
  const rounds: RoundResult[] = [];
  try {
    for (let i = 0; i < SCREENS; i++) browsers.push(await launchChromium());
    for (let r = 1; r <= ROUNDS; r++) {
      // A Chromium that went away (killed from outside, crashed) is replaced before the round.
      for (const [i, b] of browsers.entries())
        if (!b.isConnected()) {
          console.log(`screen ${i + 1}'s Chromium went away: launching another`);
          browsers[i] = await launchChromium();
        }
      const res = await runRound(r, browsers, { screens: SCREENS, downS: DOWN, width: WIDTH, height: HEIGHT, piece: PIECE, other: OTHER, staticDir: dir, serverNice: SERVER_NICE });
      rounds.push(res);
      console.log(`round ${r}: killed → spawned ${(res.downMs / 1000).toFixed(1)} s, killed → listening ${(res.awayMs / 1000).toFixed(1)} s; load ${os.loadavg()[0]!.toFixed(2)}`);
      console.log(`  ${'screen'.padEnd(10)} ${'(a) page'.padStart(9)} ${'(b) listed'.padStart(11)} ${'(c) play'.padStart(9)} ${'POST'.padStart(6)} ${'sched'.padStart(6)} ${'late'.padStart(6)} ${'back'.padStart(9)} ${'outage fps'.padStart(11)}`);
      for (const s of res.screens)
        console.log(`  ${s.screenId.padEnd(10)} ${ms(s.connectedMs).padStart(9)} ${ms(s.listedMs).padStart(11)} ${ms(s.playMs).padStart(9)} ${ms(s.postMs).padStart(6)} ${ms(s.scheduledMs).padStart(6)} ${ms(s.lateMs).padStart(6)} ${ms(s.backPlayingMs).padStart(9)} ${s.outageFps.toFixed(1).padStart(11)}`);
    }
  } finally {
    await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
  }

  const all: ScreenFigures[] = rounds.flatMap((r) => r.screens);
  const a = summary(all.map((s) => s.connectedMs));
  const b = summary(all.map((s) => s.listedMs));
  const c = summary(all.map((s) => s.playMs));
  const post = summary(all.map((s) => s.postMs));
  const sched = summary(all.map((s) => s.scheduledMs));
  const late = summary(all.map((s) => s.lateMs));
  const back = summary(all.map((s) => s.backPlayingMs));
  console.log(`\nms from the new server's "listening" line (polled every ${POLL_MS} ms), ${all.length} screen reconnections:`);
  console.log(`${''.padEnd(44)} ${'median'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}`);
  console.log(line('(a) page connected again', a));
  console.log(line('(b) GET /api/show lists it connected', b));
  console.log(line('(c) wall.play sent after (a) → switched', c));
  console.log(line('    within it: the POST round trip', post));
  console.log(line('    within it: POST sent → the switch time set', sched));
  console.log(line('    within it: switched late vs its startedAt', late));
  console.log(line('listening → switched to the new piece', back));
  const frozen = all.filter((s) => !(s.outageFrames > 0));
  const fps = all.map((s) => s.outageFps);
  console.log(`frames while the server was away: ${fmt(Math.min(...fps), 1)}–${fmt(Math.max(...fps), 1)} fps${frozen.length ? `; ${frozen.length} screen(s) drew NONE: ${frozen.map((s) => `${s.screenId} (round ${s.round})`).join(', ')}` : ' on every screen'}`);

  const ok = a.missed === 0 && a.max <= TARGET_MS && frozen.length === 0;
  const over = all.filter((s) => s.connectedMs === null || s.connectedMs > TARGET_MS).length;
  console.log(
    `\n${ok ? 'PASS' : 'MISS'} (target: every screen connected again ≤ ${TARGET_MS / 1000} s after the server is back, drawing throughout):` +
      ` (a) median ${fmt(a.median / 1000, 2)} s, max ${fmt(a.max / 1000, 2)} s, ${over} of ${all.length} over ${TARGET_MS / 1000} s${a.missed ? ` (${a.missed} never)` : ''}; ${frozen.length} screen(s) stopped drawing.`,
  );
  console.log(
    `The play lead: a wall.play sent at (a) adds (c) median ${fmt(c.median / 1000, 2)} s (p95 ${fmt(c.p95 / 1000, 2)}, max ${fmt(c.max / 1000, 2)}): the server's lead for a piece it has no preload time for (it keeps none across a restart), the POST's trip, and any lateness; back playing a new piece ${fmt(back.median / 1000, 2)} s (median), ${fmt(back.max / 1000, 2)} s (max) after the server.`,
  );
  console.log(`(client/core/reconnect.ts, SCREEN_RECONNECT: after the first two tries (0.1 s, 0.2 s) a screen retries every 0.2–0.6 s for ever, so (a) ≈ the wait for its next try, ≤ 0.6 s, plus the connection itself.)`);

  const out = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(out, { recursive: true });
  const at = new Date().toISOString();
  const file = path.join(out, `reconnect-${at.slice(0, 10)}T${at.slice(11, 16).replace(':', '')}.json`);
  fs.writeFileSync(file, JSON.stringify({ at, options: { screens: SCREENS, rounds: ROUNDS, downS: DOWN, width: WIDTH, height: HEIGHT, piece: PIECE, other: OTHER, serverNice: SERVER_NICE }, loadavg: os.loadavg(), summary: { a, b, c, post, sched, late, back }, ok, rounds }, null, 2));
  console.log(`wrote ${path.relative(ROOT, file)}`);
  return ok ? 0 : 1;
}

process.exit(await main());
