/**
 * The sound guard (client/host/sound-guard.ts) on a real screen: a sounding screen whose process
 * gets no CPU while its sound costs its audio thread all its time has its sound shed for a probe;
 * when the page then gets its time back, the sound stays shed (its audio context suspended, the
 * piece given no sound runtime, so it releases its graph), and the screen says so in its health,
 * which GET /api/show and the panel show. A light sound on the same starved page is left alone.
 *
 * The heavy sound is real: tests/fixtures/pieces/fixture-heavy-sound grows its graph until the audio
 * thread renders it slower than real time, on whatever machine, and the guard's render meter (an
 * AudioWorklet) reads it. The starvation is real for the page: its renderer processes are stopped
 * (SIGSTOP) nine seconds in ten and a half, as real-time audio threads taking the cores would hold
 * them, so the page's ticks come late; once the guard probes (its health says so) they run free.
 * One screen, main-1 (it plays the wall's sound).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIST, api, startServer, until } from '../support/server';
import { packFixture, upload } from '../support/pieces';
import { launch, openPage, waitFrames } from '../support/browser';
import { STATIC_DIR, playOn, screenUrl, stageFrame } from '../support/stage';
import type { App } from '../../server/app';
import type { ScreenStatus } from '../../protocol';

const HEAVY = 'fixture-heavy-sound';
const LIGHT = 'canopy'; // a synthesised forest: light on the audio thread

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
const heavySound = async () => (await stageFrame(page)).evaluate(() => (window as unknown as { __heavySound?: { panners: number; behind: boolean; released: number } }).__heavySound ?? null);
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
  const res = await upload(app, fs.readFileSync(await packFixture(HEAVY)), ARTIST);
  if (res.status !== 201) throw new Error(`${HEAVY} was refused: ${JSON.stringify(res.body)}`);
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

/**
 * Starves the page (its renderers stopped nine seconds in ten and a half) until its health says
 * `until` or `seconds` pass; returns the states its health said. The guard's verdict comes from the
 * page (its health, once a second while it runs): looked for while it runs.
 */
async function starve(stopAt: (state: string | undefined) => boolean, seconds: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    signal('SIGSTOP');
    await new Promise((r) => setTimeout(r, 9000));
    signal('SIGCONT');
    const t = Date.now();
    while (Date.now() - t < 1500) {
      const state = (await soundOf())?.state;
      if (state) seen.add(state);
      if (stopAt(state)) return seen;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return seen;
}

describe('the sound guard', () => {
  it('leaves the light sound of a starved page alone', async () => {
    expect(renderers.length).toBeGreaterThan(0);
    await playOn(app, page, 'main', LIGHT, 5);
    const before = await until(async () => {
      const s = await soundOf();
      return s?.state === 'playing' && s.load !== undefined ? s : null;
    }, "the screen's health to carry its sound guard and its audio thread's load", 60_000);
    expect(before.sheds).toBe(0);
    expect(before.load).toBeLessThan(0.5);
    const seen = await starve((state) => state !== undefined && state !== 'playing', 45);
    expect([...seen]).toEqual(['playing']);
    expect(await contexts()).toContain('running');
  });

  it('sheds the sound of a screen starved while its sound takes all its audio thread, once the screen gets its time back without it, and reports it', async () => {
    const shedBefore = (await soundOf())?.sheds ?? 0;
    await playOn(app, page, 'main', HEAVY, 5);
    await until(async () => (await heavySound())?.behind === true, 'the fixture to grow its sound graph past real time', 120_000);
    // Starved until the guard probes (or, on a machine with few cores, has already shed it).
    const seen = await starve((state) => state === 'probing' || state === 'shed', 120);
    expect([...seen].some((s) => s === 'probing' || s === 'shed'), 'the guard probed the starved screen').toBe(true);

    // Free again: without its sound the page has its time: shed, and said so.
    const shed = await until(async () => {
      const s = await soundOf();
      return s?.state === 'shed' ? s : null;
    }, 'the guard to hold the sound shed', 30_000);
    expect(shed.sheds).toBe(shedBefore + 1);
    expect(shed.backInS).toBeGreaterThan(0);
    expect(await contexts()).not.toContain('running');
    // The piece got no sound runtime: it released its graph.
    await until(async () => ((await heavySound())?.released ?? 0) >= 1, 'the piece to release its sound graph');
    await waitFrames(page, 5); // the picture goes on
  });
});
