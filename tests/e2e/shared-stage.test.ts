import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, until } from '../support/server';
import { STATIC_DIR, diag, playOn, screenUrl, serverErrors, stageFrame } from '../support/stage';
import { launch, openPage, pauseInDebugger } from '../support/browser';
import type { App } from '../../server/app';

/*
 * Two screens in one browser (a kiosk computer driving two outputs): their stages, on the one stage
 * origin, run in one shared renderer process, on one main thread. When that thread is held (here:
 * one stage paused in the debugger, which holds the whole thread; on a venue machine, an overloaded
 * one that does not schedule it), both stages go silent at once. Each page hears on its browser's
 * BroadcastChannel that the other's stage is silent too (client/display/siblings.ts), so neither
 * takes its own stage for stuck at the hung wait (45 s by default; the address's `hung=`, 20 s here):
 * both wait for the starved wait (the address's `starved=`, 30 s here), and their reports say why.
 * A screen alone in its browser whose stage stops answering is still reloaded at its hung wait
 * (tests/e2e/frozen-page.test.ts).
 */

/** The hung wait: past the siblings' 10 s of shared silence (SIBLING_SILENT_MS), with room for a late word. */
const HUNG_S = 20;
/** The starved wait: past the hung wait, so the reports can only come from the starved branch. */
const STARVED_S = 30;

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


describe('two screens of one browser, their stages in one process', () => {
  it('wait for the starved wait when their shared stage thread is held, and say that the other screen did not answer either', async () => {
    const context = await browser.newContext({ viewport: { width: 480, height: 270 } });
    const one = (await openPage(context, `${screenUrl(app, 'main-1')}&starved=${STARVED_S}&hung=${HUNG_S}`)).page;
    const two = (await openPage(context, `${screenUrl(app, 'main-2')}&starved=${STARVED_S}&hung=${HUNG_S}`)).page;
    await playOn(app, one, 'main', 'prism-field', 5);
    const plays = async (p: Page) => {
      const d = await diag(p);
      return d.installationId === 'prism-field' && d.framesRendered > 0 ? true : null;
    };
    await until(() => plays(two), 'the second screen to play', 90_000);
    const reloads: string[] = [];
    for (const p of [one, two]) p.on('console', (m) => void (/reloading the stage/.test(m.text()) && reloads.push(m.text())));
    const cdp = await context.newCDPSession(await stageFrame(one));
    await pauseInDebugger(cdp);
    const reportOf = (screenId: string) => until(async () => (await serverErrors(app, screenId)).find((e) => e.phase === 'frame') ?? null, `${screenId}'s report`, STARVED_S * 1000 + 60_000);
    const [first, second] = await Promise.all([reportOf('main-1'), reportOf('main-2')]);
    for (const r of [first, second]) {
      expect(r.message).toMatch(/^the stage did not answer for \d+ s, while 1 other screen of this browser, whose stages share its process, did not answer either \(an overloaded machine or GPU\)/);
      expect(r.message).not.toMatch(/stopped answering/);
      expect(Number(/did not answer for (\d+) s/.exec(r.message)![1])).toBeGreaterThanOrEqual(STARVED_S);
    }
    await cdp.send('Debugger.resume').catch(() => undefined); // that stage's document may be gone already
    // Both stages come back and play.
    for (const p of [one, two]) await until(() => plays(p), 'the stages to play again', 90_000);
    expect(reloads.length).toBeGreaterThan(0);
  }, 240_000);
});
