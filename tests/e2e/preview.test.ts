import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, until } from '../support/server';
import { launch, openPage } from '../support/browser';
import { packFixture, upload } from '../support/pieces';
import { STATIC_DIR } from '../support/stage';
import { decodePng, variety } from '../support/image';
import type { App } from '../../server/app';

interface PreviewDiag {
  framesRendered: number;
  ready: boolean;
  failed: boolean;
  errors: Array<{ phase: string; message: string; installationId: string | null }>;
  screens: string[];
}
const state = (page: Page) =>
  page.evaluate(() => {
    const d = (window as unknown as { __pavilionPreview: PreviewDiag }).__pavilionPreview;
    return { framesRendered: d.framesRendered, ready: d.ready, failed: d.failed, errors: d.errors, screens: d.screens };
  });

let app: App;
let browser: Browser;
let glow: string;
let broken: string;

beforeAll(async () => {
  glow = await packFixture('fixture-glow');
  broken = await packFixture('fixture-throws-frame');
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('/preview/<id>', () => {
  it('shows an uploaded piece alone, with its params, a fake visitor that reaches the piece, and a 3×1 span', async () => {
    expect((await upload(app, fs.readFileSync(glow))).status).toBe(201);
    const { page, consoleErrors, external } = await openPage(browser, `${app.url}/preview/fixture-glow`, { width: 1100, height: 620 });
    await until(async () => (await state(page)).ready, 'the piece to load');
    await until(async () => (await state(page)).framesRendered > 10, 'frames');
    expect(await page.locator('section[aria-label=Params] .field').count()).toBe(3); // hue, quality, broken-asset
    // The piece runs in the stage frame (the sandbox, on the stage origin), not in this page.
    expect(await page.locator('canvas').count()).toBe(0);
    const frame = page.frames().find((f) => new URL(f.url()).pathname === '/stage')!;
    expect(Number(new URL(frame.url()).port)).toBe(app.stagePort);
    // The fake visitor's lantern appears where the pad is dragged.
    const stage = page.locator('iframe.stage-frame');
    const before = variety(decodePng(await stage.screenshot()));
    const pad = page.locator('.pad').first();
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5);
    await page.mouse.up();
    await until(async () => variety(decodePng(await stage.screenshot())).colours > before.colours, 'the visitor to show on the stage');
    // Span: three simulated screens in one window.
    await page.getByText('span a 3×1 wall').click();
    await until(async () => (await state(page)).screens.length === 3, 'three simulated screens');
    const frames = (await state(page)).framesRendered;
    await until(async () => (await state(page)).framesRendered > frames + 10, 'frames on the wall');
    expect((await state(page)).errors).toEqual([]);
    expect(consoleErrors.filter((e) => !/favicon|404/.test(e))).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it('a broken piece falls back in the preview too, with its error listed', async () => {
    expect((await upload(app, fs.readFileSync(broken))).status).toBe(201);
    const { page } = await openPage(browser, `${app.url}/preview/fixture-throws-frame`, { width: 1100, height: 620 });
    await until(async () => (await state(page)).failed, 'the piece to fail');
    const s = await state(page);
    expect(s.errors[0]).toMatchObject({ phase: 'frame', installationId: 'fixture-throws-frame' });
    await until(async () => (await page.locator('section[aria-label=Errors] details').count()) > 0, 'the error in the panel');
    const frames = s.framesRendered;
    await until(async () => (await state(page)).framesRendered > frames + 10, 'the preview to keep rendering');
    await page.close();
  });

  it('an unknown id says what to do', async () => {
    const { page } = await openPage(browser, `${app.url}/preview/no-such-piece`);
    const text = await until(async () => (await page.locator('[role=alert]').count()) && page.locator('[role=alert]').innerText(), 'the message');
    expect(text).toMatch(/no piece 'no-such-piece'[\s\S]*npm run new-piece/);
    await page.close();
  });
});
