import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ask, nextEvent, pairedScreen, playLead, startServer } from '../support/server';
import type { App } from '../../server/app';

// A still clock: the lead is then exactly startedAt − now.
const NOW = 1_800_000_000_000;
let app: App;
const sockets: Socket[] = [];
let piece: { id: string; version: string };

const screen = (id: string) => pairedScreen(app, id, sockets);

const leadOf = (installationId: string) => playLead(app, installationId, NOW);

/** A health report as a screen sends it every second, holding `warm` warm. */
const health = (warm?: string[]) => ({
  installationId: null,
  fps: 60,
  frameMsP95: 17,
  framesRendered: 100,
  memory: { geometries: 0, textures: 0, programs: 0 },
  clock: { offsetMs: 0, rttMs: 0.3, uncertaintyMs: 0.2 },
  ...(warm ? { warm } : {}),
});
/** Everything a screen sent before this is handled once the server answers a ping sent after it. */
const handled = (...ss: Socket[]) => Promise.all(ss.map((s) => ask(s, 'clock:ping', 1)));

beforeAll(async () => {
  app = await startServer({ time: () => NOW, playLeadMs: 600 });
  const p = app.catalog.list()[0]!;
  piece = { id: p.id, version: p.version };
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app.close();
});

describe('play lead: a piece every screen holds warm is adopted, not mounted', () => {
  it('sizes the lead on the screens’ adoption times while their health reports name the piece warm, and on its mount once one does not', async () => {
    const s1 = await screen('main-1');
    const s2 = await screen('main-2');
    const warm = `${piece.id}@${piece.version}`;
    s1.emit('display:preloaded', { installationId: piece.id, version: piece.version, ms: 3000, cold: true });
    s2.emit('display:preloaded', { installationId: piece.id, version: piece.version, ms: 1000, cold: true });
    await handled(s1, s2);
    expect(await leadOf(piece.id)).toBe(6200); // 2 × the slowest mount + 200 ms

    // Both hold it warm and have adopted it in 400 and 250 ms: 2 × 400 + 200.
    s1.emit('display:health', health([warm]));
    s2.emit('display:health', health([warm, 'echo@9.9.9']));
    s1.emit('display:preloaded', { installationId: piece.id, version: piece.version, ms: 400, cold: false, adopted: true });
    s2.emit('display:preloaded', { installationId: piece.id, version: piece.version, ms: 250, cold: false, adopted: true });
    await handled(s1, s2);
    expect(await leadOf(piece.id)).toBe(1000);

    // main-2 lets it go (its cache pushed it out): main-2 mounts it again, 1 s: 2 × 1000 + 200.
    s2.emit('display:health', health([]));
    await handled(s2);
    expect(await leadOf(piece.id)).toBe(2200);
    // An older page says nothing of warm pieces: the same.
    s2.emit('display:health', health());
    s2.emit('display:health', health([warm]));
    s1.emit('display:health', health());
    await handled(s1, s2);
    expect(await leadOf(piece.id)).toBe(6200);

    // A new page on main-1 (a reload) holds nothing warm, whatever its last report said.
    s1.emit('display:health', health([warm]));
    await handled(s1);
    expect(await leadOf(piece.id)).toBe(1000);
    s1.close();
    await screen('main-1');
    expect(await leadOf(piece.id)).toBe(6200);
  });

  it('refuses a health report whose warm list is out of bounds, with a notice', async () => {
    const s = await screen('main-3');
    const notice = nextEvent<{ code: string; message: string }>(s, 'error:notice');
    s.emit('display:health', health(Array.from({ length: 40 }, (_, i) => `p${i}@1.0.0`)));
    const n = await notice;
    expect(n.code).toBe('bad_request');
    expect(n.message).toMatch(/warm/);
  });
});
