import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, api, startServer } from '../support/server';
import { launch } from '../support/browser';
import { STATIC_DIR } from '../support/stage';
import type { App } from '../../server/app';

/*
 * The landing page tells the truth about the show (issue 19, truthful surfaces): the walls it
 * lists are the show's own, a new wall's visitor page appears there, and screen addresses (they
 * carry the screens' keys) appear only for a signed-in technician.
 */

let app: App;
let browser: Browser;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  const res = await api(app, 'POST', '/api/commands', { type: 'wall.create', wallId: 'foyer', name: 'Foyer wall' });
  if (res.status !== 200) throw new Error(`wall.create refused: ${JSON.stringify(res.body)}`);
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const linksIn = (page: import('playwright-core').Page, testId: string) =>
  page.locator(`[data-testid="${testId}"] a`).evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));

describe('the landing page', () => {
  it('lists every wall of the show with its visitor page, and no screen address to a visitor', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await page.getByText('Foyer wall').waitFor();
    const walls = await linksIn(page, 'walls');
    expect(walls.sort()).toEqual(Object.keys(app.store.get().walls).map((id) => `/visit/${id}`).sort());
    expect(walls).toContain('/visit/foyer');
    await page.getByText('sign in to the control panel').waitFor();
    const screens = await linksIn(page, 'screens');
    expect(screens).toEqual(['/control']);
    expect(await page.content()).not.toMatch(/[?&]key=/);
    await context.close();
  });

  it('a signed-in technician also gets each paired screen’s address', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    // Signing in as the panel does: POST /api/session sets the session cookie.
    const signed = await page.evaluate(async (token) => (await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })).status, ADMIN);
    expect(signed).toBe(200);
    await page.reload();
    const paired = Object.values(app.store.get().screens).filter((s) => s.key);
    expect(paired.length).toBeGreaterThan(0);
    await page.locator('[data-testid="screens"] li').first().waitFor();
    // The view's addresses are on the public base (a LAN address): compare path and query.
    const screens = (await linksIn(page, 'screens')).map((h) => { const u = new URL(h, app.url); return u.pathname + u.search; });
    expect(screens.sort()).toEqual(paired.map((s) => { const u = new URL(app.displayUrl(s.id)!); return u.pathname + u.search; }).sort());
    await context.close();
  });
});
