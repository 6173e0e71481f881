import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { api, ask, connected, helloOf, nextEvent, pairedScreen, playLead, startServer, until } from '../support/server';
import type { App } from '../../server/app';
import type { Ack, DisplayView, ShowView } from '../../protocol';

// A still clock: the lead is then exactly startedAt − now.
const NOW = 1_800_000_000_000;
let app: App;
const sockets: Socket[] = [];
let pieces: Array<{ id: string; version: string }>;

const screen = (id: string) => pairedScreen(app, id, sockets);

const leadOf = (installationId: string) => playLead(app, installationId, NOW);

const preloadMsOf = async (id: string) => ((await api(app, 'GET', '/api/show')).body as unknown as ShowView).screens.find((s) => s.id === id)?.preloadMs;

beforeAll(async () => {
  app = await startServer({ time: () => NOW, playLeadMs: 600 });
  pieces = app.catalog.list().map((p) => ({ id: p.id, version: p.version }));
  expect(pieces.length).toBeGreaterThanOrEqual(3);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app.close();
});

describe('play lead: long enough for every screen of the wall to preload', () => {
  it('sizes the lead of wall.play on what the screens report', async () => {
    const [a, b, c] = pieces as [typeof pieces[0], typeof pieces[0], typeof pieces[0]];
    // No screen connected: the configured least lead.
    expect(await leadOf(a.id)).toBe(600);

    const s1 = await screen('main-1');
    const s2 = await screen('main-2');
    // Screens that reported nothing yet: a cautious default.
    expect(await leadOf(b.id)).toBe(1800);

    // main-1 took 3 s to load a piece cold: a piece it never loaded gets 2 × that + 200 ms.
    s1.emit('display:preloaded', { installationId: a.id, version: a.version, ms: 3000, cold: true });
    s2.emit('display:preloaded', { installationId: a.id, version: a.version, ms: 200, cold: true });
    await until(async () => (await preloadMsOf('main-1')) === 3000, 'main-1 preload time in GET /api/show');
    expect(await leadOf(c.id)).toBe(6200);

    // Both have c in their page now: the least lead again.
    s1.emit('display:preloaded', { installationId: c.id, version: c.version, ms: 40, cold: true });
    s2.emit('display:preloaded', { installationId: c.id, version: c.version, ms: 30, cold: true });
    s1.emit('display:preloaded', { installationId: a.id, version: a.version, ms: 1, cold: false });
    await until(async () => (await preloadMsOf('main-1')) === 40 && (await preloadMsOf('main-2')) === 30, 'the preload times of c');
    expect(await leadOf(a.id)).toBe(600);

    // A disconnected screen does not hold the wall back; an explicit `at` wins.
    s1.close();
    await until(async () => !((await api(app, 'GET', '/api/show')).body as unknown as ShowView).screens.find((s) => s.id === 'main-1')?.connected, 'main-1 gone');
    s2.emit('display:preloaded', { installationId: b.id, version: b.version, ms: 2000, cold: true });
    await until(async () => (await preloadMsOf('main-2')) === 2000, 'main-2 preload time of b');
    // main-2 loads b in 2 s; main-1 (never loaded b, 3 s cold) would need 6.2 s, but it is gone.
    expect(await leadOf(b.id)).toBe(4200);
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: c.id, at: NOW + 50 });
    expect(res.status).toBe(200);
    const show = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
    expect(show.walls.find((w) => w.id === 'main')!.startedAt).toBe(NOW + 50);
  });

  it('answers a malformed preload report with a notice and keeps going', async () => {
    const s = await screen('main-3');
    const notice = nextEvent<{ code: string; message: string }>(s, 'error:notice');
    s.emit('display:preloaded', { installationId: 'Not An Id!', ms: -4 });
    expect((await notice).code).toBe('bad_request');
    const res = await ask<Ack<{ view: DisplayView }>>(s, 'display:hello', helloOf(app, 'main-3'));
    expect(res.ok).toBe(true);
  });
});
