import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { screenUrl } from '../support/stage';
import { openScreens, waitFrames } from '../support/browser';
import { column, decodePng, meanAbsDiff, type Image } from '../support/image';
import type { App } from '../../server/app';

/**
 * The three screens of the demo wall (main-1..3, 480×270 each) in Chromium: paused at one show
 * time they join continuously at their seams, and a scheduled switch lands on all three.
 */
const STATIC = process.env.PAVILION_STATIC_DIR ? path.resolve(process.env.PAVILION_STATIC_DIR) : path.resolve(import.meta.dirname, '../../dist/client');
const MAIN = ['main-1', 'main-2', 'main-3'];

interface Diag {
  installationId: string | null;
  framesRendered: number;
  lastSwitch: { installationId: string | null; showTime: number } | null;
  errors: Array<{ message: string }>;
  clock: { now(): number; synced: boolean };
}
const diag = (page: Page) =>
  page.evaluate(() => {
    const p = (window as unknown as { __pavilion: Diag }).__pavilion;
    return { installationId: p.installationId, lastSwitch: p.lastSwitch, errors: p.errors.map((e) => e.message), now: p.clock.now(), synced: p.clock.synced };
  });

/** The show clock, read as the server reads it (the server runs in this process). */
const showNow = () => performance.timeOrigin + performance.now();

let app: App;
let closeScreens: (() => Promise<void>) | undefined;
const pages: Page[] = [];

async function play(installationId: string, at?: number): Promise<void> {
  const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId, ...(at ? { at } : {}) });
  expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
}

/** Waits until every screen of the wall shows `id` from a switch other than `before`'s. */
async function switched(id: string, before: Array<number | null> = [null, null, null]) {
  return Promise.all(
    pages.map((p, i) =>
      until(async () => {
        const d = await diag(p);
        return d.lastSwitch?.installationId === id && d.lastSwitch.showTime !== before[i] ? d.lastSwitch : null;
      }, `${MAIN[i]} to switch to ${id}`),
    ),
  );
}

const shot = async (page: Page): Promise<Image> => decodePng(await page.screenshot());

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC });
  // Each screen in a Chromium of its own, as on a real wall. Opened at once: each page's load (its
  // script runs before DOMContentLoaded) would otherwise wait behind the pages already drawing.
  const wall = await openScreens(MAIN.map((id) => screenUrl(app, id)));
  closeScreens = wall.close;
  pages.push(...wall.screens.map((s) => s.page));
  // The screens start side by side: each is waited for at once (one after another, each page's
  // frames would be counted from when the previous one was done).
  await Promise.all(
    pages.map(async (p) => {
      await waitFrames(p, 5);
      await until(async () => (await diag(p)).synced, 'the screen clock to sync');
    }),
  );
});
afterAll(async () => {
  await closeScreens?.();
  await app?.close();
});

describe('one wall, three screens', () => {
  it('paused at one show time, the three screens join continuously at their seams', async () => {
    // A piece whose picture has structure at the seams (fine strata, beams).
    const ids = app.catalog.list().map((p) => p.id);
    const piece = ['prism-field', 'laser-score', 'canopy'].find((id) => ids.includes(id)) ?? ids[0]!;
    const before = await Promise.all(pages.map(async (p) => (await diag(p)).lastSwitch?.showTime ?? null));
    await play(piece);
    await switched(piece, before);

    const at = showNow() + 1500;
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.pause', wallId: 'main', at });
    expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
    // Frozen: every screen's clock is past `at`, and it has drawn frames since.
    await Promise.all(
      pages.map(async (p) => {
        await until(async () => (await diag(p)).now > at + 50, 'the screen clock to pass the pause time');
        await waitFrames(p, 3);
      }),
    );
    const imgs = await Promise.all(pages.map(shot));
    const { width: W, height: H } = imgs[0]!;
    expect(W).toBe(480);
    expect(H).toBe(270);

    // Frozen means frozen: a few frames later each screen shows the same picture.
    await Promise.all(pages.map((p) => waitFrames(p, 5)));
    const again = await Promise.all(pages.map(shot));
    for (let i = 0; i < 3; i++) expect(meanAbsDiff(column(imgs[i]!, W >> 1), column(again[i]!, W >> 1)), `${MAIN[i]} kept moving while paused`).toBeLessThan(1);

    const [a, b, c] = imgs as [Image, Image, Image];
    const seam12 = meanAbsDiff(column(a, W - 1), column(b, 0));
    const seam23 = meanAbsDiff(column(b, W - 1), column(c, 0));
    // Neighbouring columns inside one screen: how much a continuous picture changes per pixel.
    const within = [meanAbsDiff(column(a, W - 2), column(a, W - 1)), meanAbsDiff(column(b, 0), column(b, 1)), meanAbsDiff(column(b, W - 2), column(b, W - 1)), meanAbsDiff(column(c, 0), column(c, 1))];
    const withinMean = within.reduce((s, x) => s + x, 0) / within.length;
    // Columns that are not neighbours on the wall: what a broken seam would look like.
    const far = [meanAbsDiff(column(a, W - 1), column(c, 0)), meanAbsDiff(column(a, W - 1), column(b, W >> 1)), meanAbsDiff(column(b, W - 1), column(a, 0)), meanAbsDiff(column(a, 0), column(b, 0))];
    const farMean = far.reduce((s, x) => s + x, 0) / far.length;
    console.log(`[sync e2e] ${piece}: seams ${seam12.toFixed(2)}, ${seam23.toFixed(2)}; adjacent inside a screen ${withinMean.toFixed(2)}; non-adjacent ${farMean.toFixed(2)} (mean |ΔRGB|)`);

    expect(farMean, `the picture at the seams is too uniform to judge (${piece})`).toBeGreaterThan(5);
    for (const seam of [seam12, seam23]) {
      expect(seam).toBeLessThan(farMean * 0.4);
      expect(seam).toBeLessThan(withinMean * 3 + 3);
    }

    await api(app, 'POST', '/api/commands', { type: 'wall.resume', wallId: 'main' });
  });

  it('a scheduled switch (wall.play with `at`) lands on the same show time on all three', async () => {
    const ids = app.catalog.list().map((p) => p.id);
    const current = (await diag(pages[0]!)).installationId;
    const next = ids.find((id) => id !== current) ?? ids[0]!;
    const before = await Promise.all(pages.map(async (p) => (await diag(p)).lastSwitch?.showTime ?? null));
    const at = showNow() + 2000;
    await play(next, at);
    expect(app.store.get().walls.main!.startedAt).toBe(at);
    const sw = await switched(next, before);
    for (const [i, s] of sw.entries()) {
      expect(s.installationId, MAIN[i]).toBe(next);
      expect(s.showTime, `${MAIN[i]} switched before \`at\``).toBeGreaterThanOrEqual(at);
    }
    for (const p of pages) expect((await diag(p)).errors).toEqual([]);
    const times = sw.map((s) => s.showTime);
    console.log(`[sync e2e] scheduled switch to ${next}: spread ${(Math.max(...times) - Math.min(...times)).toFixed(2)} ms, first frames ${times.map((t) => (t - at).toFixed(1)).join(', ')} ms after \`at\``);
  });
});
