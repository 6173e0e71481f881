/**
 * The lead of a warm switch covers the sounding screen's sound graph (issue 13). A piece warmed
 * ahead of its standby cue is warmed on the screen that plays the wall's sound with its sound
 * graph (silent, its reverb's impulse response rendered and set), and only then is its warm-up
 * time reported: the server sizes the cue's lead on it, and the run that adopts it at the GO
 * builds its graph again within that lead, so that the switch frame builds no audio node.
 *
 * One screen, main-1 (it plays the wall's sound), Chromium with software WebGL; the fixture
 * piece tests/fixtures/pieces/fixture-slow-reverb (a 15 s reverb, a note every 50 ms). An init
 * script in the stage frame counts the native audio nodes created and connected, and records at
 * the start of each animation frame those counts, the fixture's latest sound graph (how many it
 * has built, whether that one's reverb is ready) and what the host said: what a frame's callbacks
 * changed is seen at the next frame's start.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ARTIST, api, startServer, until } from '../support/server';
import { launch, openPage, waitFrames } from '../support/browser';
import { packFixture, upload } from '../support/pieces';
import { STATIC_DIR, diag, playOn, screenUrl, stageFrame } from '../support/stage';
import type { App } from '../../server/app';

const FIXTURE = 'fixture-slow-reverb';
const BEFORE = 'prism-field'; // no sound: whatever audio work there is, is the fixture's

/**
 * One record per animation frame: [rAF time, nodes created, connects, the latest graph's reverb
 * ready, graphs built, warm-up reported for the fixture, adopted warm-up of the fixture, switched to it].
 */
type Rec = [number, number, number, boolean, number, boolean, boolean, boolean];

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
  const connect = w.AudioNode.prototype.connect;
  w.AudioNode.prototype.connect = function (...a) { w.__audioWork.connects++; return connect.apply(this, a); };
  const loop = (t) => {
    const d = w.__pavilion;
    const r = w.__slowReverb;
    w.__audioFrames.push([t, w.__audioWork.creates, w.__audioWork.connects, !!(r && r.ready), r ? r.built : 0,
      !!(d && d.lastPreload && d.lastPreload.installationId === '${FIXTURE}'),
      !!(d && d.lastWarm && d.lastWarm.installationId === '${FIXTURE}' && d.lastWarm.adopted === true),
      !!(d && d.lastSwitch && d.lastSwitch.installationId === '${FIXTURE}')]);
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
const stageSeen = async () =>
  (await stage()).evaluate(() => {
    const p = (window as unknown as { __pavilion: { lastPreload: { installationId: string; ms: number } | null; lastWarm: { installationId: string; adopted?: boolean; lateMs: number | null } | null } }).__pavilion;
    return { lastPreload: p.lastPreload, lastWarm: p.lastWarm };
  });

async function command(c: Record<string, unknown>): Promise<void> {
  const res = await api(app, 'POST', '/api/commands', c);
  expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
}

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

describe('a warm switch on the sounding screen', () => {
  it('warms a piece ahead with its sound graph before reporting it, and the cue’s lead covers the graph built again: no audio node in the switch frame', async () => {
    await playOn(app, page, 'main', BEFORE, 5);
    // On standby: the screen warms the fixture in the background.
    await command({ type: 'cue.save', cueId: 'next', name: `Next: ${FIXTURE}`, commands: [{ type: 'wall.play', wallId: 'main', installationId: FIXTURE }] });
    await until(async () => (await stageSeen()).lastPreload?.installationId === FIXTURE, `the screen to warm ${FIXTURE} ahead and report it`, 90_000);
    const ahead = (await stageSeen()).lastPreload!;

    // Reported (host.warmed, in the frame before the first record that shows it) only once its sound
    // graph was built and its reverb ready: the time the server sizes the lead on includes them.
    let recs = await records();
    const r = recs.findIndex((x) => x[5]);
    expect(r, 'a frame saw the report').toBeGreaterThan(0);
    expect(recs[r - 1]![4], 'the fixture warmed ahead built its sound graph (the server would size the lead on a silent warm-up)').toBeGreaterThanOrEqual(1);
    expect(recs[r - 1]![3], 'its reverb was ready before the warm-up was reported').toBe(true);

    await waitFrames(page, 5);
    const before = (await diag(page)).now;
    await command({ type: 'cue.go' });
    const startedAt = app.store.get().walls.main!.startedAt!;
    await until(async () => {
      const d = await diag(page);
      return d.lastSwitch?.installationId === FIXTURE && d.lastSwitch.showTime >= startedAt;
    }, `the screen to switch to ${FIXTURE}`, 90_000);
    await waitFrames(page, 5);

    recs = await records();
    const warm = (await stageSeen()).lastWarm;
    expect(warm, 'the cue adopted the run warmed ahead').toMatchObject({ installationId: FIXTURE, adopted: true });
    const w = recs.findIndex((x) => x[6]);
    expect(w, 'a frame saw the adopted warm-up').toBeGreaterThan(0);
    expect(recs[w - 1]![4], 'the adopted run built its sound graph again (this screen plays sound)').toBeGreaterThanOrEqual(2);
    expect(recs[w - 1]![3], 'the adopted run was marked warm before its reverb was ready: the lead did not cover its sound graph').toBe(true);

    const s = recs.findIndex((x) => x[7]);
    expect(s, 'a frame saw the switch').toBeGreaterThan(0);
    expect(recs.length, 'frames recorded after the switch').toBeGreaterThan(s + 1);
    const [from, to] = [recs[s - 1]!, recs[s + 1]!];
    const created = to[1] - from[1];
    const connected = to[2] - from[2];
    console.log(
      `[audio-ahead e2e] warm-up ahead ${ahead.ms.toFixed(0)} ms (reported); lead ${(startedAt - before).toFixed(0)} ms; adopted warm-up seen ` +
        `${(recs[s - 1]![0] - recs[w]![0]).toFixed(0)} ms before the switch frame; switch frame + next: ${created} audio nodes created, ${connected} connects; lateMs ${warm!.lateMs}`,
    );
    expect({ created, connected }, 'audio graph work in the switch frame or the next').toEqual({ created: 0, connected: 0 });
    expect((await diag(page)).errors).toEqual([]);
  }, 300_000);
});
