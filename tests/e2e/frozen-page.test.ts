import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, until } from '../support/server';
import { STATIC_DIR, diag, playOn, screenUrl, serverErrors, stageFrame } from '../support/stage';
import { launch, openPage, pauseInDebugger } from '../support/browser';
import { GPU_BUSY_MS } from '../../client/display/stall';
import type { App } from '../../server/app';

/*
 * A screen whose machine stops for a while (asleep, suspended, its processes descheduled on a
 * starved machine) must not reload its stage when it comes back: the stage did not stop answering,
 * its page was not there to hear it. Both the screen page and its stage (another process: the stage
 * origin) are paused in the debugger for longer than the hung wait (45 s by default; 15 s here,
 * through the screen address's `hung=15`, docs/display.md), then let go together. The page's
 * watchdog counts the time its own timer was late as time it was away (client/display/stall.ts
 * frozenMs), so the stage plays on, unreloaded, and nothing is reported.
 * The stage alone paused that long (its thread stuck, its page running) is still reloaded. A stage
 * silent while its page is short of frames too (a starved browser: another Chromium whose page is
 * given no animation frames) is not taken for stuck: it waits for its starved wait (the address's
 * `starved=`, 25 s here), and the report says why. Nor is a stage silent after its own draws fell
 * seconds behind in the GPU's queue (a third screen whose stage's fences never pass: its
 * `gpuLagMs` grows, the page's own probe passes at once), which can hold its frame's commit.
 */

/** Every screen's hung wait (its address's `hung=`; the default is 45 s). */
const HUNG_S = 15;
const HUNG_MS = HUNG_S * 1000;
/** The starved screens' wait: past the hung wait, so their reports can only come from the starved branch. */
const STARVED_S = 25;

let app: App;
let browser: Browser;
let page: Page;
let starved: Browser;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
  page = (await openPage(browser, `${screenUrl(app, 'main-1')}&hung=${HUNG_S}`)).page;
  starved = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await starved?.close();
  await app?.close();
});

