import type { Frame, Page } from 'playwright-core';

/**
 * A VR station's page and its emulated headset (iwer, `&xr=emulate`; client/xr/emulate.ts and the
 * hooks of client/xr/session.ts) as the e2e tests read and drive them: `window.__pavilion.xr` on
 * the screen page, `window.__pavilionXr` in its stage frame.
 */
export interface Quality {
  level: number;
  levels: number;
  scale: number;
  framebufferScale: number | null;
  framebuffer: [number, number] | null;
  piece: 'low' | 'medium' | 'high';
  fps: number | null;
  target: number | null;
  changes: number;
}
export interface XrSeen {
  presenting: boolean;
  mode: string | null;
  support: string;
  emulated: boolean;
  frames: number;
  mirrors: number;
  frameShowTime: number | null;
  view: 'immersive' | 'curved-screen' | null;
  lastXrSwitch: { installationId: string | null; showTime: number; previousFrameShowTime: number | null } | null;
  viewer: [number, number, number] | null;
  controllers: Array<{ handedness: string; position: [number, number, number]; select: boolean }>;
  controllersRead: boolean;
  error: string | null;
  quality?: Quality;
}
export interface Seen {
  xr: XrSeen | null;
  installationId: string | null;
  framesRendered: number;
  lastSwitch: { installationId: string | null; showTime: number } | null;
  now: number;
  errors: string[];
}
export const seen = (page: Page): Promise<Seen> =>
  page.evaluate(() => {
    const p = (window as unknown as { __pavilion: Omit<Seen, 'now' | 'errors'> & { errors: Array<{ message: string }>; clock: { now(): number } } }).__pavilion;
    return { xr: p.xr, installationId: p.installationId, framesRendered: p.framesRendered, lastSwitch: p.lastSwitch, now: p.clock.now(), errors: p.errors.map((e) => e.message) };
  });
export const xrOf = async (page: Page): Promise<XrSeen> => {
  const x = (await seen(page)).xr;
  if (!x) throw new Error('window.__pavilion.xr is null on a VR station');
  return x;
};
export const qualityOf = async (page: Page): Promise<Quality> => {
  const q = (await xrOf(page)).quality;
  if (!q) throw new Error('window.__pavilion.xr.quality is missing: the station has no adaptive quality');
  return q;
};
/** The rate the station judges its frames against (the emulator's hook in the stage frame); null: the session's own. */
export const targetRate = (stage: Frame, hz: number | null) =>
  stage.evaluate((hz) => (window as unknown as { __pavilionXr: { targetRate(hz: number | null): void } }).__pavilionXr.targetRate(hz), hz);
/** Holds the adaptive quality at a level (the emulator's hook, as bench:vr uses it); null: adapting again. */
export const pinLevel = (stage: Frame, level: number | null) =>
  stage.evaluate((level) => (window as unknown as { __pavilionXr: { pin(level: number | null): void } }).__pavilionXr.pin(level), level);
/** The emulated session's framebuffer: iwer draws into the page's canvas. */
export const canvasSize = (stage: Frame) =>
  stage.evaluate(() => {
    const c = document.querySelector('canvas')!;
    return [c.width, c.height] as [number, number];
  });
/** Moves the emulated headset's right controller (iwer's XRDevice, exposed in the stage frame with xr=emulate). */
export const moveRight = (stage: Frame, p: [number, number, number]) =>
  stage.evaluate((p) => {
    const hook = (window as unknown as { __pavilionXr: { device: { controllers: { right?: { position: { set(x: number, y: number, z: number): void } } } } } }).__pavilionXr;
    hook.device.controllers.right!.position.set(p[0], p[1], p[2]);
  }, p);
/** Turns the emulated headset about the vertical axis (radians; 0 looks along -z, the curved screen). */
export const turnHead = (stage: Frame, yaw: number) =>
  stage.evaluate((yaw) => {
    const hook = (window as unknown as { __pavilionXr: { device: { quaternion: { set(x: number, y: number, z: number, w: number): void } } } }).__pavilionXr;
    hook.device.quaternion.set(0, Math.sin(yaw / 2), 0, Math.cos(yaw / 2));
  }, yaw);
export const endSession = (stage: Frame) => stage.evaluate(() => (window as unknown as { __pavilionXr: { end(): Promise<void> } }).__pavilionXr.end());
