/**
 * The sounding screen's audio work around a warm switch (issue 13): a piece is warmed off-screen
 * before its start with its sound graph complete (its reverb's impulse response set: the SDK's bus
 * declares it with `sound.waitFor`), and the first notes after its start are scheduled during the
 * warm-up (the show-time scheduler's pre-roll), so the switch frame builds no audio node.
 *
 * One screen, main-1 (it plays the wall's sound), Chromium with software WebGL. The fixture piece
 * (tests/fixtures/pieces/fixture-slow-reverb) has a 15 s reverb and a note every 50 ms of piece
 * time from its start. An init script in the stage frame counts the native audio nodes created
 * (BaseAudioContext's create… methods) and connected (AudioNode.connect), and records, at the
 * start of each animation frame, those counts, whether the fixture's reverb was ready, and what
 * the host said (its last warm-up, its last switch): what a frame's callbacks changed is seen at
 * the next frame's start.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIST, api, startServer, until } from '../support/server';
import { launch, openPage, waitFrames } from '../support/browser';
import { packFixture, upload } from '../support/pieces';
import { STATIC_DIR, diag, playOn, screenUrl, stageFrame } from '../support/stage';
import type { App } from '../../server/app';
import { reverbSeconds } from '../../sdk/sound-bus';

const FIXTURE = 'fixture-slow-reverb';
const BEFORE = 'prism-field'; // no sound: whatever audio work the switch brings is the fixture's

/** One record per animation frame: [rAF time, nodes created, connects, reverb ready, fixture warm, switched to the fixture]. */
type Rec = [number, number, number, boolean, boolean, boolean];

const RECORD_AUDIO = `if (location.pathname === '/stage') {
  const w = window;
  w.__audioWork = { creates: 0, connects: 0 };
  w.__audioFrames = [];
  const proto = w.BaseAudioContext ? w.BaseAudioContext.prototype : w.AudioContext.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (!name.startsWith('create') || name === 'createBuffer' || name === 'createPeriodicWave') continue;
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (!d || typeof d.value !== 'function') continue;
    const own = d.value;
    proto[name] = function (...a) { w.__audioWork.creates++; return own.apply(this, a); };
  }
  // The impulse responses set on convolvers (the SDK bus's reverb), in seconds.
  w.__convolverSeconds = [];
  const bd = Object.getOwnPropertyDescriptor(w.ConvolverNode.prototype, 'buffer');
  Object.defineProperty(w.ConvolverNode.prototype, 'buffer', { configurable: true, enumerable: bd.enumerable,
    get() { return bd.get.call(this); },
    set(v) { if (v) w.__convolverSeconds.push(v.duration); bd.set.call(this, v); } });
  const connect = w.AudioNode.prototype.connect;
  w.AudioNode.prototype.connect = function (...a) { w.__audioWork.connects++; return connect.apply(this, a); };
  // Registered before the stage's own loop, so it runs first in each frame.
  const loop = (t) => {
    const d = w.__pavilion;
    const r = w.__slowReverb;
    w.__audioFrames.push([t, w.__audioWork.creates, w.__audioWork.connects, !!(r && r.ready),
      !!(d && d.lastWarm && d.lastWarm.installationId === '${FIXTURE}'), !!(d && d.lastSwitch && d.lastSwitch.installationId === '${FIXTURE}')]);
    if (w.__audioFrames.length > 20000) w.__audioFrames.splice(0, 10000);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}`;

let app: App;
let browser: Browser;
let page: Page;

const stage = async () => stageFrame(page);
const records = async (): Promise<Rec[]> => (await stage()).evaluate(() => (window as unknown as { __audioFrames: Rec[] }).__audioFrames.slice());

