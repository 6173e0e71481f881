import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { STATIC_DIR, screenUrl, stageFrame } from '../support/stage';
import { launch, openPage, waitFrames } from '../support/browser';
import { column, decodePng, meanAbsDiff, type Image } from '../support/image';
import type { App } from '../../server/app';

/**
 * Transitions on the demo wall (main-1..3, 480×270, each screen its own Chromium process as on a
 * real wall): a crossfade paused at its mid-point holds the same blend on all three, differs from
 * both pieces' own pictures, and joins at the seams; a switch to a piece warmed off-screen lands
 * on the same show time on all three.
 */
const MAIN = ['main-1', 'main-2', 'main-3'];
const A = 'prism-field';
const B = 'laser-score';

interface Seen {
  installationId: string | null;
  lastSwitch: { installationId: string | null; showTime: number } | null;
  transition: { from: string | null; to: string | null; type: string; progress: number } | null;
  now: number;
  synced: boolean;
  errors: string[];
}
const seen = (page: Page): Promise<Seen> =>
  page.evaluate(() => {
    const p = (window as unknown as { __pavilion: Omit<Seen, 'now' | 'synced' | 'errors'> & { errors: Array<{ message: string }>; clock: { now(): number; synced: boolean } } }).__pavilion;
    return { installationId: p.installationId, lastSwitch: p.lastSwitch, transition: p.transition, now: p.clock.now(), synced: p.clock.synced, errors: p.errors.map((e) => e.message) };
  });

/** The stage frame's own count of piece mounts and its last warm-up (window.__pavilion inside the frame). */
const stageSeen = async (page: Page) =>
  (await stageFrame(page)).evaluate(() => {
    const p = (window as unknown as { __pavilion: { pieceMounts: number; lastWarm: { installationId: string; adopted?: boolean } | null } }).__pavilion;
    return { pieceMounts: p.pieceMounts, lastWarm: p.lastWarm };
  });

/**
 * In the stage frame, from its first script on: how many shaders WebGL was asked to compile (a warm
 * switch compiles none: its programs were compiled during the warm-up, and must still be).
 */
const COUNT_COMPILES = `if (location.pathname === '/stage') {
  window.__compiles = 0;
  for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (!C) continue;
    const own = C.prototype.compileShader;
    C.prototype.compileShader = function (s) { window.__compiles++; return own.call(this, s); };
  }
}`;
const compilesIn = async (page: Page): Promise<number> => (await stageFrame(page)).evaluate(() => (window as unknown as { __compiles: number }).__compiles);

const showNow = () => performance.timeOrigin + performance.now();
let app: App;
const browsers: Browser[] = [];
const pages: Page[] = [];

async function command(c: Record<string, unknown>) {
  const res = await api(app, 'POST', '/api/commands', { wallId: 'main', ...c });
  expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
}
const shots = async (): Promise<Image[]> => Promise.all(pages.map(async (p) => decodePng(await p.screenshot())));
/** Pauses the wall at `at` and waits until every screen has drawn frames past it (the three at once). */
async function pauseAt(at: number) {
  await command({ type: 'wall.pause', at });
  await Promise.all(
    pages.map(async (p) => {
      await until(async () => (await seen(p)).now > at + 100, 'the screen clock to pass the pause', 60_000);
      await waitFrames(p, 4);
    }),
  );
}
const meanDiff = (a: Image, b: Image) => meanAbsDiff([...a.data].filter((_, i) => i % 4 !== 3), [...b.data].filter((_, i) => i % 4 !== 3));

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  // The three Chromiums launched and their screens opened at once, in order.
  const opened = await Promise.all(
    MAIN.map(async (id) => {
      const b = await launch();
      browsers.push(b); // closed after, whatever the order
      const context = await b.newContext({ viewport: { width: 480, height: 270 } });
      await context.addInitScript({ content: COUNT_COMPILES });
      return (await openPage(context, screenUrl(app, id))).page;
    }),
  );
  pages.push(...opened);
  await Promise.all(
    pages.map(async (p) => {
      await waitFrames(p, 5);
      await until(async () => (await seen(p)).synced, 'the screen clock to sync');
    }),
  );
}, 180_000);
afterAll(async () => {
  for (const b of browsers) await b.close();
  await app?.close();
});

