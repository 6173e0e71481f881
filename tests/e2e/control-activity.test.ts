/**
 * The activity log and notices in the panel (issue 19): an action confirms its success, the Log
 * view lists it with who sent it, and a change the panel did not make (the schedule's closing)
 * raises a notice with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer } from '../support/server';
import { launch, openPanel } from '../support/browser';
import { STATIC_DIR } from '../support/stage';
import { actingAs } from '../../server/activity/actor';
import type { App } from '../../server/app';

let app: App;
let browser: Browser;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('control panel: activity', () => {
  it('confirms an action, lists it in the log with its sender, and shows why the schedule changed the show', async () => {
    const { page, context, consoleErrors } = await openPanel(browser, `${app.url}/control`, { width: 1200, height: 800 });
    await page.getByTestId('master-blackout').click();
    await page.getByTestId('confirmation').filter({ hasText: '✓ Blackout' }).waitFor();
    expect(app.store.get().blackout).toBe(true);
    // Undo, for a few seconds: itself a command (the log shows both).
    await page.getByTestId('undo').click();
    await page.getByTestId('confirmation').filter({ hasText: 'Undo Blackout' }).waitFor();
    expect(app.store.get().blackout).toBe(false);
    // At once, without waiting for the show's mirror (sent at most 4 times a second): the button shows
    // the acknowledged state, and a click sends the right value (client/control/acked.ts).
    expect(await page.getByTestId('master-blackout').innerText()).toBe('Blackout');
    await page.getByTestId('master-blackout').click();
    await page.getByTestId('confirmation').filter({ hasText: '✓ Blackout' }).waitFor();
    expect(app.store.get().blackout).toBe(true);

    // A wall without screens says so where walls are listed.
    expect((await app.store.dispatch({ type: 'wall.create', wallId: 'empty', name: 'Empty wall' })).ok).toBe(true);
    expect((await app.store.dispatch({ type: 'wall.play', wallId: 'empty', installationId: 'canopy' })).ok).toBe(true);
    await page.getByTestId('tab-pieces').click();
    expect(await page.getByTestId('wall-no-screen-empty').innerText()).toMatch(/no screen: .* shows nowhere/);

    // The GO key works from any view (here the Screens view), once no button has the focus.
    expect(app.store.dispatch({ type: 'cue.save', cueId: 'dark', name: 'Dark', commands: [{ type: 'screen.blackout', screenId: 'main-1', on: true }] }).ok).toBe(true);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await page.getByTestId('confirmation').filter({ hasText: '✓ GO' }).waitFor();
    expect(app.store.get().screens['main-1']?.blackout).toBe(true);

    await page.getByTestId('tab-log').click();
    const entry = page.getByTestId('log-entry').filter({ hasText: 'show.blackout on' }).first();
    await entry.waitFor();
    expect(await entry.innerText()).toMatch(/panel [A-Za-z0-9_-]{6}/);
    await page.getByTestId('log-entry').filter({ hasText: 'show.blackout off' }).first().waitFor(); // the undo

    // The day schedule closes the pavilion (what the scheduler does at its closing time).
    actingAs('schedule: closing at 20:00', () => app.store.dispatch({ type: 'show.blackout', on: false }, 'schedule'));
    actingAs('schedule: closing at 20:00', () => app.store.dispatch({ type: 'show.blackout', on: true }, 'schedule'));
    await page.getByTestId('toast-warn').filter({ hasText: 'The schedule changed the show' }).filter({ hasText: 'closing at 20:00' }).first().waitFor();
    await page.getByTestId('log-source').selectOption('schedule');
    await page.getByTestId('log-entry').filter({ hasText: 'schedule: closing at 20:00' }).first().waitFor();
    expect(await page.getByTestId('log-entry').filter({ hasText: 'panel' }).count(), 'the source filter leaves the panel out').toBe(0);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
