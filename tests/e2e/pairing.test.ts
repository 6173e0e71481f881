/**
 * Pairing in Chromium (issue 11, item 2): a screen opened with its key plays; one opened without
 * shows its code, and plays once a technician approves the code in the real control panel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, startServer, until } from '../support/server';
import { launch, openPage, waitFrames } from '../support/browser';
import { STATIC_DIR, diag, screenUrl } from '../support/stage';
import type { App } from '../../server/app';

let app: App;
let browser: Browser;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR, playLeadMs: 250 });
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('pairing in Chromium', () => {
  it('a paired screen plays', async () => {
    const screen = await openPage(browser, screenUrl(app, 'main-1'));
    const piece = app.store.get().walls.main!.installationId;
    expect(piece).not.toBe(null);
    await until(async () => (await diag(screen.page)).installationId === piece, `main-1 to play ${piece}`, 60_000);
    await waitFrames(screen.page, 5);
    expect(await screen.page.getByTestId('pairing').count()).toBe(0);
    expect(screen.consoleErrors).toEqual([]);
    await screen.context.close();
  });

  it('an unpaired screen shows its code, and plays once the code is approved in the panel', async () => {
    const screen = await openPage(browser, `${app.url}/display?screen=lobby-1`);
    const shown = screen.page.getByTestId('pairing');
    await shown.waitFor();
    const code = await shown.getAttribute('data-code');
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect((await screen.page.getByTestId('pairing-code').innerText()).replace(/\s/g, '')).toBe(code);
    expect((await diag(screen.page)).installationId).toBe(null);
    expect(app.store.get().screens['lobby-1']).toBeUndefined();

    // The technician signs in, finds the code under Waiting to pair, and approves it on wall canopy.
    const panel = await openPage(browser, `${app.url}/control`, { width: 1100, height: 800 });
    const token = panel.page.getByTestId('signin-token');
    await token.fill(ADMIN);
    await token.press('Enter');
    const card = panel.page.getByTestId(`pending-${code}`);
    await card.waitFor({ timeout: 30_000 });
    expect(await panel.page.getByTestId(`pair-id-${code}`).inputValue()).toBe('lobby-1');
    await panel.page.getByTestId(`pair-wall-${code}`).selectOption('canopy');
    await panel.page.getByTestId(`approve-${code}`).click();

    const piece = app.store.get().walls.canopy!.installationId;
    await until(async () => (await diag(screen.page)).installationId === piece, `lobby-1 to play ${piece} after the approval`, 60_000);
    await waitFrames(screen.page, 5);
    expect(await screen.page.getByTestId('pairing').count()).toBe(0);
    expect(app.store.get().screens['lobby-1']).toMatchObject({ wallId: 'canopy' });
    // The page stored its key: opened again without one in the address, it plays at once.
    const stored = await screen.page.evaluate(() => localStorage.getItem('pavilion.display.lobby-1'));
    expect(JSON.parse(stored ?? 'null')).toEqual({ screenId: 'lobby-1', key: app.store.get().screens['lobby-1']!.key });
    await screen.page.reload();
    await until(async () => (await diag(screen.page)).installationId === piece, 'lobby-1 to play again after a reload', 60_000);
    // The panel lists it among the screens, online, with its address.
    await panel.page.locator('[data-testid="screen-lobby-1"][data-connected="true"]').waitFor({ timeout: 30_000 });
    expect(await panel.page.getByTestId(`pending-${code}`).count()).toBe(0);
    expect(screen.consoleErrors).toEqual([]);
    expect(screen.external).toEqual([]);
  });
});
