/**
 * Backups in the panel (issue 19): export the show to a file, import a file with a preview of what
 * it changes and a confirmation, and restore the show it replaced from its restore point, all
 * without curl.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer } from '../support/server';
import { launch, openPanel } from '../support/browser';
import { STATIC_DIR } from '../support/stage';
import type { App } from '../../server/app';
import type { Show } from '../../protocol';

let app: App;
let browser: Browser;

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('control panel: backups', () => {
  it('exports the show, previews an import and imports it on confirmation, then restores the show it replaced', async () => {
    const { page, context, consoleErrors } = await openPanel(browser, `${app.url}/control#backups`, { width: 1100, height: 800 });
    await page.getByTestId('tab-backups').click();

    // Export: the downloaded file is the show.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-show').click()]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-export-')), download.suggestedFilename());
    await download.saveAs(file);
    const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as Show;
    expect(Object.keys(exported.walls).sort()).toEqual(Object.keys(app.store.get().walls).sort());

    // The file edited as a technician would: one wall renamed, one added.
    const first = Object.keys(exported.walls)[0]!;
    const edited: Show = { ...exported, walls: { ...exported.walls, [first]: { ...exported.walls[first]!, name: 'Renamed wall' }, lobby: { ...exported.walls[first]!, id: 'lobby', name: 'Lobby' } } };
    const editedFile = path.join(path.dirname(file), 'edited.json');
    fs.writeFileSync(editedFile, JSON.stringify(edited));

    await page.getByTestId('import-file').setInputFiles(editedFile);
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    expect(await preview.getByTestId('diff-walls').innerText()).toMatch(/added: lobby.*changed: /s);
    expect(app.store.get().walls.lobby, 'nothing changes before the confirmation').toBeUndefined();

    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-confirm').click(); // the second press confirms
    await page.getByText(/Imported 'edited.json'/).waitFor();
    expect(app.store.get().walls.lobby?.name).toBe('Lobby');
    expect(app.store.get().walls[first]?.name).toBe('Renamed wall');

    // The show before the import is the newest restore point: restoring it brings it back.
    const point = page.getByTestId('restore-point').first();
    await point.getByText('before an import').waitFor();
    await point.getByTestId('restore-preview').click();
    expect(await point.getByTestId('diff-walls').innerText()).toMatch(/removed: lobby/);
    await point.getByTestId('restore-confirm').click();
    await point.getByTestId('restore-confirm').click();
    await page.getByText(/Restored the show of/).waitFor();
    expect(app.store.get().walls.lobby).toBeUndefined();
    expect(app.store.get().walls[first]?.name).toBe(exported.walls[first]!.name);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
