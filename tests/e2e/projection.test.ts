import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, api, startServer, until } from '../support/server';
import { STATIC_DIR, playOn, screenUrl } from '../support/stage';
import { launch, openPage, openPanel, waitFrames } from '../support/browser';
import { decodePng, type Image } from '../support/image';
import { blendCurve } from '../../client/output/blend';
import type { App } from '../../server/app';

/**
 * The output stage (docs/projection.md) on one screen (canopy-1, 1920×1080 in its wall's layout,
 * 480×270 in its own Chromium): a corner-pin puts the white pattern where its corners say, to the
 * pixel; a left blend of 25 % follows the curve; a piece goes through the same pin; the settings
 * survive a restart. Everything is read from screenshots, polled until the screen shows it.
 */
const SCREEN = 'canopy-1';
const RIGHT_HALF = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]];
let app: App & { dataDir: string };
let browser: Browser;
let page: Page;

interface OutputDiag { identity: boolean; pattern: string | null; problem: string | null; grid?: { cols: number; rows: number; points: Array<[number, number]> }; mask?: Array<[number, number]> }
const outputOf = (p: Page): Promise<OutputDiag | null> => p.evaluate(() => (window as unknown as { __pavilion: { output: OutputDiag | null } }).__pavilion.output);
async function command(c: Record<string, unknown>, on: App = app) {
  const res = await api(on, 'POST', '/api/commands', c);
  expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
}
const lum = (img: Image, x: number, y: number) => {
  const i = (y * img.width + x) * 4;
  return 0.2126 * img.data[i]! + 0.7152 * img.data[i + 1]! + 0.0722 * img.data[i + 2]!;
};
/** The mean luminance of each column, over the middle half of the rows. */
function columns(img: Image): number[] {
  const out: number[] = [];
  const y0 = Math.floor(img.height / 4), y1 = Math.floor((img.height * 3) / 4);
  for (let x = 0; x < img.width; x++) {
    let s = 0;
    for (let y = y0; y < y1; y++) s += lum(img, x, y);
    out.push(s / (y1 - y0));
  }
  return out;
}
const shot = async (p: Page = page): Promise<Image> => decodePng(await p.screenshot());
/** Polls screenshots until `ok` holds for one (the view's trip and a few frames), and returns it. */
async function until_(what: string, ok: (img: Image) => boolean, p: Page = page): Promise<Image> {
  let last: Image | null = null;
  try {
    return await until(async () => {
      last = await shot(p);
      return ok(last) ? last : null;
    }, what, 90_000);
  } catch (e) {
    if (last) console.log(`[projection e2e] ${what}: columns ${columns(last).filter((_, i) => i % 20 === 0).map((v) => v.toFixed(0)).join(' ')}`);
    throw e;
  }
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
/** The first column brighter than half scale. */
const edgeOf = (cols: number[]) => cols.findIndex((v) => v > 127.5);

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
  page = (await openPage(browser, screenUrl(app, SCREEN))).page;
  await waitFrames(page, 5);
  await until(async () => (await outputOf(page))?.identity === true, 'the stage to report its output stage', 90_000);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the output stage on a screen', () => {
  it('white pattern, corners on the right half: the left half is black, the right half white, the edge within 1 pixel', async () => {
    await command({ type: 'screen.pattern', screenId: SCREEN, pattern: 'white' });
    await until(async () => (await outputOf(page))?.pattern === 'white', 'the pattern to reach the stage', 90_000);
    const full = await until_('the white pattern', (img) => mean(columns(img)) > 250);
    expect(Math.min(...columns(full))).toBeGreaterThan(250);

    await command({ type: 'screen.output', screenId: SCREEN, corners: RIGHT_HALF });
    const img = await until_('the corner-pin', (i) => columns(i)[0]! < 5);
    const cols = columns(img);
    const half = img.width / 2;
    console.log(`[projection e2e] corner-pin: edge at column ${edgeOf(cols)} of ${img.width} (expected ${half}); columns ${half - 2}..${half + 1}: ${cols.slice(half - 2, half + 2).map((v) => v.toFixed(0)).join(' ')}`);
    expect(Math.abs(edgeOf(cols) - half)).toBeLessThanOrEqual(1);
    expect(Math.max(...cols.slice(0, half - 1))).toBeLessThan(3);
    expect(Math.min(...cols.slice(half + 1))).toBeGreaterThan(250);
    // The rows too: the right half is white from top to bottom.
    expect(lum(img, img.width - 2, 0)).toBeGreaterThan(250);
    expect(lum(img, img.width - 2, img.height - 1)).toBeGreaterThan(250);
    expect(await outputOf(page)).toEqual({ identity: false, pattern: 'white', problem: null });
  }, 120_000);

  it('a left blend of 25 %: luminance rises monotonically across the band, following the curve within 2 %, then stays flat', async () => {
    // 480 of the screen's 1920 layout units; gamma 1 so that code values follow the curve itself.
    await command({ type: 'screen.pattern', screenId: SCREEN, pattern: 'white' });
    await command({ type: 'screen.output', screenId: SCREEN, reset: true, blend: { left: 480, gamma: 1, power: 2 } });
    // (Not the pin any more: white from 30 % of the width on; black at the very left.)
    const img = await until_('the blend', (i) => columns(i)[0]! < 5 && columns(i)[Math.round(i.width * 0.3)]! > 250);
    const cols = columns(img);
    const band = Math.round(img.width * 0.25);
    for (let x = 1; x < band; x++) expect(cols[x]!, `column ${x} is darker than column ${x - 1}`).toBeGreaterThanOrEqual(cols[x - 1]! - 0.5);
    const samples = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => Math.floor(f * band));
    const errors = samples.map((x) => Math.abs(cols[x]! / 255 - blendCurve((x + 0.5) / band, 2)));
    console.log(`[projection e2e] blend: |measured − curve| at columns ${samples.join(', ')}: ${errors.map((e) => (e * 100).toFixed(2)).join(', ')} %`);
    for (const e of errors) expect(e).toBeLessThan(0.02);
    expect(Math.min(...cols.slice(band + 1))).toBeGreaterThan(250);
    expect(Math.max(...cols.slice(band + 1)) - Math.min(...cols.slice(band + 1))).toBeLessThan(2);
  }, 120_000);

  it('a piece playing with the same corner-pin: the left half is black, the piece on the right', async () => {
    await command({ type: 'screen.output', screenId: SCREEN, reset: true, corners: RIGHT_HALF });
    await command({ type: 'screen.pattern', screenId: SCREEN, pattern: 'none' });
    await until(async () => (await outputOf(page))?.pattern === null, 'the pattern to go', 90_000);
    await playOn(app, page, 'canopy', 'prism-field', 5);
    const img = await until_('the piece through the pin', (i) => {
      const c = columns(i);
      return c[0]! < 3 && mean(c.slice(i.width / 2 + 1)) !== mean(c.slice(0, i.width / 2 - 1)) && new Set(c.slice(i.width / 2 + 1).map((v) => Math.round(v))).size > 3;
    });
    const cols = columns(img);
    const half = img.width / 2;
    expect(Math.max(...cols.slice(0, half - 1)), 'the left half shows something').toBeLessThan(3);
    const right = cols.slice(half + 1);
    console.log(`[projection e2e] piece through the pin: left max ${Math.max(...cols.slice(0, half - 1)).toFixed(1)}, right mean ${mean(right).toFixed(1)}`);
    expect(Math.max(...right) - Math.min(...right), 'the right half is uniform: no piece').toBeGreaterThan(5);
    expect(await outputOf(page)).toMatchObject({ identity: false, pattern: null });
  }, 180_000);

  it('the panel: dragging a corner sends screen.output and the screen follows; arrows nudge; undo goes back', async () => {
    await command({ type: 'screen.output', screenId: SCREEN, reset: true });
    await command({ type: 'screen.pattern', screenId: SCREEN, pattern: 'white' });
    const panel = (await openPage(browser, `${app.url}/control#output`, { width: 1000, height: 900 })).page;
    await panel.getByTestId('signin-token').fill(ADMIN);
    await panel.getByTestId('signin-token').press('Enter');
    await panel.getByTestId('tab-output').click();
    await panel.getByTestId('output-screen').selectOption(SCREEN);
    const pad = panel.getByTestId('corner-pad');
    const box = (await pad.boundingBox())!;
    // The pad shows the screen's rect (1920×1080) with a margin of 8 % of its larger side all round.
    const m = 1920 * 0.08, scale = box.width / (1920 + 2 * m);
    const at = (x: number, y: number) => [box.x + (m + x * 1920) * scale, box.y + (m + y * 1080) * scale] as const;
    await panel.mouse.move(...at(0, 0));
    await panel.mouse.down();
    await panel.mouse.move(...at(0.25, 0), { steps: 5 });
    await panel.mouse.move(...at(0.5, 0), { steps: 5 });
    await panel.mouse.up();
    const corners = () => app.store.get().screens[SCREEN]!.output?.corners;
    await until(() => Math.abs((corners()?.[0][0] ?? 0) - 0.5) < 0.01 && Math.abs(corners()?.[0][1] ?? 1) < 0.01, 'the dragged corner to be saved');
    expect(corners()?.[3]).toEqual([0, 1]);
    await panel.getByTestId('output-status').filter({ hasText: 'saved' }).waitFor();
    // The screen follows: the top-left triangle is black, the rest white.
    await until_('the screen to follow the drag', (i) => lum(i, 10, 10) < 5 && lum(i, 30, i.height - 10) > 250 && lum(i, i.width - 10, 10) > 250);
    // One arrow press moves the chosen corner one unit of the rect to the right; undo brings it back.
    const x0 = corners()![0][0];
    await panel.getByTestId('output-pad').focus();
    await panel.keyboard.press('ArrowRight');
    await until(() => Math.abs(corners()![0][0] - (x0 + 1 / 1920)) < 1e-6, 'the nudge');
    await panel.getByTestId('output-undo').click();
    await until(() => Math.abs(corners()![0][0] - x0) < 1e-6, 'the undo');
    await panel.close();
    await command({ type: 'screen.output', screenId: SCREEN, reset: true, corners: RIGHT_HALF });
  }, 180_000);

  it('the panel: a grid point and a mask point dragged send screen.output live, and the screen follows; undo, add, remove, clear', async () => {
    await command({ type: 'screen.output', screenId: SCREEN, reset: true });
    await command({ type: 'screen.pattern', screenId: SCREEN, pattern: 'white' });
    const panel = (await openPanel(browser, `${app.url}/control#output`, { width: 1000, height: 900 })).page;
    await panel.getByTestId('tab-output').click();
    await panel.getByTestId('output-screen').selectOption(SCREEN);
    // A 3×3 grid: its middle point (index 4) sits at the centre of the picture.
    await panel.getByTestId('grid-cols').selectOption('3');
    await panel.getByTestId('grid-point-8').waitFor();
    // The pad shows the screen's rect (1920×1080) with a margin of 8 % of its larger side all round;
    // measured before each drag (a click below it may have scrolled the page).
    const m = 1920 * 0.08;
    let box = (await panel.getByTestId('corner-pad').boundingBox())!;
    const at = (x: number, y: number) => {
      const scale = box.width / (1920 + 2 * m);
      return [box.x + (m + x * 1920) * scale, box.y + (m + y * 1080) * scale] as const;
    };
    const output = () => app.store.get().screens[SCREEN]!.output;
    const near = (p: readonly number[] | undefined, x: number, y: number, tol = 0.01) => !!p && Math.abs(p[0]! - x) < tol && Math.abs(p[1]! - y) < tol;

    await panel.mouse.move(...at(0.5, 0.5));
    await panel.mouse.down();
    await panel.mouse.move(...at(0.55, 0.5), { steps: 4 });
    // Live: the point reaches the server (and the projector) before the finger lifts.
    await until(() => (output()?.grid?.points[4]?.[0] ?? 0) > 0.52, 'the grid point to reach the server while dragging');
    await panel.mouse.move(...at(0.6, 0.45), { steps: 4 });
    await panel.mouse.up();
    await until(() => near(output()?.grid?.points[4], 0.6, 0.45), 'the dragged grid point to be saved');
    const identity = [[0, 0], [0.5, 0], [1, 0], [0, 0.5], [0.5, 0.5], [1, 0.5], [0, 1], [0.5, 1], [1, 1]];
    expect(output()?.grid).toMatchObject({ cols: 3, rows: 3 });
    expect(output()!.grid!.points.filter((_, i) => i !== 4)).toEqual(identity.filter((_, i) => i !== 4));
    await panel.getByTestId('output-status').filter({ hasText: 'saved' }).waitFor();
    // The screen follows: its output stage applies that grid.
    await until(async () => near((await outputOf(page))?.grid?.points[4], 0.6, 0.45), 'the screen to apply the grid');
    // Undo: the grid as it was before the drag (the identity, which the show keeps as no grid).
    await panel.getByTestId('output-undo').click();
    await until(() => output()?.grid === undefined, 'the undo of the grid drag');
    await until(async () => (await outputOf(page))?.grid === undefined, 'the screen to drop the grid');

    // The mask: start with the whole screen, drag its top-right point to the middle of the top edge.
    await panel.getByTestId('output-mode-mask').click();
    await panel.getByTestId('mask-start').click();
    await until(() => output()?.mask?.length === 4, 'the mask to start');
    await panel.getByTestId('mask-point-1').waitFor();
    await panel.getByTestId('corner-pad').scrollIntoViewIfNeeded();
    box = (await panel.getByTestId('corner-pad').boundingBox())!;
    await panel.mouse.move(...at(1, 0));
    await panel.mouse.down();
    await panel.mouse.move(...at(0.75, 0), { steps: 4 });
    await panel.mouse.move(...at(0.5, 0), { steps: 4 });
    await panel.mouse.up();
    await until(() => near(output()?.mask?.[1], 0.5, 0), 'the dragged mask point to be saved');
    expect(output()?.mask).toEqual([[0, 0], output()!.mask![1], [1, 1], [0, 1]]);
    await until(async () => near((await outputOf(page))?.mask?.[1], 0.5, 0), 'the screen to apply the mask');
    // On the screen: outside the polygon (the top-right corner) black; inside white.
    await until_('the mask on the screen', (i) => lum(i, i.width - 4, 4) < 5 && lum(i, 10, i.height - 10) > 250 && lum(i, i.width - 10, i.height - 10) > 250);
    // A tap near the bottom edge adds a point there; Remove takes it out again; Clear drops the mask.
    await panel.mouse.click(...at(0.3, 0.97));
    await until(() => output()?.mask?.length === 5 && near(output()?.mask?.[3], 0.3, 0.97), 'the added mask point');
    await panel.getByTestId('mask-remove').click();
    await until(() => output()?.mask?.length === 4, 'the removed mask point');
    await panel.getByTestId('mask-clear').click();
    await until(() => output()?.mask === undefined, 'the mask to be cleared');
    await until(async () => (await outputOf(page))?.mask === undefined, 'the screen to drop the mask');
    await panel.close();
    await command({ type: 'screen.output', screenId: SCREEN, reset: true, corners: RIGHT_HALF });
  }, 180_000);

  it('keeps its settings across a restart of the server', async () => {
    await command({ type: 'screen.pattern', screenId: SCREEN, pattern: 'white' });
    const dataDir = app.dataDir;
    await app.close();
    // The old page stays on the old server's address (the new one listens elsewhere): it would only
    // take frames from the new page and, in the next test, from the screen of no wall.
    await page.close();
    app = await startServer({ staticDir: STATIC_DIR, dataDir });
    expect(app.store.get().screens[SCREEN]).toMatchObject({ output: { corners: RIGHT_HALF }, pattern: 'white' });
    const again = (await openPage(browser, screenUrl(app, SCREEN))).page;
    await waitFrames(again, 3);
    const img = await until_('the pin and the pattern after the restart', (i) => columns(i)[0]! < 5 && columns(i)[i.width - 1]! > 250, again);
    expect(Math.abs(edgeOf(columns(img)) - img.width / 2)).toBeLessThanOrEqual(1);
    await again.close();
  }, 180_000);
});

