import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ShowView } from '../../protocol';
import { systemTime } from '../../server/clock/time';
import type { App } from '../../server/app';
import { api, startServer, until } from '../support/server';
import { STATIC_DIR, screenUrl } from '../support/stage';
import { launch, openPage, waitFrames } from '../support/browser';

/**
 * A screen's clock pings go to the clock responder (issue 20; docs/sync.md): `__pavilion.clock.path`
 * says so, and so does the panel's view of the screen. With the responder stopped, the screen falls
 * back to socket.io and stays synced; started again, the screen comes back to it.
 */

/** The show clock runs this far ahead of the machine's: a screen that never synced shows it. */
const SHIFT = 54_321.125;

interface ClockDiag {
  path: string | null;
  synced: boolean;
  now(): number;
}

/** The show time the server reads (it runs in this process). */
const showTime = () => systemTime() + SHIFT;

/**
 * The screen's path, and its error against the server's own clock, read around the page's answer:
 * the estimate must fall between the server's time just before and just after it. The truth is not
 * the page's own clock plus SHIFT: this process fixed its epoch when it started, the page when it
 * loaded, and a wall-clock step between the two (CI once saw 9.4 s) would read as the screen's error.
 * Of a few reads, the one with the narrowest bracket counts.
 */
async function clockOf(page: Page) {
  let best: { path: string | null; synced: boolean; errorMs: number; widthMs: number } | null = null;
  for (let i = 0; i < 12 && !(best && best.widthMs < 2); i++) {
    const before = showTime();
    const c = await page.evaluate(() => {
      const k = (window as unknown as { __pavilion: { clock: ClockDiag } }).__pavilion.clock;
      return { path: k.path, synced: k.synced, est: k.now() };
    });
    const after = showTime();
    const errorMs = c.est < before ? before - c.est : c.est > after ? c.est - after : 0;
    if (!best || after - before < best.widthMs) best = { path: c.path, synced: c.synced, errorMs, widthMs: after - before };
  }
  return best!;
}

/** The path the panel shows for the screen (its health reports, once a second). */
async function panelPath(screenId: string): Promise<string | null> {
  const show = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
  return show.screens.find((s) => s.id === screenId)?.clockPath ?? null;
}

let app: App;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR, time: showTime });
  browser = await launch();
  page = (await openPage(browser, screenUrl(app, 'main-1'))).page;
  await waitFrames(page, 3);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the screen clock path', () => {
  it('uses the responder, falls back to socket.io while it is stopped, and comes back', async () => {
    const onResponder = await until(async () => {
      const c = await clockOf(page);
      return c.synced && c.path === 'responder' ? c : null;
    }, 'the screen to sync over the responder', 30_000);
    expect(onResponder.errorMs, `synced over the responder (read within ${onResponder.widthMs.toFixed(1)} ms)`).toBeLessThan(5);
    await until(async () => (await panelPath('main-1')) === 'responder', 'the panel to show the responder path', 30_000);

    await app.clock!.stop();
    const fallback = await until(async () => {
      const c = await clockOf(page);
      return c.path === 'socketio' ? c : null;
    }, 'the fallback to socket.io', 30_000);
    expect(fallback.synced).toBe(true);
    await until(async () => (await clockOf(page)).errorMs < 5 || null, 'synced over socket.io', 30_000);
    await until(async () => (await panelPath('main-1')) === 'socketio', 'the panel to show the socket.io path', 30_000);

    await app.clock!.start();
    await until(async () => (await clockOf(page)).path === 'responder' || null, 'the return to the responder', 30_000);
    await until(async () => (await clockOf(page)).errorMs < 5 || null, 'synced over the responder again', 30_000);
    await until(async () => (await panelPath('main-1')) === 'responder', 'the panel to show the responder again', 30_000);
  }, 180_000);
});
