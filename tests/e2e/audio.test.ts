/**
 * Sound on a display: a piece switched off while its synth still has notes scheduled ahead, and
 * disposed at once, leaves no error behind on the screen (Tone.js 15 used to throw a stray
 * InvalidAccessError from its timers when those notes' oscillators ended; client/host/tone-fixes.ts).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTIST, startServer, until } from '../support/server';
import { launch, openPage, waitFrames } from '../support/browser';
import { packFixture, upload } from '../support/pieces';
import { STATIC_DIR, diag, playOn, screenUrl, stageFrame } from '../support/stage';
import type { App } from '../../server/app';

const FIXTURE = 'fixture-late-voice';
const ROUNDS = 3;

let app: App;
let browser: Browser;
let screen: Awaited<ReturnType<typeof openPage>>;

interface LateVoice {
  notes: number;
  lastEnd: number;
  now: () => number;
}
// The piece sets window.__lateVoice in its own window: the stage frame's.
const lateVoice = async () =>
  (await stageFrame(screen.page)).evaluate(() => {
    const v = (window as unknown as { __lateVoice?: LateVoice }).__lateVoice;
    return v ? { notes: v.notes, lastEnd: v.lastEnd, now: v.now() } : null;
  });

beforeAll(async () => {
  const bundle = await packFixture(FIXTURE);
  app = await startServer({ staticDir: STATIC_DIR, playLeadMs: 100 });
  const res = await upload(app, fs.readFileSync(bundle), ARTIST);
  if (res.status !== 201) throw new Error(`${FIXTURE} was refused: ${JSON.stringify(res.body)}`);
  browser = await launch();
  screen = await openPage(browser, screenUrl(app, 'main-1')); // main-1 plays the wall's sound
  await waitFrames(screen.page, 5);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('sound on a display', () => {
  it('a synth disposed with notes still scheduled raises no error, on this piece or the next', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await (await stageFrame(screen.page)).evaluate(() => void ((window as unknown as { __lateVoice?: unknown }).__lateVoice = undefined));
      await playOn(app, screen.page, 'main', FIXTURE, 0);
      const playing = await until(async () => {
        const v = await lateVoice();
        return v && v.notes >= 10 ? v : null;
      }, 'the fixture to schedule notes');
      await playOn(app, screen.page, 'main', 'prism-field', 0);
      // The notes scheduled before the switch end on the audio clock; their oscillators' stop
      // callbacks run on Tone's timer just after.
      const { lastEnd } = await until(async () => {
        const v = await lateVoice();
        return v && v.notes >= playing.notes && v.now > v.lastEnd + 0.3 ? v : null;
      }, 'the scheduled notes to end');
      expect(lastEnd).toBeGreaterThan(0);
      await waitFrames(screen.page, 5);
    }
    const d = await diag(screen.page);
    expect(d.installationId).toBe('prism-field');
    expect(d.errors).toEqual([]);
    expect(screen.consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
