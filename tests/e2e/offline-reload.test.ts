import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { launch, waitFrames } from '../support/browser';
import { STATIC_DIR, diag, screenUrl } from '../support/stage';
import type { App } from '../../server/app';

/*
 * A screen reloaded while the server is down plays its last piece (issue 12): the display page
 * and its stage frame come from their origins' service workers, the view and the clock offset
 * from the page's storage. Chromium on 127.0.0.1 (a secure context over plain HTTP). No request
 * routing: a routed page's requests would bypass the workers.
 */

let app: App | null = null;
let browser: Browser;
let page: Page;

const stageFrame = (p: Page): Frame | undefined => p.frames().find((f) => new URL(f.url()).pathname === '/stage');
const controlled = (f: Page | Frame) => f.evaluate(() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller));

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 480, height: 270 } });
  page = await context.newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('a screen without its server', () => {
  it('reloaded while the server is down, renders its last piece', async () => {
    const res = await api(app!, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: 'canopy' });
    expect(res.body.ok).toBe(true);
    await page.goto(screenUrl(app!, 'main-1').replace('://localhost', '://127.0.0.1'));
    await until(async () => ((await diag(page)).installationId === 'canopy' ? true : null), 'the screen to play canopy', 90_000);
    await waitFrames(page, 10);
    // Both origins' workers installed (precache done) and in control.
    await until(async () => ((await controlled(page)) ? true : null), 'the display page to be controlled by its worker', 90_000);
    await until(async () => {
      const f = stageFrame(page);
      return f && (await controlled(f)) ? true : null;
    }, 'the stage frame to be controlled by its worker', 90_000);

    await app!.close();
    app = null;
    await page.reload();
    await until(async () => ((await diag(page)).installationId === 'canopy' ? true : null), 'the reloaded screen to play canopy without its server', 90_000);
    await waitFrames(page, 20);
    const d = await diag(page);
    expect(d.errors.filter((e) => e.phase === 'load')).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pavilion: { connected: boolean } }).__pavilion.connected)).toBe(false);
    // Nothing technical in front of the public.
    expect(await page.locator('body').innerText()).not.toMatch(/server|reconnect|offline/i);
  }, 300_000);
});
