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

/** The screen's path, and its error against the truth (its own clock + SHIFT, on the same machine). */
const clockOf = (page: Page) =>
  page.evaluate((shift) => {
    const c = (window as unknown as { __pavilion: { clock: ClockDiag } }).__pavilion.clock;
    const a = performance.timeOrigin + performance.now();
    const est = c.now();
    const b = performance.timeOrigin + performance.now();
    return { path: c.path, synced: c.synced, errorMs: Math.abs(est - ((a + b) / 2 + shift)) };
  }, SHIFT);

/** The path the panel shows for the screen (its health reports, once a second). */
async function panelPath(screenId: string): Promise<string | null> {
  const show = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
  return show.screens.find((s) => s.id === screenId)?.clockPath ?? null;
}

let app: App;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR, time: () => systemTime() + SHIFT });
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
    expect(onResponder.errorMs, 'synced over the responder').toBeLessThan(5);
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
