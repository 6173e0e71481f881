import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ADMIN, api, ask, client, connected, nextEvent, startServer, until } from '../support/server';
import type { App } from '../../server/app';
import type { Ack, DisplayView, ScreenStatus, ShowView } from '../../protocol';

// A screen whose heartbeats stop while its socket still looks connected (a machine asleep, a hung
// page) is marked stale, and the panel sees it. The server's time source is the real clock plus a
// skew the test moves forward: no waiting for the threshold.
let skew = 0;
let app: App & { dataDir: string };
let panel: Socket;
let screen: Socket;

const HEALTH = {
  installationId: null,
  fps: 60,
  frameMsP95: 17,
  framesRendered: 600,
  memory: { geometries: 1, textures: 0, programs: 1 },
  clock: { offsetMs: 0.01, rttMs: 0.4, uncertaintyMs: 0.2 },
};

/** A paired screen says hello with its key (the demo screens are paired from the start). */
const hello = (id: string) => ({ screenId: id, key: (app.store.get().screens[id] as { key?: string } | undefined)?.key });

async function status(id: string): Promise<ScreenStatus | undefined> {
  const view = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
  return view.screens.find((s) => s.id === id);
}

beforeAll(async () => {
  app = await startServer({ time: () => performance.timeOrigin + performance.now() + skew });
  panel = client(app, '/control', { token: ADMIN });
  screen = client(app, '/display');
  await Promise.all([connected(panel), connected(screen)]);
  expect((await ask<Ack<{ view: DisplayView }>>(screen, 'display:hello', hello('main-2'))).ok).toBe(true);
});
afterAll(async () => {
  panel?.close();
  screen?.close();
  await app?.close();
});

describe('stale screens', () => {
  it('a connected screen that reports is not stale, and its last heartbeat is known', async () => {
    screen.emit('display:health', HEALTH);
    const s = await until(async () => {
      const st = await status('main-2');
      return st?.fps === 60 ? st : null;
    }, 'the health report');
    expect(s).toMatchObject({ connected: true, stale: false });
    expect(typeof s.heartbeatAt).toBe('number');
  });

  it('no heartbeat for longer than the threshold (10 s): stale, in the panel too, while still connected', async () => {
    const before = (await status('main-2'))!.heartbeatAt!;
    const seen = nextEvent<ShowView>(panel, 'control:state', (v) => v.screens.some((s) => s.id === 'main-2' && s.stale));
    skew += 11_000;
    const mirrored = (await seen).screens.find((s) => s.id === 'main-2')!;
    expect(mirrored).toMatchObject({ connected: true, stale: true, heartbeatAt: before });
    expect(await status('main-2')).toMatchObject({ connected: true, stale: true });
    // Another screen that only just connected is not stale.
    const fresh = client(app, '/display');
    try {
      await connected(fresh);
      expect((await ask<Ack<{ view: DisplayView }>>(fresh, 'display:hello', hello('main-3'))).ok).toBe(true);
      expect(await status('main-3')).toMatchObject({ connected: true, stale: false });
    } finally {
      fresh.close();
    }
  });

  it('a heartbeat makes it fresh again at once', async () => {
    const seen = nextEvent<ShowView>(panel, 'control:state', (v) => v.screens.some((s) => s.id === 'main-2' && !s.stale));
    screen.emit('display:health', HEALTH);
    expect((await seen).screens.find((s) => s.id === 'main-2')).toMatchObject({ connected: true, stale: false });
  });

  it('a disconnected screen is offline, not stale', async () => {
    skew += 11_000;
    await until(async () => (await status('main-2'))?.stale, 'main-2 to turn stale again');
    screen.close();
    await until(async () => (await status('main-2'))?.connected === false, 'main-2 to disconnect');
    skew += 11_000;
    expect(await status('main-2')).toMatchObject({ connected: false, stale: false });
  });
});
