import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { launch, openPage } from '../support/browser';
import { packFixture, upload } from '../support/pieces';
import { STATIC_DIR, diag, screenUrl, serverErrors, stageFrame } from '../support/stage';
import type { App } from '../../server/app';

/*
 * The render-stall watchdog (issue 12): a stage whose render loop stops while it has something to
 * show is reloaded by the screen page, and the panel is told. The fixture stops r3f's loop a
 * second into its run, as a hung driver would, without throwing. A second screen (its own
 * Chromium) whose page is given no animation frames stands for a starved browser (software GL on
 * an overloaded machine): its stage is not reloaded at 10 s, only at its starved wait (60 s by
 * default; 20 s here, through the screen address's `starved=20`, docs/display.md), and the report
 * says why. A third screen (a third Chromium) stands for a stage whose process the browser gives no
 * frames while its page is drawn (several screens' stages in one busy process): once the fixture
 * plays there, its stage's own animation frames are held back, and it too waits for its starved
 * wait, with a report that says the stage was given no frames.
 */

/** The starved screen's wait (its address's `starved=`): twice the stall wait, a third of the default. */
const STARVED_S = 20;

let app: App;
let browser: Browser;
let starved: Browser;
let shared: Browser;

beforeAll(async () => {
  const bundle = await packFixture('fixture-stalls');
  app = await startServer({ staticDir: STATIC_DIR });
  expect((await upload(app, fs.readFileSync(bundle))).status).toBe(201);
  browser = await launch();
  starved = await launch();
  shared = await launch();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await starved?.close();
  await shared?.close();
  await app?.close();
});

describe('a stalled render loop', () => {
  it('is reloaded by the screen page and reported to the panel; a starved browser\'s screen is not reloaded before its starved wait', async () => {
    const { page } = await openPage(browser, screenUrl(app, 'main-1'));
    // The starved screen: its page (not its stage, another origin) never gets an animation frame.
    const starvedContext = await starved.newContext({ viewport: { width: 480, height: 270 } });
    await starvedContext.addInitScript(() => {
      if (window.top === window) window.requestAnimationFrame = () => 0;
    });
    await openPage(starvedContext, `${screenUrl(app, 'main-2')}&starved=${STARVED_S}`);
    // The screen whose stage is given no frames once told to (its page is drawn as usual).
    const sharedContext = await shared.newContext({ viewport: { width: 480, height: 270 } });
    await sharedContext.addInitScript(() => {
      if (window.top === window) return;
      const w = window as unknown as { __holdFrames: boolean };
      w.__holdFrames = false;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => (w.__holdFrames ? 0 : raf(cb));
    });
    const sharedPage = (await openPage(sharedContext, `${screenUrl(app, 'main-3')}&starved=${STARVED_S}`)).page;
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: 'fixture-stalls' });
    expect(res.body.ok).toBe(true);
    await until(async () => ((await diag(page)).installationId === 'fixture-stalls' ? true : null), 'the screen to play the fixture', 90_000);
    await until(async () => ((await diag(sharedPage)).installationId === 'fixture-stalls' ? true : null), 'the third screen to play the fixture', 90_000);
    await (await stageFrame(sharedPage)).evaluate(() => {
      (window as unknown as { __holdFrames: boolean }).__holdFrames = true;
    });
    const stalled = await until(async () => {
      const list = await serverErrors(app, 'main-1');
      return list.find((e) => /render loop stalled/.test(e.message) && e.installationId === 'fixture-stalls') ?? null;
    }, 'the stall of the fixture to be reported', 90_000);
    expect(stalled).toMatchObject({ phase: 'frame', message: expect.stringMatching(/reloaded its stage/) });
    // The reloaded stage opened its bridge again and drew the piece again.
    await until(
      async () => (await page.evaluate(() => (window as unknown as { __pavilion: { stageOpen: boolean } }).__pavilion.stageOpen)) && (await diag(page)).framesRendered > 0,
      'the reloaded stage to render',
      90_000,
    );
    // The fixture stalls again a second into its new run: the next reload waits twice as long (the
    // backoff: reloads that keep coming come less often), and its report says so.
    const again = await until(async () => {
      const list = await serverErrors(app, 'main-1');
      return list.find((e) => /render loop stalled .*reload 2 in a row/.test(e.message)) ?? null;
    }, 'the second stall to be reported', 120_000);
    expect(again.message).toMatch(/the render loop stalled for \d+ s \(reload 2 in a row: the waits grow after each, 2× the usual now\); the screen reloaded its stage/);
    expect(Number(/stalled for (\d+) s/.exec(again.message)![1])).toBeGreaterThanOrEqual(20);
    await page.close();
    // The starved screen's stage stalled as well; it was reloaded only once its starved wait had
    // passed (the stall wait, 10 s, did not reload it), with a report that says the browser gave its
    // page no frames either (the first report it made).
    const first = await until(async () => (await serverErrors(app, 'main-2')).find((e) => e.installationId === 'fixture-stalls' && e.phase === 'frame') ?? null, "the starved screen's report", 150_000);
    expect(first.message).toMatch(/no new frame for \d+ s, while the browser gave this page only 0 of the frames it asked for/);
    expect(first.message).not.toMatch(/render loop stalled/);
    // The watchdog's own count of the seconds without a frame when it reloaded: past the starved wait.
    expect(Number(/no new frame for (\d+) s/.exec(first.message)![1])).toBeGreaterThanOrEqual(STARVED_S);
    // The third screen's stage was given no frames: starved too, not stalled, whatever its page was given.
    const held = await until(async () => (await serverErrors(app, 'main-3')).find((e) => e.installationId === 'fixture-stalls' && e.phase === 'frame') ?? null, "the third screen's report", 150_000);
    expect(held.message).toMatch(/no new frame for \d+ s, while the browser gave the stage only \d+ of the frames it asked for/);
    expect(held.message).not.toMatch(/render loop stalled/);
    expect(Number(/no new frame for (\d+) s/.exec(held.message)![1])).toBeGreaterThanOrEqual(STARVED_S);
  }, 400_000);
});
