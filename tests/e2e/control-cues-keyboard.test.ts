/**
 * Cues as a show-control operator runs them (issue 19, part 1), in the panel in Chromium: the GO
 * key (Space) fires the standby cue and its auto-continue fires the next one; keys do nothing while
 * the operator types; ↑ moves the standby; Esc stops a running pre-wait; "Record cue" makes a cue
 * of what a wall plays now, and GO on it brings that state back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startServer, until } from '../support/server';
import { launch, openPage } from '../support/browser';
import { STATIC_DIR } from '../support/stage';
import type { App } from '../../server/app';

let app: App;
let browser: Browser;
let control: Page;
let consoleErrors: string[];

function must(command: unknown): void {
  const res = app.store.dispatch(command, 'internal');
  if (!res.ok) throw new Error(res.error.message);
}

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
  const panel = await openPage(browser, `${app.url}/control#cues`, { width: 1200, height: 900 });
  control = panel.page;
  consoleErrors = panel.consoleErrors;
  await control.getByTestId('signin-token').fill(ADMIN);
  await control.getByTestId('signin-token').press('Enter');
  await control.getByTestId('signout').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const show = () => app.store.get();
const standbyId = () => show().cues[show().cueStandby]?.id;

describe('control panel: cues from the keyboard', () => {
  it('Space runs GO, and a cue with auto-continue runs the next one; typing in a field never GOes', async () => {
    must({ type: 'show.volume', volume: 0.8 });
    must({ type: 'cue.save', cueId: 'one', name: 'One', continue: 'auto-continue', commands: [{ type: 'show.volume', volume: 0.2 }] });
    must({ type: 'cue.save', cueId: 'two', name: 'Two', commands: [{ type: 'screen.blackout', screenId: 'main-2', on: true }] });
    must({ type: 'cue.save', cueId: 'three', name: 'Three', preWaitMs: 3_600_000, commands: [{ type: 'show.volume', volume: 1 }] });
    await control.getByTestId('tab-cues').click();
    await control.locator('[data-testid="cue-one"][data-standby="true"]').waitFor();

    // A space typed in a field is a space, not a GO.
    await control.getByTestId('cue-new').click();
    await control.getByTestId('cue-name').pressSequentially('not a go');
    expect(await control.getByTestId('cue-name').inputValue()).toBe('not a go');
    await control.getByTestId('cue-name').press('ArrowDown');
    await control.getByTestId('cue-name').press('Escape');
    await control.getByRole('button', { name: 'Cancel' }).click();
    expect(show().cuePosition).toBe(-1);
    expect(standbyId()).toBe('one');

    await control.keyboard.press('Space');
    await control.locator('[data-testid="cue-two"][data-fired="true"]').waitFor();
    expect(show().volume).toBe(0.2); // one fired
    expect(show().screens['main-2']!.blackout).toBe(true); // two, by auto-continue
    expect(standbyId()).toBe('three');
    await control.locator('[data-testid="cue-three"][data-standby="true"]').waitFor();

    // ↑ moves the standby back; ↓ forward again.
    await control.keyboard.press('ArrowUp');
    await until(() => standbyId() === 'two', 'the standby to move up to two');
    await control.keyboard.press('ArrowDown');
    await until(() => standbyId() === 'three', 'the standby to move down to three');
  });

  it('Esc stops a running pre-wait: the cue never fires', async () => {
    await control.keyboard.press('Space'); // three: an hour's pre-wait
    await control.locator('[data-testid="cue-waits"][data-count="1"]').waitFor();
    await control.getByTestId('cue-wait-three').waitFor();
    await control.keyboard.press('Escape');
    await control.locator('[data-testid="cue-waits"][data-count="0"]').waitFor();
    expect(show().volume).toBe(0.2);
    expect(show().cues[show().cuePosition]!.id).toBe('two');
  });

  it('records a wall as it plays into a cue, and GO on it brings that state back', async () => {
    const piece = app.catalog.list().find((p) => Object.values(p.params).some((s) => s.type === 'number'))!;
    const [key, spec] = Object.entries(piece.params).find(([, s]) => s.type === 'number')! as [string, { min: number; max: number; default: number }];
    const value = spec.default === spec.max ? spec.min : spec.max;
    must({ type: 'wall.play', wallId: 'main', installationId: piece.id, params: { [key]: value }, transition: { type: 'fade', ms: 500 } });
    must({ type: 'show.blackout', on: false });

    await control.getByTestId('cue-record').click();
    await control.getByTestId('record-name').fill('Snapshot');
    await control.getByTestId('record-wall-canopy').uncheck();
    await control.getByTestId('record-save').click();
    await control.getByTestId('cue-snapshot').waitFor();
    const recorded = show().cues.find((q) => q.id === 'snapshot')!;
    expect(recorded.commands[0]).toEqual({ type: 'wall.play', wallId: 'main', installationId: piece.id, params: show().walls.main!.params, transition: { type: 'fade', ms: 500 } });

    // The show moves on: another piece, the master blackout on.
    const other = app.catalog.list().find((p) => p.id !== piece.id)!;
    must({ type: 'wall.play', wallId: 'main', installationId: other.id });
    must({ type: 'show.blackout', on: true });
    expect(show().walls.main!.installationId).toBe(other.id);

    await control.getByTestId('cue-standby-snapshot').click();
    await control.locator('[data-testid="cue-snapshot"][data-standby="true"]').waitFor();
    await control.locator('body').click({ position: { x: 5, y: 5 } });
    await control.keyboard.press('Space');
    await control.locator('[data-testid="cue-snapshot"][data-fired="true"]').waitFor();
    const main = show().walls.main!;
    expect(main.installationId).toBe(piece.id);
    expect(main.params[key]).toBe(value);
    expect(main.transition).toEqual({ type: 'fade', ms: 500 });
    expect(show().blackout).toBe(false);
    expect(show().screens['main-2']!.blackout).toBe(true); // recorded as it was
  });

  it('left no errors in the console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
