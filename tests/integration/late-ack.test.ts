import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { api, connected, pairedScreen, startServer, until } from '../support/server';
import type { App } from '../../server/app';
import type { ShowView } from '../../protocol';

// A still clock: the time a screen has is exactly `at` − now.
const NOW = 1_800_000_000_000;
let app: App;
const sockets: Socket[] = [];

const screen = (id: string) => pairedScreen(app, id, sockets);
const preloadMsOf = async (id: string) => ((await api(app, 'GET', '/api/show')).body as unknown as ShowView).screens.find((s) => s.id === id)?.preloadMs;

beforeAll(async () => {
  app = await startServer({ time: () => NOW, playLeadMs: 600 });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app.close();
});

describe('an explicit `at` too soon for some screens (REST, real screens’ reports)', () => {
  it('is applied, and the ack names the screens that will be late, by about how much', async () => {
    const piece = app.catalog.list()[0]!;
    const s1 = await screen('main-1');
    const s2 = await screen('main-2');
    s1.emit('display:preloaded', { installationId: piece.id, version: piece.version, ms: 2500, cold: true });
    s2.emit('display:preloaded', { installationId: piece.id, version: piece.version, ms: 100, cold: true });
    await until(async () => (await preloadMsOf('main-1')) === 2500, 'main-1 preload time in GET /api/show');

    const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: piece.id, at: NOW + 1000 });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(app.store.get().walls.main!.startedAt).toBe(NOW + 1000);
    // main-1: 2500 + 50 (the view's trip) − 1000; main-2 has time; main-3 is not connected.
    expect(res.body.late).toEqual([{ screenId: 'main-1', byMs: 1550 }]);
    expect(String(res.body.warning)).toContain('main-1 by about 1.6 s');

    const later = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: piece.id, at: NOW + 5000 });
    expect(later.body.ok).toBe(true);
    expect(later.body.late).toBeUndefined();
  });
});
