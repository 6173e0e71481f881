import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startServer, until } from '../support/server';
import { screenUrl } from '../support/stage';
import { launch, openPage, openScreens, waitFrames, type OwnScreen } from '../support/browser';
import type { App } from '../../server/app';
import type { ParamValue, PieceSummary } from '../../protocol';

const STATIC = process.env.PAVILION_STATIC_DIR ? path.resolve(process.env.PAVILION_STATIC_DIR) : path.resolve(import.meta.dirname, '../../dist/client');
const SCREENS = ['main-1', 'main-2', 'main-3'];

interface Diag {
  installationId: string | null;
  params: Record<string, ParamValue> | null;
}
const diag = (page: Page) =>
  page.evaluate(() => {
    const p = (window as unknown as { __pavilion: Diag }).__pavilion;
    return { installationId: p.installationId, params: p.params };
  });
/** Polls every display page until `pred` holds on all of them. */
async function everyScreen(pred: (d: Diag) => boolean, what: string, timeout = 60_000): Promise<void> {
  const start = Date.now();
  let last: Diag[] = [];
  while (Date.now() - start < timeout) {
    last = await Promise.all(displays.map((d) => diag(d.page)));
    if (last.every(pred)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; screens report ${JSON.stringify(last)}`);
}

let app: App;
let browser: Browser;
const displays: OwnScreen[] = [];
let closeScreens: (() => Promise<void>) | undefined;
let panel: Awaited<ReturnType<typeof openPage>>;
let control: Page;
let piece: PieceSummary;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC, playLeadMs: 800 });
  // Each screen in a Chromium of its own, as on a real wall, and the panel in another (the
  // technician's computer). Opened and waited for at once (one after another, each would wait
  // behind the ones already drawing).
  const wall = await openScreens(SCREENS.map((id) => screenUrl(app, id)));
  closeScreens = wall.close;
  displays.push(...wall.screens);
  await Promise.all(displays.map((d) => waitFrames(d.page, 3)));
  browser = await launch();
  panel = await openPage(browser, `${app.url}/control`, { width: 1024, height: 700 });
  control = panel.page;
});
afterAll(async () => {
  await browser?.close();
  await closeScreens?.();
  await app?.close();
});

describe('control panel in Chromium', () => {
  it('shows only the sign-in form before sign-in; Enter signs in and the demo screens come online', async () => {
    const token = control.getByTestId('signin-token');
    await token.waitFor();
    expect(await token.getAttribute('type')).toBe('password');
    expect(await control.getByTestId('show-status').count()).toBe(0);
    const text = await control.locator('body').innerText();
    for (const id of SCREENS) expect(text).not.toContain(id);

    await token.fill(ADMIN);
    await token.press('Enter');
    await control.getByTestId('show-status').waitFor();
    for (const id of SCREENS) await control.locator(`[data-testid="screen-${id}"][data-connected="true"]`).waitFor({ timeout: 30_000 });
    // Of all the demo's screens (its VR station among them), at least the three opened here are online.
    const total = Object.keys(app.store.get().screens).length;
    await control.getByTestId('screens-online').filter({ hasText: new RegExp(`^[3-9]/${total}$`) }).waitFor();
    // The panel says how its own clock pings go: to the clock responder (issue 20), in its link pill's tooltip.
    await control.locator('[data-testid="link-status"][data-clock-path="responder"]').waitFor({ timeout: 30_000 });
    expect(await control.getByTestId('link-status').getAttribute('title')).toMatch(/clock pings go to the clock responder/);
    // The Screens view asks for thumbnails: a live picture of a screen arrives.
    await control.getByTestId('thumb-main-1').waitFor({ timeout: 30_000 });
    expect(await control.getByTestId('thumb-main-1').getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('plays a piece on a wall and the screens change', async () => {
    const current = app.store.get().walls.main!.installationId;
    const pieces = app.catalog.list().filter((p) => p.id !== current);
    piece = pieces.find((p) => Object.values(p.params).some((s) => s.type === 'number')) ?? pieces[0]!;
    expect(piece, 'needs two installed pieces').toBeDefined();

    await control.getByTestId('tab-pieces').click();
    await control.getByTestId('pick-wall-main').click();
    await control.getByTestId(`play-${piece.id}`).click();
    await control.getByTestId('now-playing').filter({ hasText: piece.title }).waitFor();
    await everyScreen((d) => d.installationId === piece.id, `every main screen to play ${piece.id}`);
  });

  it('moving a param control changes the param on the screens', async () => {
    const [key, spec] = Object.entries(piece.params).find(([, s]) => s.type === 'number' || s.type === 'integer') ?? Object.entries(piece.params)[0] ?? [];
    expect(key, `piece ${piece.id} needs a param`).toBeDefined();
    const before = (await diag(displays[0]!.page)).params?.[key!];
    const control$ = control.getByTestId(`param-${key}`);
    if (spec!.type === 'number' || spec!.type === 'integer') {
      const goUp = typeof before === 'number' && before < spec!.max;
      await control$.focus();
      for (let i = 0; i < 5; i++) await control.keyboard.press(goUp ? 'ArrowRight' : 'ArrowLeft');
    } else if (spec!.type === 'select') {
      await control$.selectOption(spec!.options.find((o) => o !== before)!);
    } else if (spec!.type === 'boolean') {
      await control$.click({ force: true });
    } else {
      await control$.fill(before === '#ff0000' ? '#00ff00' : '#ff0000');
    }
    await everyScreen((d) => d.params !== null && d.params[key!] !== before, `param '${key}' to change from ${String(before)}`);
    // Key presses are throttled into a few commands: wait for the screens to reach the last one.
    await everyScreen((d) => d.params !== null && d.params[key!] === app.store.get().walls.main!.params[key!], `param '${key}' to reach the panel's last value`);
    // A later throttled command may still land after that: read the screen and the show in one poll, until they agree.
    let after: unknown;
    await until(async () => {
      after = (await diag(displays[0]!.page)).params?.[key!];
      return after === app.store.get().walls.main!.params[key!];
    }, `the screen and the show to agree on '${key}'`);
    expect(after).not.toBe(before);
  });

  it('builds a cue and GO fires it', async () => {
    const original = app.catalog.list().find((p) => p.id !== piece.id)!;
    await control.getByTestId('tab-cues').click();
    await control.getByTestId('cue-new').click();
    await control.getByTestId('cue-name').fill('Back and dark');
    await control.getByTestId('cmd-add').click();
    await control.getByTestId('cmd-wall-0').selectOption('main');
    await control.getByTestId('cmd-piece-0').selectOption(original.id);
    await control.getByTestId('cmd-add').click();
    await control.getByTestId('cmd-type-1').selectOption('screen.blackout');
    await control.getByTestId('cmd-screen-1').selectOption('main-2');
    await control.getByTestId('cue-save').click();
    await control.locator('[data-testid="cue-back-and-dark"][data-standby="true"]').waitFor();

    await control.getByTestId('cue-go').click();
    await control.locator('[data-testid="cue-back-and-dark"][data-fired="true"]').waitFor();
    await control.getByTestId('cue-last').filter({ hasText: 'Back and dark' }).waitFor();
    await everyScreen((d) => d.installationId === original.id, `every main screen to play ${original.id} after GO`);
    // The second command blacked out main-2 only.
    await displays[1]!.page.getByTestId('blackout').waitFor({ timeout: 30_000 });
    expect(await displays[0]!.page.getByTestId('blackout').count()).toBe(0);
    expect(app.store.get().cuePosition).toBe(0);
  });

  it('left no errors in the control page console', () => {
    expect(panel.consoleErrors).toEqual([]);
    expect(panel.external).toEqual([]);
  });
});
