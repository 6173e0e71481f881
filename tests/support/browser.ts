import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium';
import { ADMIN as ADMIN_TOKEN } from './server';

export { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/lib/chromium';

/** Headless Debian Chromium with the kiosk flags (scripts/lib/chromium.ts). */
export const launch = (): Promise<Browser> => launchChromium();

/**
 * A page that records console errors and refuses every request that is not to localhost, so a
 * piece that reaches for a CDN fails the test.
 */
export async function openPage(browser: Browser | BrowserContext, url: string, viewport = { width: 480, height: 270 }) {
  const context = 'newContext' in browser ? await browser.newContext({ viewport }) : browser;
  const page: Page = await context.newPage();
  if (!('newContext' in browser)) await page.setViewportSize(viewport);
  const consoleErrors: string[] = [];
  const external: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (['localhost', '127.0.0.1', '[::1]'].includes(u.hostname) || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
    external.push(u.href);
    return route.abort();
  });
  // Not 'load': that waits for the stage frame too, whose three.js boot takes long on a starved
  // software renderer; tests wait for what they need (frames, a test id) themselves.
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  return { page, context, consoleErrors, external };
}

/** A screen opened in a Chromium of its own (`openScreens`). */
export type OwnScreen = Awaited<ReturnType<typeof openPage>> & { browser: Browser };

/**
 * The screens at `urls`, each in a Chromium process of its own, as a real wall has one browser per
 * screen: tabs of one browser share one GPU process and one stage thread and starve each other
 * (docs/operations.md). Launched and opened at once, in order. `close` closes every browser
 * launched, also when opening one of them failed (then the error is thrown after).
 */
export async function openScreens(urls: string[], viewport = { width: 480, height: 270 }): Promise<{ screens: OwnScreen[]; close: () => Promise<void> }> {
  const browsers: Browser[] = [];
  const close = async () => {
    await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
  };
  const opened = await Promise.allSettled(
    urls.map(async (url) => {
      const browser = await launch();
      browsers.push(browser);
      return { ...(await openPage(browser, url, viewport)), browser };
    }),
  );
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { screens: opened.map((o) => (o as PromiseFulfilledResult<OwnScreen>).value), close };
}

/** Waits (polling in the page) until the screen has rendered `frames` more frames. */
export async function waitFrames(page: Page, frames = 30, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => typeof (window as unknown as { __pavilion?: unknown }).__pavilion === 'object', undefined, { timeout });
  const start = await page.evaluate(() => (window as unknown as { __pavilion: { framesRendered: number } }).__pavilion.framesRendered);
  await page.waitForFunction((n) => (window as unknown as { __pavilion: { framesRendered: number } }).__pavilion.framesRendered >= n, start + frames, { timeout, polling: 50 });
}

/** Opens the control panel at `url` in a context of its own and signs in with the technician token. */
export async function openPanel(browser: Browser, url: string, viewport = { width: 1200, height: 800 }) {
  const opened = await openPage(browser, url, viewport);
  await opened.page.getByTestId('signin-token').fill(ADMIN_TOKEN);
  await opened.page.getByTestId('signin-token').press('Enter');
  return opened;
}

/** Pauses a target's JavaScript in the debugger at its next statement; resolves once it is paused. */
export async function pauseInDebugger(cdp: CDPSession): Promise<void> {
  const paused = new Promise<void>((resolve) => cdp.once('Debugger.paused', () => resolve()));
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  await paused;
}
