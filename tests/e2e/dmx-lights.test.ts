/**
 * Pieces drive fixtures: Laser Score on a screen that plays its wall's sound writes its lights
 * (useLights), the stage sends them over the bridge, the page over its socket (display:lights),
 * and the server onto the mapped Art-Net channels, which dmxnet's receiver on 127.0.0.1 sees
 * change with the score.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api, startServer } from '../support/server';
import { launch, openPage } from '../support/browser';
import { STATIC_DIR, playOn, screenUrl } from '../support/stage';
import { artnetReceiver, type DmxReceiver } from '../support/dmx';
import type { App } from '../../server/app';

let app: App;
let browser: Browser;
let art: DmxReceiver;

const cmd = async (body: Record<string, unknown>) => {
  const res = await api(app, 'POST', '/api/commands', body);
  if (res.status !== 200) throw new Error(`${String(body.type)} refused: ${JSON.stringify(res.body)}`);
};

beforeAll(async () => {
  art = await artnetReceiver(1);
  app = await startServer({ staticDir: STATIC_DIR, playLeadMs: 100 });
  await cmd({ type: 'dmx.output', id: 'rig', protocol: 'artnet', host: '127.0.0.1', port: art.port, universe: 1 });
  await cmd({ type: 'wall.lights', wallId: 'main', map: {
    strobe: { output: 'rig', channel: 1 },
    'beam-1': { output: 'rig', channel: 2 }, 'beam-2': { output: 'rig', channel: 3 }, 'beam-3': { output: 'rig', channel: 4 }, 'beam-4': { output: 'rig', channel: 5 },
    wash: { output: 'rig', channel: 6 },
  } });
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await art?.close();
});

describe('a piece drives DMX fixtures', () => {
  it('Laser Score on the wall\'s sound screen moves its beam channels with the score; stopping it lets them go', async () => {
    const screen = await openPage(browser, screenUrl(app, 'main-1')); // main-1 plays the wall's sound
    await playOn(app, screen.page, 'main', 'laser-score', 3);
    const from = art.frames.length;
    await art.waitFor((v) => v[1]! > 0, { from, timeoutMs: 30_000 });
    // Cuts and kicks: the beam heads take many values within a few seconds, as the picture does.
    await art.waitFor(() => new Set(art.frames.slice(from).map((f) => f.values[1])).size >= 6, { from, timeoutMs: 30_000 });
    expect(art.frames.slice(from).some((f) => f.values[5]! > 0)).toBe(true); // the wash follows the haze
    const stopped = art.frames.length;
    await playOn(app, screen.page, 'main', null, 0);
    await art.waitFor((v) => v.slice(0, 6).every((x) => x === 0), { from: stopped, timeoutMs: 30_000 });
    expect(screen.consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
