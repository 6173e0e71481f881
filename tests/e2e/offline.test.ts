import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIST, startServer } from '../support/server';
import { launch } from '../support/browser';
import { packFixture, upload } from '../support/pieces';
import { STATIC_DIR, screenUrl } from '../support/stage';
import type { App } from '../../server/app';

/*
 * Offline play (docs/operations.md): the screens' service worker keeps a screen's page, its code,
 * the fonts of /assets and the pieces it played, so the screen survives the server going away.
 * Chromium on 127.0.0.1, a secure context over plain HTTP.
 */

let app: App | null = null;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** What a fetch from the page got: its status, or 'network error' when nothing answered. */
const fetchFrom = (p: Page, urls: string[], init: { method?: string } = {}) =>
  p.evaluate(
    async ({ urls, init }) =>
      Promise.all(
        urls.map(async (u) => {
          try {
            const res = await fetch(u, { ...init, cache: 'no-store' });
            return `${res.status}`;
          } catch {
            return 'network error';
          }
        }),
      ),
    { urls, init },
  );

beforeAll(async () => {
  const glow = await packFixture('fixture-glow');
  app = await startServer({ staticDir: STATIC_DIR });
  const res = await upload(app, fs.readFileSync(glow), ARTIST);
  if (res.status !== 201) throw new Error(`upload of fixture-glow refused: ${JSON.stringify(res.body)}`);
  browser = await launch();
  // No request routing here: a routed page's requests would not show what the worker answers.
  context = await browser.newContext({ viewport: { width: 480, height: 270 } });
  page = await context.newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('offline play in Chromium', () => {
  it('serves /sw.js uncached, allowed to control the whole origin', async () => {
    const res = await fetch(`${app!.url}/sw.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('service-worker-allowed')).toBe('/');
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toContain('/display');
  });

  it('a screen controlled by the worker keeps its page, code, fonts and pieces when the server is gone, and no API answer', async () => {
    const url = screenUrl(app!, 'canopy-1');
    await page.goto(url);
    // The lead's display page calls registerOffline() (client/shared/offline.ts); the same registration here.
    await page.evaluate(() => navigator.serviceWorker.register('/sw.js?page=display', { scope: '/', updateViaCache: 'none' }).then(() => undefined));
    // Controlled (clientsClaim) only once activated, which is after the precache is complete.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });

    const chunk = await page.evaluate(() => document.querySelector<HTMLScriptElement>('script[type="module"][src^="/static/"]')?.getAttribute('src') ?? null);
    expect(chunk).toMatch(/^\/static\/.+\.js$/);
    const font = '/assets/fonts/space-grotesk/space-grotesk-latin-400-normal.woff2';
    const piece = '/pieces/fixture-glow/1.0.0/module.js';
    const urls = ['/display', `/display?screen=canopy-1`, chunk!, '/runtime/three.js', font, piece, '/api/health', '/api/stage'];
    // Online: everything answers; the piece file is cached on the way (cache first).
    expect(await fetchFrom(page, urls)).toEqual(urls.map(() => '200'));
    // The worker answers first and stores after: wait until both runtime caches hold their copy,
    // or closing the server at once could race the store.
    await page.waitForFunction(
      async (wanted) => (await Promise.all(wanted.map((u) => caches.match(u)))).every((r) => r !== undefined),
      [piece, '/api/stage'],
      { timeout: 30_000 },
    );

    await app!.close();
    app = null;
    expect(await fetchFrom(page, [piece])).toEqual(['200']);
    const offline = await fetchFrom(page, urls);
    expect(Object.fromEntries(urls.map((u, i) => [u, offline[i]]))).toEqual({
      '/display': '200',
      '/display?screen=canopy-1': '200',
      [chunk!]: '200',
      '/runtime/three.js': '200',
      [font]: '200',
      [piece]: '200',
      '/api/health': 'network error', // never cached
      '/api/stage': '200', // network first, then the copy cached online
    });
    expect(await fetchFrom(page, ['/api/commands'], { method: 'POST' })).toEqual(['network error']);
    expect(await fetchFrom(page, ['/api/show', '/socket.io/?EIO=4&transport=polling'])).toEqual(['network error', 'network error']);

    // The page itself, reloaded with the server down: its precached copy, by the worker.
    const reloaded = await page.reload({ waitUntil: 'domcontentloaded' });
    expect(reloaded?.status()).toBe(200);
    expect(reloaded?.fromServiceWorker()).toBe(true);
    expect(await page.evaluate(() => document.querySelector('script[type="module"][src^="/static/"]') !== null)).toBe(true);
  });

  // The full scenario (a screen reloaded while the server is down renders its last piece, through
  // both origins' workers) is tests/e2e/offline-reload.test.ts.
});
