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
 * The first to reach it reloads its stage, which can release the held thread: the other stage then
 * answers again and plays on without a reload (in about a third of the runs here). A screen alone
 * in its browser whose stage stops answering is still reloaded at its hung wait
 * (tests/e2e/frozen-page.test.ts).
 */

/**
 * Whether the stages of two screens run on one thread, as Chromium gives the stages of one browser
 * (one stage origin) one process: `a`'s stage holds its thread for 2 s while `b`'s stage counts its
 * longest gap between 20-ms ticks.
 */
async function shareThread(a: Page, b: Page): Promise<boolean> {
  const [sa, sb] = await Promise.all([stageFrame(a), stageFrame(b)]);
  await sb.evaluate(() => {
    const w = window as unknown as { __gap: number; __gapTimer: number };
    let last = performance.now();
    w.__gap = 0;
    w.__gapTimer = window.setInterval(() => {
      const now = performance.now();
      w.__gap = Math.max(w.__gap, now - last);
      last = now;
    }, 20);
  });
  await sa.evaluate(() => {
    const t = performance.now();
    while (performance.now() - t < 2000) {
      /* holds this stage's thread */
    }
  });
  await new Promise((r) => setTimeout(r, 200));
  const gap = await sb.evaluate(() => {
    const w = window as unknown as { __gap: number; __gapTimer: number };
    clearInterval(w.__gapTimer);
    return w.__gap;
  });
  console.info(`shared-stage: while main-1's stage held its thread 2 s, main-2's stage's longest tick gap was ${Math.round(gap)} ms`);
  return gap >= 1500;
}

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
    const open = async (id: string) => (await openPage(context, `${screenUrl(app, id)}&starved=${STARVED_S}&hung=${HUNG_S}`)).page;
    const one = await open('main-1');
    const two = await open('main-2');
    const pages = [one, two];
    await playOn(app, one, 'main', 'prism-field', 5);
    const plays = async (p: Page) => {
      const d = await diag(p);
      return d.installationId === 'prism-field' && d.framesRendered > 0 ? true : null;
    };
    await until(() => plays(two), 'the second screen to play', 90_000);
    // The case needs the two stages on one thread (what Chromium gives the stages of one browser).
    expect(await shareThread(one, two), "main-2's stage ran on while main-1's held its thread: Chromium gave them separate processes").toBe(true);
    const reloads: string[] = [];
    for (const p of pages) p.on('console', (m) => void (/reloading the stage/.test(m.text()) && reloads.push(m.text())));
    const cdp = await context.newCDPSession(await stageFrame(one));
    await pauseInDebugger(cdp);
    const reports = () => Promise.all(['main-1', 'main-2'].map(async (id) => (await serverErrors(app, id)).find((e) => e.phase === 'frame') ?? null));
    // The first screen to reach its starved wait reloads its stage. That can release the shared
    // thread (the held document goes with the reload), and then the other stage answers again
    // before its own wait is over, and needs no reload. So: a report from one screen, then either
    // one from the other too, or the other's stage drawing on without one.
    await until(async () => ((await reports()).some(Boolean) ? true : null), 'a screen to report its silent stage', STARVED_S * 1000 + 60_000);
    const framesAt = await Promise.all(pages.map(async (p) => (await diag(p)).framesRendered));
    const seen = await until(
      async () => {
        const r = await reports();
        if (r.every(Boolean)) return r;
        const quiet = r.findIndex((x) => x === null);
        return (await diag(pages[quiet]!)).framesRendered > framesAt[quiet]! + 30 ? r : null;
      },
      'the other screen to report too, or to draw on',
      STARVED_S * 1000 + 60_000,
    );
    console.info(`shared-stage: reports from ${seen.map((r, i) => (r ? `main-${i + 1}` : null)).filter(Boolean).join(' and ')}`);
    for (const r of seen) {
      if (!r) continue;
      expect(r.message).toMatch(/^the stage did not answer for \d+ s, while 1 other screen of this browser, whose stages share its process, did not answer either \(an overloaded machine or GPU\)/);
      expect(r.message).not.toMatch(/stopped answering/);
      expect(Number(/did not answer for (\d+) s/.exec(r.message)![1])).toBeGreaterThanOrEqual(STARVED_S);
    }
    await cdp.send('Debugger.resume').catch(() => undefined); // that stage's document may be gone already
    // Both stages come back and play.
    for (const p of pages) await until(() => plays(p), 'the stages to play again', 90_000);
    expect(reloads.length).toBeGreaterThan(0);
  }, 240_000);
});