describe('a screen whose machine stopped for a while', () => {
  it('does not reload its stage for the time its own page was frozen', async () => {
    await playOn(app, page, 'main', 'prism-field', 5);
    const reloads: string[] = [];
    page.on('console', (m) => {
      if (/reloading the stage/.test(m.text())) reloads.push(m.text());
    });
    const stage = await stageFrame(page);
    const pageCdp = await page.context().newCDPSession(page);
    const stageCdp = await page.context().newCDPSession(stage);
    await Promise.all([pauseInDebugger(pageCdp), pauseInDebugger(stageCdp)]);
    await new Promise((r) => setTimeout(r, HUNG_MS + 5000));
    await Promise.all([stageCdp.send('Debugger.resume'), pageCdp.send('Debugger.resume')]);
    const after = (await diag(page)).framesRendered;
    // It draws on: the same stage (its frame count goes on from where it was), for a few seconds.
    await until(async () => (await diag(page)).framesRendered > after + 30, 'the stage to draw on after the pause', 60_000);
    expect(reloads, 'the screen page reloaded its stage').toEqual([]);
    expect((await serverErrors(app, 'main-1')).filter((e) => e.phase === 'frame')).toEqual([]);
  }, 180_000);

  it('still reloads a stage that stopped answering while its page ran, and says so; a starved page\'s silent stage waits for its starved wait', async () => {
    // The starved screen: its page (not its stage, another origin) never gets an animation frame.
    const starvedContext = await starved.newContext({ viewport: { width: 480, height: 270 } });
    await starvedContext.addInitScript(() => {
      if (window.top === window) window.requestAnimationFrame = () => 0;
    });
    const other = (await openPage(starvedContext, `${screenUrl(app, 'main-2')}&starved=${STARVED_S}&hung=${HUNG_S}`)).page;
    // The third screen: its page is drawn as usual, but in its stage (not the page: its own probe
    // must pass) no fence ever passes, as when the GPU is far behind on the stage's draws.
    const laggingContext = await starved.newContext({ viewport: { width: 480, height: 270 } });
    await laggingContext.addInitScript(() => {
      if (window.top === window) return;
      const pending = WebGL2RenderingContext.prototype.UNSIGNALED;
      const real = WebGL2RenderingContext.prototype.getSyncParameter;
      WebGL2RenderingContext.prototype.getSyncParameter = function (this: WebGL2RenderingContext, sync: WebGLSync, pname: GLenum) {
        return pname === this.SYNC_STATUS ? pending : real.call(this, sync, pname);
      } as typeof real;
    });
    const lagging = (await openPage(laggingContext, `${screenUrl(app, 'main-3')}&starved=${STARVED_S}&hung=${HUNG_S}`)).page;
    await until(async () => ((await diag(other)).installationId === 'prism-field' && (await diag(other)).framesRendered > 0 ? true : null), 'the starved screen to play', 90_000);
    const lagOf = (p: Page) => p.evaluate(() => (window as unknown as { __pavilion: { gpuLagMs: number | null } }).__pavilion.gpuLagMs);
    await until(async () => ((await diag(lagging)).installationId === 'prism-field' && ((await lagOf(lagging)) ?? 0) >= GPU_BUSY_MS + 1000 ? true : null), 'the third screen to play, its stage\'s fences pending', 90_000);
    // The first screen's stage keeps up with its draws: it says so, a figure well under the busy mark.
    await until(async () => {
      const lag = await lagOf(page);
      return lag !== null && lag < GPU_BUSY_MS ? true : null;
    }, "the first screen's stage to report its GPU lag", 30_000);
    const stage = await stageFrame(page);
    const stageCdp = await page.context().newCDPSession(stage);
    const otherCdp = await starvedContext.newCDPSession(await stageFrame(other));
    const laggingCdp = await laggingContext.newCDPSession(await stageFrame(lagging));
    await Promise.all([pauseInDebugger(stageCdp), pauseInDebugger(otherCdp), pauseInDebugger(laggingCdp)]);
    const report = await until(
      async () => (await serverErrors(app, 'main-1')).find((e) => e.phase === 'frame' && /stopped answering/.test(e.message)) ?? null,
      'the hung stage to be reported',
      HUNG_MS + 60_000,
    );
    expect(report.message).toMatch(/the stage stopped answering for \d+ s \(the browser drew this page meanwhile[^)]*\); the screen reloaded its stage/);
    expect(report.message, 'its page was not frozen').not.toMatch(/frozen/);
    await stageCdp.send('Debugger.resume').catch(() => undefined); // that stage's document is gone already
    await until(async () => (await diag(page)).framesRendered > 0 && (await diag(page)).installationId === 'prism-field', 'the reloaded stage to play again', 90_000);
    // The starved screen's stage, paused as long and longer, was reloaded only past its starved wait,
    // and its report says its page was given no frames either.
    const starvedReport = await until(
      async () => (await serverErrors(app, 'main-2')).find((e) => e.phase === 'frame') ?? null,
      "the starved screen's report",
      STARVED_S * 1000 + 60_000,
    );
    expect(starvedReport.message).toMatch(/the stage did not answer for \d+ s, while the browser gave this page only 0 of the frames it asked for/);
    expect(starvedReport.message).not.toMatch(/stopped answering/);
    expect(Number(/did not answer for (\d+) s/.exec(starvedReport.message)![1])).toBeGreaterThanOrEqual(STARVED_S);
    await otherCdp.send('Debugger.resume').catch(() => undefined);
    // The third screen's stage, paused with its draws behind: not hung at its hung wait, only past its
    // starved wait, and the report gives the stage's own lag (its page was drawn, its probe passed).
    const lagReport = await until(
      async () => (await serverErrors(app, 'main-3')).find((e) => e.phase === 'frame') ?? null,
      "the lagging screen's report",
      STARVED_S * 1000 + 60_000,
    );
    expect(lagReport.message).toMatch(/the stage did not answer for \d+ s, while the GPU was \d+\.\d s behind on the stage's own draws at its last answer/);
    expect(lagReport.message).not.toMatch(/stopped answering/);
    expect(Number(/did not answer for (\d+) s/.exec(lagReport.message)![1])).toBeGreaterThanOrEqual(STARVED_S);
    await laggingCdp.send('Debugger.resume').catch(() => undefined);
  }, 240_000);
});
