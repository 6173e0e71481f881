import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, startServer, until } from '../support/server';
import { STATIC_DIR } from '../support/stage';
import { launch, openPanel } from '../support/browser';
import { artnetReceiver, type DmxReceiver } from '../support/dmx';

/**
 * The panel's DMX view (issue 15) in Chromium, against a real Art-Net receiver (dmxnet's) on
 * 127.0.0.1: an output added from the panel (a refusal first, shown with the server's reason), a
 * fader that moves the channel the receiver sees, a fade, a release, the packets counted, and the
 * blackout scene bound from the panel. Nothing is sent anywhere but loopback.
 */
const UNIVERSE = 0x21; // net 0, sub-net 2, universe 1
let app: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let art: DmxReceiver;
let panel: Page;

beforeAll(async () => {
  art = await artnetReceiver(UNIVERSE);
  app = await startServer({ staticDir: STATIC_DIR });
  browser = await launch();
  panel = (await openPanel(browser, `${app.url}/control#dmx`, { width: 1200, height: 900 })).page;
  await panel.getByTestId('tab-dmx').click();
  await panel.getByTestId('dmx-add-form').waitFor();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await art?.close();
});

describe('the DMX view', () => {
  it('adds an output (a refusal shows why), and a fader moves the channel an Art-Net receiver on loopback sees', async () => {
    await panel.getByTestId('dmx-add-id').fill('house');
    await panel.getByTestId('dmx-add-host').fill('127.0.0.1');
    await panel.getByTestId('dmx-add-port').fill(String(art.port));
    // Out of Art-Net's range: the server refuses, and the panel says why.
    await panel.getByTestId('dmx-add-universe').fill('40000');
    await panel.getByTestId('dmx-add-submit').click();
    await panel.getByTestId('toast-error').filter({ hasText: 'Art-Net universes are 0..32767' }).waitFor();
    expect(app.store.get().dmx?.outputs.house).toBeUndefined();

    await panel.getByTestId('dmx-add-universe').fill(String(UNIVERSE));
    await panel.getByTestId('dmx-add-submit').click();
    await panel.getByTestId('dmx-output-house').waitFor();
    expect(app.store.get().dmx?.outputs.house).toEqual({ id: 'house', protocol: 'artnet', host: '127.0.0.1', port: art.port, universe: UNIVERSE });

    // A fader: channel 3 to 200.
    const fader = panel.getByTestId('dmx-fader-house-3');
    await fader.fill('200');
    await art.waitFor((v) => v[2] === 200);
    await until(() => app.store.get().dmx?.values.house?.['3'] === 200, 'the level to be held in the show');
    await panel.getByTestId('dmx-level-house-3').and(panel.locator('[data-value="200"]')).waitFor();
    // The keyboard moves it too (one step down).
    await fader.focus();
    await panel.keyboard.press('ArrowLeft');
    await art.waitFor((v) => v[2] === 199);

    // A channel of another bank, opened from the level grid, with a fade: the receiver sees it pass through.
    await panel.getByTestId('dmx-fade-ms').fill('1000');
    await panel.getByTestId('dmx-level-house-40').click();
    const start = art.frames.length;
    await panel.getByTestId('dmx-fader-house-40').fill('100');
    const end = await art.waitFor((v) => v[39] === 100, { from: start });
    const seen = art.frames.slice(start, art.frames.indexOf(end)).map((f) => f.values[39]!);
    expect(seen.some((v) => v > 0 && v < 100), `channel 40 jumped to 100: ${seen.join(',')}`).toBe(true);
    await panel.getByTestId('dmx-fade-ms').fill('');

    // Release: back to 0.
    await panel.getByTestId('dmx-page-house').selectOption('0');
    await panel.getByTestId('dmx-release-house-3').click();
    await art.waitFor((v) => v[2] === 0 && v[39] === 100);
    await until(() => app.store.get().dmx?.values.house?.['3'] === undefined, 'channel 3 to be released');

    // The packets the server sent, counted in the card.
    await until(async () => Number(/(\d+) packets sent/.exec((await panel.getByTestId('dmx-packets-house').textContent()) ?? '')?.[1] ?? 0) > 0, 'the packet counter');
  }, 120_000);

  it('binds the blackout scene from the panel: a blackout brings channel 7 up', async () => {
    await panel.getByTestId('dmx-blackout-add').click();
    await panel.getByTestId('dmx-blackout-channel-0').fill('7');
    await panel.getByTestId('dmx-blackout-value-0').fill('255');
    await panel.getByTestId('dmx-blackout-bind').click();
    await until(() => app.store.get().dmx?.blackout?.scene.house?.['7'] === 255, 'the scene to be bound');
    await panel.getByTestId('dmx-blackout-state').filter({ hasText: 'Bound' }).waitFor();
    expect((await api(app, 'POST', '/api/commands', { type: 'show.blackout', on: true })).status).toBe(200);
    await art.waitFor((v) => v[6] === 255);
    // Removing the output is refused while the scene uses it: the toast says so, the output stays.
    await panel.getByTestId('dmx-remove-house').click();
    await panel.getByTestId('dmx-remove-house').click();
    await panel.getByTestId('toast-error').filter({ hasText: 'is part of the blackout scene' }).waitFor();
    expect(app.store.get().dmx?.outputs.house).toBeDefined();
  }, 60_000);
});
