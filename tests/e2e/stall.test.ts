import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { launch, openPage } from '../support/browser';
import { packFixture, upload } from '../support/pieces';
import { STATIC_DIR, diag, screenUrl, serverErrors } from '../support/stage';
import type { App } from '../../server/app';

/*
 * The render-stall watchdog (issue 12): a stage whose render loop stops while it has something to
 * show is reloaded by the screen page, and the panel is told. The fixture stops r3f's loop a
 * second into its run, as a hung driver would, without throwing.
 */

let app: App;
let browser: Browser;

beforeAll(async () => {
  const bundle = await packFixture('fixture-stalls');
  app = await startServer({ staticDir: STATIC_DIR });
  expect((await upload(app, fs.readFileSync(bundle))).status).toBe(201);
  browser = await launch();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('a stalled render loop', () => {
  it('is reloaded by the screen page and reported to the panel', async () => {
    const { page } = await openPage(browser, screenUrl(app, 'main-1'));
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: 'fixture-stalls' });
    expect(res.body.ok).toBe(true);
    await until(async () => ((await diag(page)).installationId === 'fixture-stalls' ? true : null), 'the screen to play the fixture', 90_000);
    const stalled = await until(async () => {
      const list = await serverErrors(app, 'main-1');
      return list.find((e) => /render loop stalled/.test(e.message) && e.installationId === 'fixture-stalls') ?? null;
    }, 'the stall of the fixture to be reported', 90_000);
    expect(stalled).toMatchObject({ phase: 'frame', message: expect.stringMatching(/reloaded its stage/) });
    // The reloaded stage opened its bridge again and drew the piece again.
    await until(
      async () => (await page.evaluate(() => (window as unknown as { __pavilion: { stageOpen: boolean } }).__pavilion.stageOpen)) && (await diag(page)).framesRendered > 0,
      'the reloaded stage to render',
      90_000,
    );
    await page.close();
  }, 300_000);
});
