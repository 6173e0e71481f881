/**
 * The control panel sets a wall's rendering quality (wall.quality) and explains each level; the
 * cue editor edits commands it has no form for (wall.quality) as JSON, checked against the command
 * schema as they are typed, and a cue of such a command runs.
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

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
  const panel = await openPage(browser, `${app.url}/control`, { width: 1100, height: 800 });
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

const quality = () => app.store.get().walls.main!.quality;

describe('control panel: wall quality', () => {
  it('sets the quality of a wall from its settings, with a word on what each level does', async () => {
    await control.getByTestId('tab-walls').click();
    await control.getByTestId('pick-wall-main').click();
    const select = control.getByTestId('wall-quality');
    expect(await select.inputValue()).toBe('auto');
    expect(await control.getByTestId('wall-quality-help').innerText()).toMatch(/each screen picks from its own GPU and size/);
    await select.selectOption('low');
    await until(() => quality() === 'low', "the wall's quality to become low");
    await control.getByTestId('wall-quality-help').filter({ hasText: /^Low on every screen/ }).waitFor();
    expect(app.store.get().walls.canopy!.quality).toBe('auto');
  });

  it('builds a cue with a command as JSON, refusing an invalid one before it is sent', async () => {
    await control.getByTestId('tab-cues').click();
    await control.getByTestId('cue-new').click();
    await control.getByTestId('cue-name').fill('Sharp');
    await control.getByTestId('cmd-add').click();
    await control.getByTestId('cmd-type-0').selectOption('other');
    const json = control.getByTestId('cmd-json-0');
    await json.fill('{"type":"wall.quality","wallId":"main","quality":"ultra"}');
    expect(await json.getAttribute('aria-invalid')).toBe('true');
    await control.getByTestId('cue-save').click();
    await control.getByTestId('toast-error').filter({ hasText: 'command 1 is not valid' }).waitFor();
    expect(app.store.get().cues).toEqual([]);

    await json.fill('{"type":"wall.quality","wallId":"main","quality":"high"}');
    expect(await json.getAttribute('aria-invalid')).toBe('false');
    await control.getByTestId('cue-save').click();
    await control.getByTestId('cue-sharp').filter({ hasText: 'main quality high' }).waitFor();
    await control.getByTestId('cue-go').click();
    await until(() => quality() === 'high', "the cue to set the wall's quality to high");
  });

  it('left no errors in the console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
