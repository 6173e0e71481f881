/**
 * A warm switch only changes what is visible: the run warmed off-screen (ahead of its cue, or kept
 * warm after it played) becomes the live one, and nothing is mounted at the switch. Checked on a
 * real screen (canopy-1, Chromium, software WebGL) with the stage's count of piece mounts
 * (window.__pavilion.pieceMounts inside the stage frame) and its last warm-up (`adopted`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { STATIC_DIR, diag, playOn, screenUrl, stageFrame } from '../support/stage';
import { launch, openPage, waitFrames } from '../support/browser';
import type { App } from '../../server/app';
import type { ScreenStatus, ShowView } from '../../protocol';

const WALL = 'canopy'; // one screen: canopy-1
const A = 'facade';
const B = 'echo';

interface StageSeen {
  pieceMounts: number;
  lastWarm: { installationId: string; adopted?: boolean; lateMs: number | null } | null;
  warmCache: { pieces: string[] };
}
let app: App;
let browser: Browser;
let page: Page;

/** The stage frame's own diagnostics (where the pieces run). */
const stage = async (): Promise<StageSeen> =>
  (await stageFrame(page)).evaluate(() => {
    const p = (window as unknown as { __pavilion: StageSeen }).__pavilion;
    return { pieceMounts: p.pieceMounts, lastWarm: p.lastWarm, warmCache: p.warmCache };
  });

async function command(c: Record<string, unknown>): Promise<void> {
  const res = await api(app, 'POST', '/api/commands', c);
  expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
}

/** The screen's status as the server has it (GET /api/show). */
const showScreen = async (): Promise<ScreenStatus> =>
  ((await api(app, 'GET', '/api/show')).body as unknown as ShowView).screens.find((s) => s.id === `${WALL}-1`)!;

/** Waits until the screen has switched to `id` after `since` (show time) and drawn a few frames with it. */
async function switched(id: string, since: number): Promise<void> {
  await until(async () => {
    const d = await diag(page);
    return d.lastSwitch?.installationId === id && d.lastSwitch.showTime > since;
  }, `the screen to switch to ${id}`, 90_000);
  await waitFrames(page, 5);
}

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
  page = (await openPage(browser, screenUrl(app, `${WALL}-1`))).page;
  await waitFrames(page, 5);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('a warm switch adopts the warmed run', () => {
  it('a piece warmed ahead of its standby cue, then one kept warm after it played: no mount at either switch', async () => {
    await playOn(app, page, WALL, A, 5);
    const onlyA = (await stage()).pieceMounts;
    expect(onlyA, 'the stage counts piece mounts').toBeGreaterThanOrEqual(1);

    // On standby: the screen warms B in the background (mounted off-screen, compiled, silent).
    await command({ type: 'cue.save', cueId: 'next', name: `Next: ${B}`, commands: [{ type: 'wall.play', wallId: WALL, installationId: B }] });
    await until(async () => {
      const s = await stage();
      return s.warmCache.pieces.some((p) => p.startsWith(`${B}@`)) && s.pieceMounts > onlyA;
    }, `${B} to be warmed ahead (mounted off-screen)`, 90_000);
    await waitFrames(page, 10); // its warm-up (compile, one draw off-screen) done
    const before = await stage();
    expect(before.pieceMounts, `${B} mounted once, off-screen`).toBe(onlyA + 1);
    // Its health reports tell the server (which sizes the GO's lead on adoption, not a mount): A on screen, B warmed ahead.
    await until(async () => {
      const warm = (await showScreen()).warm ?? [];
      return warm.some((p) => p.startsWith(`${A}@`)) && warm.some((p) => p.startsWith(`${B}@`));
    }, `GET /api/show to list ${A} and ${B} warm on ${WALL}-1`, 30_000);
    const t0 = (await diag(page)).now;
    await command({ type: 'cue.go' });
    await switched(B, t0);
    const afterGo = await stage();
    expect(afterGo.pieceMounts, `${B} was mounted again for its cue`).toBe(before.pieceMounts);
    expect(afterGo.lastWarm).toMatchObject({ installationId: B, adopted: true });

    // Back to A, which played a moment ago: kept warm, adopted too.
    expect(afterGo.warmCache.pieces.some((p) => p.startsWith(`${A}@`)), `${A} is kept warm`).toBe(true);
    const t1 = (await diag(page)).now;
    await command({ type: 'wall.play', wallId: WALL, installationId: A });
    await switched(A, t1);
    const back = await stage();
    expect(back.pieceMounts, `${A} was mounted again`).toBe(before.pieceMounts);
    expect(back.lastWarm).toMatchObject({ installationId: A, adopted: true });
    expect((await diag(page)).errors).toEqual([]);
  }, 300_000);
});
