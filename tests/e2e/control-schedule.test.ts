/**
 * The schedule in the panel (issue 19, part 5): hours per weekday, dated exceptions, the next event
 * with its reason, and the time zone next to the times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer } from '../support/server';
import { launch, openPanel } from '../support/browser';
import { STATIC_DIR } from '../support/stage';
import { localTime, nextDay } from '../../protocol';
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

describe('control panel: schedule', () => {
  it('edits weekday hours and a dated exception, and says what comes next and why', async () => {
    const zone = 'Asia/Tokyo';
    const today = localTime(Date.now(), zone).day;
    const tomorrow = nextDay(today);
    // Open all day long except tomorrow, a holiday: the next event is the day after's opening (00:00).
    const base = { enabled: true, timezone: zone, opening: '00:00', closing: '23:59', attract: {}, entries: [], exceptions: [{ date: tomorrow, hours: null, note: 'Holiday' }] };
    expect(app.store.dispatch({ type: 'schedule.set', schedule: base }).ok).toBe(true);

    const { page, context, consoleErrors } = await openPanel(browser, `${app.url}/control#schedule`, { width: 1200, height: 900 });
    await page.getByTestId('tab-schedule').click();
    const next = page.getByTestId('schedule-next');
    await next.waitFor();
    expect(await next.innerText()).toMatch(/Closing \(blackout\).* at 23:59 \(Asia\/Tokyo\)/);
    expect(await page.getByTestId('schedule-exceptions').innerText()).toContain(tomorrow);

    await page.getByTestId('weekday-wed').selectOption('closed');
    await page.getByTestId('weekday-sat').selectOption('own');
    await page.getByTestId('weekday-sat-opening').fill('12:00');
    const later = nextDay(nextDay(tomorrow));
    await page.getByTestId('exception-date').fill(later);
    await page.getByTestId('exception-add').click();
    await page.getByTestId('schedule-save').click();
    await page.getByTestId('confirmation').filter({ hasText: 'Schedule' }).waitFor();
    const saved = app.store.get().schedule;
    expect(saved.days).toEqual({ wed: null, sat: { opening: '12:00', closing: '23:59' } });
    expect(saved.exceptions?.map((e) => e.date).sort()).toEqual([tomorrow, later].sort());
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