describe('transitions on a wall of three screens', () => {
  it('a crossfade paused at its mid-point: the same blend everywhere, unlike either piece alone, joined at the seams', async () => {
    // A alone, paused: its own picture.
    await command({ type: 'wall.play', installationId: A });
    await Promise.all(pages.map((p) => until(async () => (await seen(p)).lastSwitch?.installationId === A, 'the switch to A', 90_000)));
    await pauseAt(showNow() + 1500);
    const alone = await shots();
    await command({ type: 'wall.resume' });

    // The crossfade to B: 4 s from `at`, paused at its mid-point (a lead long enough to warm B).
    const at = showNow() + 8000;
    await command({ type: 'wall.play', installationId: B, at, transition: { type: 'crossfade', ms: 4000 } });
    await pauseAt(at + 2000);
    const info = await Promise.all(pages.map(seen));
    for (const [i, s] of info.entries()) {
      expect(s.transition, `${MAIN[i]}'s transition`).toEqual({ from: A, to: B, type: 'crossfade', progress: 0.5 });
      expect(s.lastSwitch?.showTime, `${MAIN[i]} switched before \`at\``).toBeGreaterThanOrEqual(at);
    }
    const mid = await shots();
    await Promise.all(pages.map((p) => waitFrames(p, 4)));
    const again = await shots();
    for (let i = 0; i < 3; i++) expect(meanDiff(mid[i]!, again[i]!), `${MAIN[i]} kept moving while held`).toBeLessThan(1);

    // B alone, after the transition, paused.
    await command({ type: 'wall.resume' });
    await Promise.all(pages.map((p) => until(async () => (await seen(p)).transition === null, 'the transition to end', 60_000)));
    await pauseAt(showNow() + 1500);
    const after = await shots();
    await command({ type: 'wall.resume' });

    const W = mid[0]!.width;
    for (let i = 0; i < 3; i++) {
      const dA = meanDiff(mid[i]!, alone[i]!);
      const dB = meanDiff(mid[i]!, after[i]!);
      console.log(`[transitions e2e] ${MAIN[i]}: mid-crossfade vs ${A} alone ${dA.toFixed(2)}, vs ${B} alone ${dB.toFixed(2)} (mean |ΔRGB|)`);
      expect(dA, `${MAIN[i]}: the mid-point looks like ${A} alone`).toBeGreaterThan(2);
      expect(dB, `${MAIN[i]}: the mid-point looks like ${B} alone`).toBeGreaterThan(2);
    }
    const [a, b, c] = mid as [Image, Image, Image];
    const seams = [meanAbsDiff(column(a, W - 1), column(b, 0)), meanAbsDiff(column(b, W - 1), column(c, 0))];
    const far = [meanAbsDiff(column(a, W - 1), column(c, 0)), meanAbsDiff(column(a, W - 1), column(b, W >> 1)), meanAbsDiff(column(b, W - 1), column(a, 0)), meanAbsDiff(column(a, 0), column(b, 0))];
    const farMean = far.reduce((s, x) => s + x, 0) / far.length;
    console.log(`[transitions e2e] seams ${seams.map((s) => s.toFixed(2)).join(', ')}; non-adjacent ${farMean.toFixed(2)}`);
    expect(farMean, 'the picture at the seams is too uniform to judge').toBeGreaterThan(3);
    for (const s of seams) expect(s).toBeLessThan(farMean * 0.5);
    for (const p of pages) expect((await seen(p)).errors).toEqual([]);
  }, 400_000);

  it('a scheduled switch to a piece kept warm lands on the same show time on all three, and mounts and compiles nothing', async () => {
    // A played before: it is kept warm (its programs compiled) on every screen.
    for (const [i, p] of pages.entries()) {
      const kept = await p.evaluate(() => (window as unknown as { __pavilion: { warmCache: { pieces: string[] } | null } }).__pavilion.warmCache?.pieces ?? []);
      expect(kept.some((k) => k.startsWith(`${A}@`)), `${MAIN[i]} keeps ${A} warm: ${kept.join(', ')}`).toBe(true);
    }
    const mountsBefore = await Promise.all(pages.map(async (p) => (await stageSeen(p)).pieceMounts));
    const compilesBefore = await Promise.all(pages.map(compilesIn));
    const at = showNow() + 8000;
    await command({ type: 'wall.play', installationId: A, at });
    const sw = await Promise.all(
      pages.map((p, i) =>
        until(async () => {
          const s = await seen(p);
          return s.lastSwitch?.installationId === A && s.lastSwitch.showTime >= at ? s.lastSwitch : null;
        }, `${MAIN[i]} to switch`, 90_000),
      ),
    );
    const times = sw.map((s) => s.showTime);
    console.log(`[transitions e2e] warm switch: first frames ${times.map((t) => (t - at).toFixed(1)).join(', ')} ms after \`at\``);
    // Warm before `at`: each screen finished its warm-up before it switched (lateMs is set at the switch
    // only when the warm-up came first; a switch forced by WARM_WAIT_MS leaves it null).
    for (const [i, p] of pages.entries()) {
      const warm = await p.evaluate(() => (window as unknown as { __pavilion: { lastWarm: { installationId: string; lateMs: number | null } | null } }).__pavilion.lastWarm);
      expect(warm?.installationId, `${MAIN[i]}'s last warm-up`).toBe(A);
      expect(warm?.lateMs, `${MAIN[i]} switched before its warm-up finished`).not.toBeNull();
      // The run kept warm became the live one: adopted, not mounted again.
      await waitFrames(p, 4);
      const s = await stageSeen(p);
      expect(s.lastWarm, `${MAIN[i]}'s warm-up in its stage`).toMatchObject({ installationId: A, adopted: true });
      expect(s.pieceMounts, `${MAIN[i]} mounted ${A} again at the switch`).toBe(mountsBefore[i]);
      // Nothing compiled from the command to a few frames after the switch: not the kept run's
      // programs (a view that re-rendered it re-created its materials and let its programs go), not
      // the run on screen's.
      expect((await compilesIn(p)) - compilesBefore[i]!, `${MAIN[i]} compiled shaders for a warm switch`).toBe(0);
    }
  }, 200_000);
});
