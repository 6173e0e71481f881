import path from 'node:path';
import type { CDPSession, Frame, Page } from 'playwright-core';
import { api, until } from './server';
import { decodePng, variety } from './image';
import { waitFrames } from './browser';
import { switchedTo } from './switched';

/** The built client the e2e tests serve: dist/client (npm test builds it), or PAVILION_STATIC_DIR. */
export const STATIC_DIR = process.env.PAVILION_STATIC_DIR
  ? path.resolve(process.env.PAVILION_STATIC_DIR)
  : path.resolve(import.meta.dirname, '../../dist/client');

/** The ready-to-open address of a paired screen's page, with its key (what `npm start` prints). */
export function screenUrl(app: { displayUrl(screenId: string): string | null }, screenId: string): string {
  const url = app.displayUrl(screenId);
  if (!url) throw new Error(`screen '${screenId}' has no key: it is not in the show, or not paired`);
  return url;
}

/** The stage frame of a screen or preview page: where its pieces run (client/stage, on the stage origin). */
export async function stageFrame(page: Page): Promise<Frame> {
  return until(async () => page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage') ?? null, 'the page to load its stage frame');
}

export interface PieceErrorSeen {
  installationId: string | null;
  version: string | null;
  phase: string;
  message: string;
  stack?: string;
}

export interface Diag {
  installationId: string | null;
  framesRendered: number;
  lastSwitch: { installationId: string | null; showTime: number } | null;
  errors: PieceErrorSeen[];
  memory: { geometries: number; textures: number; programs: number };
  visitors: number;
  now: number;
}

export const diag = (page: Page): Promise<Diag> =>
  page.evaluate(() => {
    const p = (window as unknown as { __pavilion: Omit<Diag, 'now'> & { clock: { now(): number } } }).__pavilion;
    return {
      installationId: p.installationId,
      framesRendered: p.framesRendered,
      lastSwitch: p.lastSwitch,
      errors: p.errors,
      memory: p.memory,
      visitors: p.visitors,
      now: p.clock.now(),
    };
  });

/**
 * Plays a piece on a wall through REST and waits until `page` (a screen of that wall) has switched
 * to it and drawn a few frames with it.
 */
export async function playOn(app: { url: string }, page: Page, wallId: string, installationId: string | null, frames = 3, extra: Record<string, unknown> = {}): Promise<void> {
  const { now: before, lastSwitch: prev } = await diag(page);
  const command = installationId ? { type: 'wall.play', wallId, installationId, ...extra } : { type: 'wall.stop', wallId };
  const res = await api(app, 'POST', '/api/commands', command);
  if (res.status !== 200) throw new Error(`${command.type} ${installationId ?? ''} refused: ${JSON.stringify(res.body)}`);
  await until(
    async () => {
      const d = await diag(page);
      // Stopping a screen that never played anything switches nothing: it just stays empty.
      if (installationId === null && d.installationId === null && (d.lastSwitch?.installationId ?? null) === null) return true;
      // A switch other than the one seen before the command (not one whose frame's show time is after
      // it: a frame's own timestamp can be older than the command; tests/support/switched.ts).
      return switchedTo(prev, d.lastSwitch, installationId);
    },
    `the screen to switch to ${installationId ?? 'nothing'}`,
    60_000,
  ).catch(async (e: unknown) => {
    // An open bug (docs/display.md, "Known issue"): say what the screen holds.
    let state = 'its state could not be read';
    try {
      const d = await diag(page);
      // Bounded: a stage whose main thread is blocked does not answer (that is worth saying too).
      const s = await Promise.race([
        (async () => (await stageFrame(page)).evaluate(() => (window as unknown as { __pavilionStage?: { switching?(): unknown } }).__pavilionStage?.switching?.() ?? null))(),
        new Promise((r) => setTimeout(() => r('(the stage frame did not answer within 10 s)'), 10_000)),
      ]);
      state = `the page shows ${JSON.stringify({ installationId: d.installationId, lastSwitch: d.lastSwitch, framesRendered: d.framesRendered, before, prev, now: d.now, errors: d.errors.slice(-3).map((e) => `${e.phase}: ${e.message}`) })}, the stage's switcher ${JSON.stringify(s)}`;
    } catch {
      /* keep the default */
    }
    throw new Error(`${e instanceof Error ? e.message : String(e)}; ${state}`);
  });
  if (frames > 0) await waitFrames(page, frames);
}

/** Luminance spread and colour count of what the page shows now. */
export async function pictureOf(page: Page): Promise<ReturnType<typeof variety>> {
  return variety(decodePng(await page.screenshot()));
}

/**
 * Chrome DevTools sessions that force a GC and read the JS heap of a page and of its stage frame
 * (the pieces run there, in a process of its own): `usedAfterGc` is the sum of both.
 */
export async function heapProbe(page: Page): Promise<{ usedAfterGc: () => Promise<number>; session: CDPSession }> {
  const session = await page.context().newCDPSession(page);
  const sessions = [session];
  const frame = page.frames().find((f) => f.url() && new URL(f.url()).pathname === '/stage');
  if (frame) {
    try {
      sessions.push(await page.context().newCDPSession(frame));
    } catch {
      /* the frame shares the page's process (and heap): the page's session reads both */
    }
  }
  for (const s of sessions) await s.send('HeapProfiler.enable');
  return {
    session,
    async usedAfterGc() {
      let total = 0;
      for (const s of sessions) {
        for (let i = 0; i < 3; i++) await s.send('HeapProfiler.collectGarbage');
        total += ((await s.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
      }
      return total;
    },
  };
}

/** The errors one screen reported, as GET /api/show lists them. */
export async function serverErrors(app: { url: string }, screenId: string): Promise<PieceErrorSeen[]> {
  const res = await api(app, 'GET', '/api/show');
  const screens = (res.body as unknown as { screens: Array<{ id: string; errors: PieceErrorSeen[] }> }).screens;
  return screens.find((s) => s.id === screenId)?.errors ?? [];
}

/** Sets the warm cache's count in a screen's stage frame (client/stage/screen.ts); 0: every stopped run is disposed of at once. */
export async function setWarmCache(page: Page, count: number, memory = 1500): Promise<void> {
  const stage = await stageFrame(page);
  await stage.waitForFunction(() => (window as unknown as { __pavilionStage?: unknown }).__pavilionStage !== undefined, undefined, { timeout: 60_000 }); // the screen has started in the frame
  await stage.evaluate(
    (l) => (window as unknown as { __pavilionStage: { setWarmCache(l: { count: number; memory: number }): void } }).__pavilionStage.setWarmCache(l),
    { count, memory },
  );
}
