import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { startServer, until } from '../support/server';
import { STATIC_DIR, pictureOf, screenUrl, stageFrame } from '../support/stage';
import { launch, openPage } from '../support/browser';
import type { App } from '../../server/app';

/**
 * A VR station's adaptive quality (docs/vr.md, "Keeping the headset's rate"), in Chromium with an
 * emulated headset (iwer, `&xr=emulate`), 480×270, its own process. The emulator's test hook sets
 * the rate the station judges its XR frames against: far above what any machine draws (frames
 * slow), the station steps down its ladder to the last level (a smaller framebuffer, then the
 * piece's quality) and still draws the forest; far below it (frames with headroom), it steps back
 * up to the full framebuffer. Asserts the levels `window.__pavilion.xr.quality` reports and the
 * framebuffer the emulated session draws into, never a time.
 */
interface Quality {
  level: number;
  levels: number;
  scale: number;
  framebufferScale: number | null;
  framebuffer: [number, number] | null;
  piece: 'low' | 'medium' | 'high';
  fps: number | null;
  target: number | null;
  changes: number;
}
interface XrSeen {
  presenting: boolean;
  frames: number;
  quality?: Quality;
}
const xrOf = async (page: Page): Promise<XrSeen> => {
  const x = await page.evaluate(() => (window as unknown as { __pavilion: { xr: XrSeen | null } }).__pavilion.xr);
  if (!x) throw new Error('window.__pavilion.xr is null on a VR station');
  return x;
};
const qualityOf = async (page: Page): Promise<Quality> => {
  const q = (await xrOf(page)).quality;
  if (!q) throw new Error('window.__pavilion.xr.quality is missing: the station has no adaptive quality');
  return q;
};
/** The rate the station judges its frames against (the emulator's hook in the stage frame); null: the session's own. */
const targetRate = (stage: Frame, hz: number | null) =>
  stage.evaluate((hz) => (window as unknown as { __pavilionXr: { targetRate(hz: number | null): void } }).__pavilionXr.targetRate(hz), hz);
/** The emulated session's framebuffer: iwer draws into the page's canvas. */
const canvasSize = (stage: Frame) =>
  stage.evaluate(() => {
    const c = document.querySelector('canvas')!;
    return [c.width, c.height] as [number, number];
  });

let app: App;
let browser: Browser;
let page: Page;
let stage: Frame;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR, playLeadMs: 800 });
  browser = await launch();
  page = (await openPage(browser, `${screenUrl(app, 'vr-1')}&xr=emulate`)).page;
  stage = await stageFrame(page);
  // Judged against a rate no machine reaches from the first frame on (the canopy piece plays on `vr`).
  await until(async () => stage.evaluate(() => typeof (window as unknown as { __pavilionXr?: unknown }).__pavilionXr === 'object'), 'the emulator', 90_000);
  await targetRate(stage, 100_000);
  await stage.getByTestId('enter-vr').click({ timeout: 90_000 });
  await until(async () => (await xrOf(page)).presenting, 'the station to present', 60_000);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("a VR station's adaptive quality", () => {
  it('steps down to its last level while its frames fall behind: a smaller framebuffer, the lowest piece quality, still drawing', async () => {
    const first = await qualityOf(page);
    const q = await until(async () => {
      const v = await qualityOf(page);
      return v.level === v.levels - 1 && v.framebufferScale === v.scale ? v : null;
    }, 'the station to step down to its last level', 120_000);
    expect(q.changes).toBeGreaterThan(first.changes);
    expect(q.scale).toBeLessThan(0.5);
    expect(q.piece).toBe('low');
    expect(q.target).toBe(100_000);
    expect(q.fps).not.toBeNull();
    // The session draws into a framebuffer of that scale: the emulated headset's (the window's 480×270) at 0.35.
    await until(async () => {
      const [w, h] = await canvasSize(stage);
      return w === Math.round(480 * q.scale) && h === Math.round(270 * q.scale);
    }, 'the emulated framebuffer at the last level', 30_000);
    expect((await qualityOf(page)).framebuffer).toEqual([Math.round(480 * q.scale), Math.round(270 * q.scale)]);
    // Still the forest, in the session: frames go on, and the picture is not black.
    const frames = (await xrOf(page)).frames;
    await until(async () => (await xrOf(page)).frames >= frames + 5, 'five more XR frames at the last level', 60_000);
    expect((await pictureOf(page)).stddev).toBeGreaterThan(3);
  });

  it('steps back up to the full framebuffer when its frames have headroom', async () => {
    const low = await qualityOf(page);
    await targetRate(stage, 1);
    const q = await until(async () => {
      const v = await qualityOf(page);
      return v.level === 0 && v.framebufferScale === 1 ? v : null;
    }, 'the station to step back up to level 0', 120_000);
    expect(q.changes).toBeGreaterThan(low.changes);
    expect(q.scale).toBe(1);
    await until(async () => {
      const [w, h] = await canvasSize(stage);
      return w === 480 && h === 270;
    }, 'the emulated framebuffer at full size', 30_000);
    expect((await xrOf(page)).presenting).toBe(true);
  });
});
