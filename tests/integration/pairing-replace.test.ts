/**
 * Replacing a screen's computer keeps its calibration (issue 14): a technician whose projector PC
 * died pairs a new page as that screen (`screen.pair` with `replace`), and the screen keeps its
 * output stage (corner-pin, grid, blend, colour, mask) and its test pattern: in the show, in the new
 * page's view, in the panel's view, and after a restart. Only the key is new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Ack, DisplayPaired, DisplayPairing, DisplayView, ShowView } from '../../protocol';
import { api, ask, client, connected, helloOf, nextEvent, startServer } from '../support/server';

type App = Awaited<ReturnType<typeof startServer>>;
let app: App;
const sockets: Socket[] = [];
const SCREEN = 'main-2';
const output = {
  corners: [[0.02, 0.01], [0.97, 0], [1, 0.99], [0.01, 1]],
  grid: { cols: 2, rows: 3, points: [[0, 0], [1, 0], [0.02, 0.5], [0.98, 0.52], [0, 1], [1, 1]] },
  blend: { right: 300, gamma: 2.4, power: 3 },
  brightness: 0.9,
  gain: [1, 0.95, 0.9],
  black: 0.02,
  mask: [[0, 0], [1, 0], [1, 0.8], [0, 1]],
};

const command = async (body: Record<string, unknown>) => {
  const res = await api(app, 'POST', '/api/commands', body);
  expect(res.body, JSON.stringify(res.body)).toMatchObject({ ok: true });
};

async function page(): Promise<Socket> {
  const s = client(app, '/display');
  sockets.push(s);
  await connected(s);
  return s;
}

beforeAll(async () => {
  app = await startServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.close();
});

describe('screen.pair with replace', () => {
  it("keeps the replaced screen's output stage and pattern: in the show, the new page's view, the panel's, and after a restart", async () => {
    await command({ type: 'screen.output', screenId: SCREEN, ...output });
    await command({ type: 'screen.pattern', screenId: SCREEN, pattern: 'grid' });
    await command({ type: 'screen.blackout', screenId: SCREEN, on: true });
    const before = app.store.get().screens[SCREEN]!;
    expect(before).toMatchObject({ output, pattern: 'grid', blackout: true });

    // The old computer is connected; a new one opens /display without a key and shows a code.
    const old = await page();
    expect(await ask<Ack>(old, 'display:hello', helloOf(app, SCREEN))).toMatchObject({ ok: true });
    const fresh = await page();
    const pairing = nextEvent<DisplayPairing>(fresh, 'display:pairing');
    expect(await ask<Ack>(fresh, 'display:hello', { screenId: 'spare' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const { code } = await pairing;
    const paired = nextEvent<DisplayPaired>(fresh, 'display:paired');
    await command({ type: 'screen.pair', code, screenId: SCREEN, replace: true });
    const { key } = await paired;

    // The show: everything as before, but the key.
    const after = app.store.get().screens[SCREEN]!;
    expect(after.key).toBe(key);
    expect(after.key).not.toBe(before.key);
    expect({ ...after, key: undefined }).toEqual({ ...before, key: undefined });

    // The new page's view carries the calibration, and so does the panel's.
    const hello = await ask<Ack<{ view: DisplayView }>>(fresh, 'display:hello', { screenId: SCREEN, key });
    expect(hello.ok && hello.view.screen).toMatchObject({ id: SCREEN, output, pattern: 'grid', rect: before.rect, wallId: before.wallId });
    const view = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
    expect(view.screens.find((s) => s.id === SCREEN)).toMatchObject({ output, pattern: 'grid' });

    // Durable: a restarted server still has it.
    const dataDir = app.dataDir;
    for (const s of sockets.splice(0)) s.close();
    await app.close();
    app = await startServer({ dataDir });
    expect(app.store.get().screens[SCREEN]).toMatchObject({ output, pattern: 'grid', key });
  });

  it('a replacement may still move the screen: a new wall or rect given with it wins, the calibration stays', async () => {
    const s = await page();
    const pairing = nextEvent<DisplayPairing>(s, 'display:pairing');
    await ask(s, 'display:hello', { screenId: 'spare-2' });
    const { code } = await pairing;
    await command({ type: 'screen.pair', code, screenId: SCREEN, replace: true, wallId: null, rect: { x: 0, y: 0, w: 1280, h: 720 } });
    expect(app.store.get().screens[SCREEN]).toMatchObject({ wallId: null, rect: { x: 0, y: 0, w: 1280, h: 720 }, output, pattern: 'grid' });
  });
});