describe('a screen in no wall', () => {
  it('shows its test pattern whole, through its output stage (a projector is calibrated before it joins a wall)', async () => {
    // Its page is open while it plays in its wall; then it is taken out of the wall (to calibrate it apart).
    const LONE = 'main-3';
    const lone = (await openPage(browser, screenUrl(app, LONE))).page;
    await until(async () => (await outputOf(lone))?.identity === true, 'the stage to report its output stage', 90_000);
    await command({ type: 'screen.assign', screenId: LONE, wallId: null });
    const note = lone.getByTestId('no-wall-note');
    await note.waitFor(); // it says so, while no pattern is on
    await command({ type: 'screen.pattern', screenId: LONE, pattern: 'white' });
    await until(async () => (await outputOf(lone))?.pattern === 'white', 'the pattern to reach the stage', 90_000);
    const full = await until_('the white pattern on a screen with no wall', (img) => mean(columns(img)) > 250, lone);
    expect(Math.min(...columns(full))).toBeGreaterThan(250);
    await command({ type: 'screen.output', screenId: LONE, corners: RIGHT_HALF });
    const img = await until_('the corner-pin on a screen with no wall', (i) => columns(i)[0]! < 5 && columns(i)[i.width - 1]! > 250, lone);
    expect(Math.abs(edgeOf(columns(img)) - img.width / 2)).toBeLessThanOrEqual(1);
    // Nothing is drawn over the pattern: every pixel of the left half is black (the note would be there).
    let brightest = 0;
    for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width / 2 - 1; x++) brightest = Math.max(brightest, lum(img, x, y));
    expect(brightest, 'something is drawn over the pattern').toBeLessThan(5);
    expect(await note.count()).toBe(0);
    await command({ type: 'screen.pattern', screenId: LONE, pattern: 'grid' });
    await until(async () => (await outputOf(lone))?.pattern === 'grid', 'the grid pattern', 90_000);
    await until_('the grid pattern on a screen with no wall', (i) => columns(i)[0]! < 5 && new Set(columns(i).slice(i.width / 2 + 2).map((v) => Math.round(v / 16))).size > 2, lone);
    await command({ type: 'screen.pattern', screenId: LONE, pattern: 'none' });
    await note.waitFor(); // the note again, once the pattern is off
    await lone.close();
  }, 180_000);
});
