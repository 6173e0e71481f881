import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { STATIC_DIR, screenUrl, stageFrame } from '../support/stage';
import { launch, openPage, waitFrames } from '../support/browser';
import type { App } from '../../server/app';

/**
 * The demo's VR station `vr-1` in Chromium with an emulated headset (iwer, `&xr=emulate`), at
 * 480×270 in its own Chromium process (docs/vr.md): Enter VR starts an immersive-vr session on
 * `local-floor`; the station's XR frames carry show time; a scheduled switch lands on its first XR
 * frame at or after the start; canopy reads the emulated controllers; the technician recentres the
 * viewer; ending the session returns to idle, entering again joins the show where it is, and the
 * technician's reset ends it.
 */
interface XrSeen {
  presenting: boolean;
  mode: string | null;
  support: string;
  emulated: boolean;
  frames: number;
  frameShowTime: number | null;
  view: 'immersive' | 'curved-screen' | null;
  lastXrSwitch: { installationId: string | null; showTime: number; previousFrameShowTime: number | null } | null;
  viewer: [number, number, number] | null;
  controllers: Array<{ handedness: string; position: [number, number, number]; select: boolean }>;
  controllersRead: boolean;
  error: string | null;
}
interface Seen {
  xr: XrSeen | null;
  installationId: string | null;
  framesRendered: number;
  lastSwitch: { installationId: string | null; showTime: number } | null;
  now: number;
  errors: string[];
}
const seen = (page: Page): Promise<Seen> =>
  page.evaluate(() => {
    const p = (window as unknown as { __pavilion: Omit<Seen, 'now' | 'errors'> & { errors: Array<{ message: string }>; clock: { now(): number } } }).__pavilion;
    return { xr: p.xr, installationId: p.installationId, framesRendered: p.framesRendered, lastSwitch: p.lastSwitch, now: p.clock.now(), errors: p.errors.map((e) => e.message) };
  });
const xrOf = async (page: Page): Promise<XrSeen> => {
  const x = (await seen(page)).xr;
  if (!x) throw new Error('window.__pavilion.xr is null on a VR station');
  return x;
};
const stationXr = async () => {
  const res = await api(app, 'GET', '/api/show');
  return (res.body as unknown as { screens: Array<{ id: string; kind?: string; xr?: { presenting: boolean; mode: string | null } }> }).screens.find((s) => s.id === 'vr-1');
};
/** Moves the emulated headset's right controller (iwer's XRDevice, exposed in the stage frame with xr=emulate). */
const moveRight = (stage: Frame, p: [number, number, number]) =>
  stage.evaluate((p) => {
    const hook = (window as unknown as { __pavilionXr: { device: { controllers: { right?: { position: { set(x: number, y: number, z: number): void } } } } } }).__pavilionXr;
    hook.device.controllers.right!.position.set(p[0], p[1], p[2]);
  }, p);
const endSession = (stage: Frame) => stage.evaluate(() => (window as unknown as { __pavilionXr: { end(): Promise<void> } }).__pavilionXr.end());

