/**
 * The sound guard (client/host/sound-guard.ts) on a real screen: a sounding screen whose process
 * gets no CPU while its sound plays has its sound shed for a probe; when the page then gets its
 * time back, the sound stays shed (its audio context suspended, the piece given no sound runtime),
 * and the screen says so in its health, which GET /api/show and the panel show.
 *
 * The starvation is real for the page: its renderer processes are stopped (SIGSTOP) nine seconds
 * in ten and a half, as real-time audio threads taking the cores would hold them, so the guard's worker ticks
 * come late; once the guard probes (its health says so) they run free again. One screen, main-1
 * (it plays the wall's sound), with canopy (a synthesised forest).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { launch, openPage, waitFrames } from '../support/browser';
import { STATIC_DIR, playOn, screenUrl, stageFrame } from '../support/stage';
import type { App } from '../../server/app';
import type { ScreenStatus } from '../../protocol';

const PIECE = 'canopy';

// Every audio context the stage makes, for the test to read its state.
const KEEP_CONTEXTS = `if (location.pathname === '/stage') {
  const w = window;
  w.__contexts = [];
  const Native = w.AudioContext;
  w.AudioContext = class extends Native { constructor(...a) { super(...a); w.__contexts.push(this); } };
}`;

let app: App;
let browser: Browser;
let page: Page;
let renderers: number[] = [];

const soundOf = async (): Promise<ScreenStatus['sound']> => {
  const res = await api(app, 'GET', '/api/show');
  return (res.body as unknown as { screens: ScreenStatus[] }).screens.find((s) => s.id === 'main-1')?.sound;
};
const contexts = async () => (await stageFrame(page)).evaluate(() => ((window as unknown as { __contexts: AudioContext[] }).__contexts ?? []).map((c) => c.state));

function signal(sig: 'SIGSTOP' | 'SIGCONT'): void {
  for (const pid of renderers) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone: nothing to stop
    }
  }
}

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR, playLeadMs: 100 });
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 480, height: 270 } });
  await context.addInitScript({ content: KEEP_CONTEXTS });
  page = (await openPage(context, screenUrl(app, 'main-1'))).page; // main-1 plays the wall's sound
  await waitFrames(page, 5);
  const cdp = await browser.newBrowserCDPSession();
  const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number }> };
  renderers = info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
}, 180_000);

afterAll(async () => {
  signal('SIGCONT');
  await browser?.close();
  await app?.close();
});

describe('the sound guard', () => {
  it('sheds the sound of a screen starved while it plays, once the screen gets its time back without it, and reports it', async () => {
    expect(renderers.length).toBeGreaterThan(0);
    await playOn(app, page, 'main', PIECE, 5);
    // The guard runs on the sounding screen and reports through its health.
    const before = await until(async () => {
      const s = await soundOf();
      return s?.state === 'playing' ? s : null;
    }, "the screen's health to carry its sound guard", 60_000);
    expect(before.sheds).toBe(0);
    expect(await contexts()).toContain('running');

    // Starved: stopped nine seconds in ten and a half (a fifth of its time), until the guard probes.
    // The guard's verdict comes from the page (its health, once a second while it runs): looked for
    // while it runs, and once more while it is stopped (the server keeps the last report).
    let probing = false;
    const deadline = Date.now() + 120_000;
    while (!probing && Date.now() < deadline) {
      signal('SIGSTOP');
      await new Promise((r) => setTimeout(r, 9000));
      signal('SIGCONT');
      const t = Date.now();
      while (!probing && Date.now() - t < 1500) {
        probing = (await soundOf())?.state === 'probing';
        if (!probing) await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(probing, 'the guard probed the starved screen').toBe(true);

    // Free again: without its sound the page has its time: shed, and said so.
    const shed = await until(async () => {
      const s = await soundOf();
      return s?.state === 'shed' ? s : null;
    }, 'the guard to hold the sound shed', 30_000);
    expect(shed.sheds).toBe(1);
    expect(shed.backInS).toBeGreaterThan(0);
    expect(await contexts()).not.toContain('running');
    await waitFrames(page, 5); // the picture goes on
  });
});