beforeAll(async () => {
  const bundle = await packFixture(FIXTURE);
  app = await startServer({ staticDir: STATIC_DIR });
  const res = await upload(app, fs.readFileSync(bundle), ARTIST);
  if (res.status !== 201) throw new Error(`${FIXTURE} was refused: ${JSON.stringify(res.body)}`);
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 480, height: 270 } });
  await context.addInitScript({ content: RECORD_AUDIO });
  page = (await openPage(context, screenUrl(app, 'main-1'))).page; // main-1 plays the wall's sound
  await waitFrames(page, 5);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the sounding screen around a switch', () => {
  it('warms a piece only once its reverb is ready, and builds no audio node in the switch frame or the next', async () => {
    await playOn(app, page, 'main', BEFORE, 5);
    // A start far enough ahead for a cold warm-up (module, mount, compile, sound graph, reverb).
    const at = (await diag(page)).now + 20_000;
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: FIXTURE, at });
    expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
    await until(async () => {
      const d = await diag(page);
      return d.lastSwitch?.installationId === FIXTURE && d.lastSwitch.showTime >= at;
    }, `the screen to switch to ${FIXTURE}`, 90_000);
    await waitFrames(page, 5);

    const recs = await records();
    const first = (i: number) => recs.findIndex((r) => r[i]);
    const rel = (i: number) => (i < 0 ? 'never' : `${(recs[i]![0] - recs[Math.max(0, first(5))]![0]).toFixed(0)} ms`);
    console.log(`[audio-warm e2e] from the switch frame: reverb ready seen ${rel(first(3))}, warm-up seen ${rel(first(4))}; ${recs.length} frames recorded`);
    const sound = await (await stage()).evaluate(() => (window as unknown as { __slowReverb?: { built: number; ready: boolean; notes: number } }).__slowReverb ?? null);
    expect(sound, 'the fixture built its sound graph (this screen plays sound)').not.toBeNull();
    expect(sound!.ready, 'its reverb is ready').toBe(true);
    expect(sound!.notes, 'its scheduler played notes').toBeGreaterThan(0);
    const warm = (await (await stage()).evaluate(() => (window as unknown as { __pavilion: { lastWarm: unknown } }).__pavilion.lastWarm)) as { installationId: string; lateMs: number | null; adopted?: boolean } | null;
    expect(warm, 'its warm-up').toMatchObject({ installationId: FIXTURE });
    expect(warm!.adopted, 'a first play: mounted, not adopted').toBeUndefined();
    expect(warm!.lateMs, 'it switched before its warm-up finished').not.toBeNull();

    // Marked warm (host.warmed, in the frame before the first record that shows it) only after its
    // reverb was ready: the reverb was ready at that frame's start already.
    const w = recs.findIndex((r) => r[4]);
    expect(w, 'a frame saw the warm-up').toBeGreaterThan(0);
    expect(recs[w - 1]![3], 'the run was marked warm before its reverb was ready (its impulse response would land around the switch)').toBe(true);

    // The switch frame (the one before the first record that shows the switch) and the frame after
    // it: no audio node created or connected on this, the sounding, screen.
    const s = recs.findIndex((r) => r[5]);
    expect(s, 'a frame saw the switch').toBeGreaterThan(0);
    expect(recs.length, 'frames recorded after the switch').toBeGreaterThan(s + 1);
    const [from, to] = [recs[s - 1]!, recs[s + 1]!];
    const created = to[1] - from[1];
    const connected = to[2] - from[2];
    console.log(
      `[audio-warm e2e] warm-up seen ${(recs[w]![0] - recs[s - 1]![0]).toFixed(0)} ms before the switch frame; ` +
        `switch frame + next (${(to[0] - from[0]).toFixed(0)} ms): ${created} audio nodes created, ${connected} connects; lateMs ${warm!.lateMs}`,
    );
    expect({ created, connected }, 'audio graph work in the switch frame or the next').toEqual({ created: 0, connected: 0 });
    expect((await diag(page)).errors).toEqual([]);
  }, 300_000);

  it("renders the reverb's impulse response only as long as it is audible (to −90 dB), not the whole 15 s decay", async () => {
    const seconds = await (await stage()).evaluate(() => (window as unknown as { __convolverSeconds: number[] }).__convolverSeconds.slice());
    const expected = reverbSeconds(15, 0.01); // the fixture's decay, Tone.Reverb's default preDelay
    console.log(`[audio-warm e2e] impulse responses set: ${seconds.map((x) => x.toFixed(3)).join(', ')} s (expected ${expected.toFixed(3)} s)`);
    expect(seconds.length, 'the fixture set its reverb').toBeGreaterThan(0);
    for (const x of seconds) expect(x).toBeCloseTo(expected, 2);
    expect(expected).toBeLessThan(6);
  }, 60_000);
});
