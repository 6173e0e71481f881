import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { screenUrl } from '../support/stage';
import { launch, openPage, openScreens, waitFrames, type OwnScreen } from '../support/browser';
import { decodePng, variety } from '../support/image';
import type { App } from '../../server/app';

const STATIC = process.env.PAVILION_STATIC_DIR ? path.resolve(process.env.PAVILION_STATIC_DIR) : path.resolve(import.meta.dirname, '../../dist/client');
const SCREENS = ['main-1', 'main-2', 'main-3', 'canopy-1'];

interface Diag {
  screenId: string;
  wallId: string | null;
  installationId: string | null;
  framesRendered: number;
  lastSwitch: { installationId: string | null; showTime: number } | null;
  errors: Array<{ message: string }>;
  clock: { offsetMs: number; rttMs: number };
}
const diag = (page: Page) =>
  page.evaluate(() => {
    const p = (window as unknown as { __pavilion: Diag & { clock: { now(): number } } }).__pavilion;
    return { screenId: p.screenId, wallId: p.wallId, installationId: p.installationId, framesRendered: p.framesRendered, lastSwitch: p.lastSwitch, errors: p.errors, clock: { offsetMs: p.clock.offsetMs, rttMs: p.clock.rttMs, now: p.clock.now() } };
  });

let app: App;
let closeScreens: (() => Promise<void>) | undefined;
const pages: OwnScreen[] = [];

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC, playLeadMs: 800 });
  // Each screen in a Chromium of its own, as on a real wall; opened at once, in order.
  const wall = await openScreens(SCREENS.map((id) => screenUrl(app, id)));
  closeScreens = wall.close;
  pages.push(...wall.screens);
});
afterAll(async () => {
  await closeScreens?.();
  await app?.close();
});

describe('demo screens in Chromium', () => {
  it('each demo screen registers and renders a non-uniform canvas', async () => {
    // The screens render side by side: each is checked at once (one after another, each page's
    // frames would be counted from when the previous one was done).
    await Promise.all(
      pages.map(async (p, i) => {
        await waitFrames(p.page, 20);
        await until(async () => (await diag(p.page)).installationId, `${SCREENS[i]} to show its wall's piece`);
        const d = await diag(p.page);
        expect(d.screenId).toBe(SCREENS[i]);
        expect(d.wallId).toBe(SCREENS[i]!.replace(/-\d$/, ''));
        expect(d.errors, SCREENS[i]).toEqual([]);
        await waitFrames(p.page, 10);
        const v = variety(decodePng(await p.page.screenshot()));
        expect(v.stddev, `${SCREENS[i]} looks uniform`).toBeGreaterThan(4);
        expect(v.colours, SCREENS[i]).toBeGreaterThan(20);
      }),
    );
  });

  it('reports its health to the server (GET /api/show)', async () => {
    const screens = await until(async () => {
      const res = await api(app, 'GET', '/api/show');
      // The screens this test opened (the demo's VR station vr-1 has tests of its own: tests/e2e/vr.test.ts).
      const list = (res.body as unknown as { screens: Array<{ id: string; connected: boolean; fps: number | null; offsetMs: number | null }> }).screens.filter((s) => SCREENS.includes(s.id));
      return list.every((s) => s.connected && s.fps !== null && s.offsetMs !== null) ? list : null;
    }, 'every screen to report health');
    expect(screens.map((s) => s.id)).toEqual(['canopy-1', 'main-1', 'main-2', 'main-3']);
  });

  it('wall.play via REST switches what the screens show', async () => {
    const pieces = app.catalog.list().map((p) => p.id);
    const current = (await diag(pages[0]!.page)).installationId;
    const next = pieces.find((id) => id !== current)!;
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: next });
    expect(res.body.ok).toBe(true);
    const startedAt = app.store.get().walls.main!.startedAt;
    for (const p of pages.slice(0, 3)) {
      const d = await until(async () => {
        const x = await diag(p.page);
        return x.installationId === next ? x : null;
      }, `the screen to switch to ${next}`);
      expect(d.lastSwitch?.installationId).toBe(next);
      expect(d.lastSwitch!.showTime).toBeGreaterThanOrEqual(startedAt - 1);
    }
    // the other wall did not change
    expect((await diag(pages[3]!.page)).installationId).not.toBe(null);
  });

  it('had no console errors and reached nothing outside localhost (checked before the screens close, below)', () => {
    for (const p of pages) {
      expect(p.consoleErrors).toEqual([]);
      expect(p.external).toEqual([]);
    }
  });

  it('an unknown screen id shows a pairing code, not a blank page', async () => {
    // The last test: the wall's screens are done with (their consoles were checked above). Their
    // four software-GL browsers would take both cores from this page's load (16–32 s a page,
    // measured). A browser of its own, as a new screen computer's.
    await closeScreens?.();
    closeScreens = undefined;
    const browser = await launch();
    try {
      const p = await openPage(browser, `${app.url}/display?screen=nobody-9`);
      await p.page.getByTestId('pairing').waitFor();
      expect(await p.page.getByTestId('pairing').innerText()).toContain('nobody-9');
      const q = await openPage(browser, `${app.url}/display`);
      await q.page.getByRole('alert').waitFor();
      expect(await q.page.getByRole('alert').innerText()).toContain('/display?screen=');
    } finally {
      await browser.close();
    }
  });
});
