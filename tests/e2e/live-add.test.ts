import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, ARTIST, api, startServer, until } from '../support/server';
import { launch, openPage, openScreens, waitFrames } from '../support/browser';
import { packFixture, readBundle, rebundle, upload } from '../support/pieces';
import { STATIC_DIR, diag, pictureOf, playOn, screenUrl, serverErrors, stageFrame } from '../support/stage';
import type { App } from '../../server/app';

let app: App;
let browser: Browser;
let canopy: Awaited<ReturnType<typeof openPage>>;
const bundles: Record<string, string> = {};
const requested: string[] = [];

beforeAll(async () => {
  for (const name of ['fixture-glow', 'fixture-throws-frame', 'fixture-throws-load', 'fixture-throws-audio']) bundles[name] = await packFixture(name);
  app = await startServer({ staticDir: STATIC_DIR, playLeadMs: 300 });
  browser = await launch();
  canopy = await openPage(browser, screenUrl(app, 'canopy-1'));
  canopy.page.on('response', (r) => requested.push(`${r.status()} ${new URL(r.url()).pathname}`));
  await waitFrames(canopy.page, 5);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('live add in Chromium', () => {
  it('a display plays an uploaded piece without a restart, its modules and assets from the server', async () => {
    const res = await upload(app, fs.readFileSync(bundles['fixture-glow']!), ARTIST);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await playOn(app, canopy.page, 'canopy', 'fixture-glow', 10);
    const d = await diag(canopy.page);
    expect(d.installationId).toBe('fixture-glow');
    expect(d.errors).toEqual([]);
    expect((await pictureOf(canopy.page)).stddev).toBeGreaterThan(4);
    expect(requested).toContain('200 /pieces/fixture-glow/1.0.0/module.js');
    expect(requested).toContain('200 /runtime/three.js');
    expect(requested).toContain('200 /runtime/sdk.js');
    await until(() => requested.some((r) => /^200 \/pieces\/fixture-glow\/1\.0\.0\/assets\/dot-.*\.png$/.test(r)), 'the piece to load its asset');
    expect(canopy.consoleErrors).toEqual([]);
    expect(canopy.external).toEqual([]);
  });

  it('a new version plays from the next wall.play, not at once; piece.rollback brings the old one back at once', async () => {
    const next = rebundle(readBundle(bundles['fixture-glow']!), { version: '1.1.0' });
    expect((await upload(app, next, ARTIST)).status).toBe(201);
    await waitFrames(canopy.page, 10);
    expect(requested).not.toContain('200 /pieces/fixture-glow/1.1.0/module.js'); // the wall keeps the version it plays
    await playOn(app, canopy.page, 'canopy', 'fixture-glow', 5);
    expect(requested).toContain('200 /pieces/fixture-glow/1.1.0/module.js');
    const before = (await diag(canopy.page)).now;
    const back = await api(app, 'POST', '/api/commands', { type: 'piece.rollback', pieceId: 'fixture-glow', version: '1.0.0' }, ADMIN);
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    await until(async () => {
      const d = await diag(canopy.page);
      return d.lastSwitch?.installationId === 'fixture-glow' && d.lastSwitch.showTime >= before;
    }, 'the screen to switch back to 1.0.0');
    await waitFrames(canopy.page, 10);
    expect((await diag(canopy.page)).errors).toEqual([]);
  });

  it('a piece that throws in useFrame falls back on its screen, is reported with its version and stack, and the other walls play on', async () => {
    // A screen of another wall, open for this test only, in a Chromium of its own as on a real
    // screen computer (a second page rendering all along would slow the canopy screen in every other test).
    const main = (await openScreens([screenUrl(app, 'main-1')])).screens[0]!;
    await waitFrames(main.page, 5);
    expect((await upload(app, fs.readFileSync(bundles['fixture-throws-frame']!), ARTIST)).status).toBe(201);
    await playOn(app, main.page, 'main', 'fixture-glow', 3);
    await playOn(app, canopy.page, 'canopy', 'fixture-throws-frame', 0);
    const err = await until(async () => (await diag(canopy.page)).errors.find((e) => e.installationId === 'fixture-throws-frame'), 'the error in __pavilion.errors');
    expect(err).toMatchObject({ phase: 'frame', version: '1.0.0' });
    expect(err.message).toContain('broken on purpose in useFrame');
    expect(err.stack).toBeTruthy();
    // The screen keeps rendering (the calm fallback), and reported the error once; the main wall
    // renders on meanwhile (both pages draw side by side: their frames are waited for together).
    await Promise.all([waitFrames(canopy.page, 20), waitFrames(main.page, 10)]);
    expect((await diag(canopy.page)).errors.filter((e) => e.installationId === 'fixture-throws-frame')).toHaveLength(1);
    expect((await pictureOf(canopy.page)).mean).toBeGreaterThan(2); // the fallback gradient, not black
    const onServer = await until(async () => (await serverErrors(app, 'canopy-1')).find((e) => e.installationId === 'fixture-throws-frame'), 'the error in GET /api/show');
    expect(onServer).toMatchObject({ phase: 'frame', version: '1.0.0' });
    expect(onServer.stack).toBeTruthy();
    // The main wall never noticed.
    expect((await diag(main.page)).installationId).toBe('fixture-glow');
    expect((await diag(main.page)).errors).toEqual([]);
    await main.browser.close();
  });

  it('a piece that throws while loading falls back and is reported', async () => {
    expect((await upload(app, fs.readFileSync(bundles['fixture-throws-load']!), ARTIST)).status).toBe(201);
    await playOn(app, canopy.page, 'canopy', 'fixture-throws-load', 10);
    const err = (await diag(canopy.page)).errors.find((e) => e.installationId === 'fixture-throws-load');
    expect(err).toMatchObject({ phase: 'load', version: '1.0.0' });
    expect(err!.message).toContain('broken on purpose while loading');
    await until(async () => (await serverErrors(app, 'canopy-1')).some((e) => e.installationId === 'fixture-throws-load' && e.phase === 'load'), 'the load error in GET /api/show');
  });

  it('a piece whose sound throws falls back on the screen that plays the sound, and is reported', async () => {
    expect((await upload(app, fs.readFileSync(bundles['fixture-throws-audio']!), ARTIST)).status).toBe(201);
    await playOn(app, canopy.page, 'canopy', 'fixture-throws-audio', 0);
    const err = await until(async () => (await diag(canopy.page)).errors.find((e) => e.installationId === 'fixture-throws-audio'), 'the audio error', 30_000);
    expect(err).toMatchObject({ phase: 'audio', version: '1.0.0' });
    expect(err.message).toContain('broken on purpose in useSound');
    await waitFrames(canopy.page, 10);
    await until(async () => (await serverErrors(app, 'canopy-1')).some((e) => e.installationId === 'fixture-throws-audio' && e.phase === 'audio'), 'the audio error in GET /api/show');
  });

  it('a piece whose asset fails to load is reported, and plays on without it', async () => {
    await playOn(app, canopy.page, 'canopy', 'fixture-glow', 0, { params: { 'broken-asset': true } });
    const err = await until(async () => (await diag(canopy.page)).errors.find((e) => e.installationId === 'fixture-glow' && e.phase === 'asset'), 'the asset error');
    expect(err.message).toMatch(/missing-on-purpose\.png failed to load: HTTP 404/);
    await waitFrames(canopy.page, 10);
    const d = await diag(canopy.page);
    expect(d.installationId).toBe('fixture-glow');
    expect(d.errors.filter((e) => e.installationId === 'fixture-glow' && e.phase !== 'asset')).toEqual([]);
    await until(async () => (await serverErrors(app, 'canopy-1')).some((e) => e.installationId === 'fixture-glow' && e.phase === 'asset'), 'the asset error in GET /api/show');
  });

  it('a screen that loses its WebGL context gets it back and plays the piece again', async () => {
    await playOn(app, canopy.page, 'canopy', 'fixture-glow', 5);
    const stage = await stageFrame(canopy.page); // the canvas lives in the stage frame
    await stage.evaluate(() => {
      const gl = document.querySelector('canvas')!.getContext('webgl2')!;
      const ext = gl.getExtension('WEBGL_lose_context')!;
      ext.loseContext();
      setTimeout(() => ext.restoreContext(), 300);
    });
    await until(async () => (await diag(canopy.page)).errors.some((e) => e.phase === 'context'), 'the context loss to be reported');
    await until(async () => !(await stage.evaluate(() => document.querySelector('canvas')!.getContext('webgl2')!.isContextLost())), 'the context to come back');
    await waitFrames(canopy.page, 15);
    const d = await diag(canopy.page);
    expect(d.installationId).toBe('fixture-glow');
    expect(d.errors.filter((e) => e.installationId === 'fixture-glow' && e.phase !== 'asset')).toEqual([]);
    expect(d.memory.geometries).toBeGreaterThan(0); // the piece was mounted again into the new context
    expect((await pictureOf(canopy.page)).stddev).toBeGreaterThan(4);
  });
});
