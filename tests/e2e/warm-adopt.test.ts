/**
 * A warm switch only changes what is visible: the run warmed off-screen (ahead of its cue, or kept
 * warm after it played) becomes the live one, and nothing is mounted at the switch. Checked on a
 * real screen (canopy-1, Chromium, software WebGL) with the stage's count of piece mounts
 * (window.__pavilion.pieceMounts inside the stage frame), its last warm-up (`adopted`), and the
 * shaders the stage compiled (counted by an init script around WebGL's compileShader): none may be
 * compiled from the GO to the switch, which on a software screen is a frame of a few hundred ms.
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
  shadersCompiled: number;
  lastWarm: { installationId: string; adopted?: boolean; lateMs: number | null } | null;
  warmCache: { pieces: string[] };
}
let app: App;
let browser: Browser;
let page: Page;

/** The stage frame's own diagnostics (where the pieces run). */
const stage = async (): Promise<StageSeen> =>
  (await stageFrame(page)).evaluate(() => {
    const w = window as unknown as { __pavilion: StageSeen; __shadersCompiled?: number };
    const p = w.__pavilion;
    return { pieceMounts: p.pieceMounts, lastWarm: p.lastWarm, warmCache: p.warmCache, shadersCompiled: w.__shadersCompiled ?? -1 };
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
  const context = await browser.newContext({ viewport: { width: 480, height: 270 } });
  // In every frame (the stage's too): count the shaders WebGL is asked to compile.
  await context.addInitScript(() => {
    const w = window as unknown as { __shadersCompiled: number };
    w.__shadersCompiled = 0;
    for (const proto of [WebGL2RenderingContext.prototype, WebGLRenderingContext.prototype]) {
      const compile = proto.compileShader;
      proto.compileShader = function (this: WebGLRenderingContext, shader: WebGLShader) {
        w.__shadersCompiled++;
        return compile.call(this, shader);
      };
    }
  });
  page = (await openPage(context, screenUrl(app, `${WALL}-1`))).page;
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
    expect(before.shadersCompiled, 'the init script counts the stage\'s shader compiles').toBeGreaterThan(0);
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
    // Echo's words are all made anew for the cue's real start; the programs they need were
    // compiled ahead and are still held (echo's primer word), so nothing compiles at the switch.
    expect(afterGo.shadersCompiled - before.shadersCompiled, `shaders compiled from the GO to ${B}'s switch`).toBe(0);

    // Back to A, which played a moment ago: kept warm, adopted too.
    expect(afterGo.warmCache.pieces.some((p) => p.startsWith(`${A}@`)), `${A} is kept warm`).toBe(true);
    const t1 = (await diag(page)).now;
    const beforeBack = (await stage()).shadersCompiled;
    await command({ type: 'wall.play', wallId: WALL, installationId: A });
    await switched(A, t1);
    const back = await stage();
    expect(back.shadersCompiled - beforeBack, `shaders compiled from the play to ${A}'s switch`).toBe(0);
    expect(back.pieceMounts, `${A} was mounted again`).toBe(before.pieceMounts);
    expect(back.lastWarm).toMatchObject({ installationId: A, adopted: true });
    expect((await diag(page)).errors).toEqual([]);
  }, 300_000);
});