let app: App;
let browser: Browser;
let page: Page;
let stage: Frame;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR, playLeadMs: 800 });
  browser = await launch();
  page = (await openPage(browser, `${screenUrl(app, 'vr-1')}&xr=emulate`)).page;
  stage = await stageFrame(page);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('a VR station with an emulated headset', () => {
  it('shows Enter VR; the tap starts an immersive-vr session that __pavilion.xr and GET /api/show report', async () => {
    expect((await stationXr())?.kind).toBe('vr');
    await stage.getByTestId('enter-vr').click({ timeout: 90_000 });
    const x = await until(async () => {
      const v = await xrOf(page);
      return v.presenting ? v : null;
    }, 'the station to present', 60_000);
    expect(x).toMatchObject({ presenting: true, mode: 'immersive-vr', support: 'yes', emulated: true, error: null });
    expect(x.viewer).not.toBeNull();
    await until(async () => (await stationXr())?.xr?.presenting, 'GET /api/show to say the station presents', 30_000);
    expect((await stationXr())?.xr).toEqual({ presenting: true, mode: 'immersive-vr' });
    expect(await stage.getByTestId('enter-vr').count()).toBe(0);
  });

  it('draws its frames in the XR session, each at its show time', async () => {
    const a = await xrOf(page);
    const t0 = performance.now();
    const startedAt = app.store.get().walls.vr!.startedAt;
    await until(async () => (await xrOf(page)).frames >= a.frames + 10, 'ten more XR frames', 60_000);
    const b = await seen(page);
    // Recorded, not asserted (docs/vr.md, "Targets"): the station's XR frame rate on this machine.
    console.log(`[vr] canopy in an emulated session (stereo, 480×270, software GL): ${(((b.xr!.frames - a.frames) * 1000) / (performance.now() - t0)).toFixed(1)} XR frames/s`);
    expect(b.xr!.view).toBe('immersive'); // canopy is VR-capable
    expect(b.framesRendered).toBeGreaterThan(0);
    // Show time (the server's epoch clock through the stage clock), not the frame's own timestamp.
    expect(b.xr!.frameShowTime!).toBeGreaterThanOrEqual(startedAt);
    expect(b.xr!.frameShowTime!).toBeGreaterThan(a.frameShowTime!);
    expect(b.xr!.frameShowTime!).toBeLessThanOrEqual((await seen(page)).now);
    expect(b.errors).toEqual([]);
  });

  it('a scheduled switch lands on the first XR frame at or after its start; a flat piece plays on the curved screen', async () => {
    // Far enough ahead for the piece to warm up in software rendering, so that the switch is due at its start.
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'vr', installationId: 'prism-field', at: (await seen(page)).now + 8000 });
    expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
    const startedAt = app.store.get().walls.vr!.startedAt;
    const x = await until(async () => {
      const v = await xrOf(page);
      return v.lastXrSwitch?.installationId === 'prism-field' && v.view === 'curved-screen' ? v : null;
    }, 'the station to switch to prism-field in the session', 90_000);
    expect(x.lastXrSwitch!.showTime).toBeGreaterThanOrEqual(startedAt);
    expect(x.lastXrSwitch!.previousFrameShowTime!).toBeLessThan(startedAt);
    expect(x.presenting).toBe(true);
  });

  it('canopy reads the emulated controllers: their positions reach the piece as the headset moves them', async () => {
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'vr', installationId: 'canopy', at: (await seen(page)).now + 5000 });
    expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
    await until(async () => {
      const v = await xrOf(page);
      return v.lastXrSwitch?.installationId === 'canopy' && v.view === 'immersive' && v.controllersRead;
    }, 'canopy to play in the session and read the controllers', 90_000);
    // The piece reads each controller's grip, a fixed offset from where the emulator puts the controller: compare moves.
    const right = async () => (await xrOf(page)).controllers.find((c) => c.handedness === 'right')?.position ?? null;
    const moveAndRead = async (p: [number, number, number]) => {
      const before = await right();
      await moveRight(stage, p);
      return until(async () => {
        const now = await right();
        return now && (!before || now.some((v, i) => Math.abs(v - before[i]!) > 1e-3)) ? now : null;
      }, `the right controller to move to ${p.join(', ')}`, 30_000);
    };
    const a = await moveAndRead([0.3, 1.2, -0.4]);
    const b = await moveAndRead([-0.2, 1.5, -0.7]);
    expect(b[0] - a[0]).toBeCloseTo(-0.5, 2);
    expect(b[1] - a[1]).toBeCloseTo(0.3, 2);
    expect(b[2] - a[2]).toBeCloseTo(-0.3, 2);
    expect((await xrOf(page)).controllersRead).toBe(true);
  });

  it("the technician's recenter (screen.xr) makes the viewer's spot the centre of the piece's world", async () => {
    await stage.evaluate(() => {
      const hook = (window as unknown as { __pavilionXr: { device: { position: { set(x: number, y: number, z: number): void } } } }).__pavilionXr;
      hook.device.position.set(1.2, 1.6, -0.8);
    });
    await until(async () => {
      const v = (await xrOf(page)).viewer;
      return v && Math.abs(v[0] - 1.2) < 1e-3 && Math.abs(v[2] + 0.8) < 1e-3;
    }, 'the viewer to stand at (1.2, -0.8)', 30_000);
    const res = await api(app, 'POST', '/api/commands', { type: 'screen.xr', screenId: 'vr-1', action: 'recenter' });
    expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
    const v = await until(async () => {
      const p = (await xrOf(page)).viewer;
      return p && Math.hypot(p[0], p[2]) < 1e-3 ? p : null;
    }, 'the viewer to be at the centre after the recenter', 30_000);
    expect(v[1]).toBeCloseTo(1.6, 3); // the floor stays where it is
  });

  it('ending the session returns the station to idle (Enter VR again, flat frames); entering again joins the show where it is', async () => {
    const before = await seen(page);
    await endSession(stage);
    const idle = await until(async () => {
      const v = await xrOf(page);
      return v.presenting ? null : v;
    }, 'the station to be idle', 30_000);
    expect(idle).toMatchObject({ presenting: false, mode: null, view: null, viewer: null, controllers: [] });
    await stage.getByTestId('enter-vr').waitFor({ timeout: 30_000 });
    await waitFrames(page, 5); // the flat canvas plays on between sessions
    await until(async () => (await stationXr())?.xr?.presenting === false, 'GET /api/show to say the station is idle', 30_000);

    await stage.getByTestId('enter-vr').click();
    await until(async () => (await xrOf(page)).presenting, 'the station to present again', 60_000);
    const framesAt = (await xrOf(page)).frames;
    await until(async () => (await xrOf(page)).frames > framesAt + 3, 'XR frames again', 60_000);
    const after = await seen(page);
    // The same run of canopy (no switch, no restart), at a later show time.
    expect(after.lastSwitch).toEqual(before.lastSwitch);
    expect(after.installationId).toBe('canopy');
    expect(after.xr!.frameShowTime!).toBeGreaterThan(before.xr!.frameShowTime!);
    expect(after.errors).toEqual([]);
  });

  it("the technician's reset (screen.xr) ends the viewer's session: the station is idle, the wall plays on", async () => {
    const before = await seen(page);
    expect(before.xr!.presenting).toBe(true);
    const res = await api(app, 'POST', '/api/commands', { type: 'screen.xr', screenId: 'vr-1', action: 'reset' });
    expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
    await until(async () => !(await xrOf(page)).presenting, 'the station to be idle after the reset', 30_000);
    await stage.getByTestId('enter-vr').waitFor({ timeout: 30_000 });
    const after = await seen(page);
    expect(after.lastSwitch).toEqual(before.lastSwitch);
    expect(after.installationId).toBe('canopy');
  });
});
