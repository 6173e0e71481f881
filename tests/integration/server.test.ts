import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ADMIN, ARTIST, api, ask, client, connected, helloOf, nextEvent, startServer } from '../support/server';
import type { App } from '../../server/app';
import type { Ack, DisplayView, ShowView } from '../../protocol';

let app: App;
const sockets: Socket[] = [];
const open = async (ns: string, auth?: Record<string, string>) => {
  const s = client(app, ns, auth);
  sockets.push(s);
  await connected(s);
  return s;
};
const firstPiece = () => app.catalog.list()[0]!.id;

beforeAll(async () => {
  app = await startServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app.close();
});

describe('REST', () => {
  it('GET /api/health is public', async () => {
    const res = await api(app, 'GET', '/api/health', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', version: expect.any(String), uptimeS: expect.any(Number) });
  });

  it('GET /api/installations lists pieces with their manifest fields', async () => {
    const res = await api(app, 'GET', '/api/installations', undefined, null);
    expect(res.status).toBe(200);
    const pieces = res.body as unknown as Array<Record<string, unknown>>;
    expect(pieces.length).toBeGreaterThan(0);
    for (const p of pieces) expect(Object.keys(p)).toEqual(expect.arrayContaining(['id', 'title', 'artist', 'description', 'params']));
  });

  it('refuses technician routes without a token, or with a wrong or artist token', async () => {
    expect((await api(app, 'GET', '/api/show', undefined, null)).status).toBe(401);
    expect((await api(app, 'GET', '/api/show', undefined, 'wrong')).status).toBe(401);
    const none = await api(app, 'POST', '/api/commands', { type: 'show.blackout', on: true }, null);
    expect(none.status).toBe(401);
    expect(none.body.error?.code).toBe('unauthorized');
    const artist = await api(app, 'POST', '/api/commands', { type: 'show.blackout', on: true }, ARTIST);
    expect(artist.status).toBe(403);
    expect(app.store.get().blackout).toBe(false);
  });

  it('GET /api/show gives walls with pieces and params, and every screen', async () => {
    const res = await api(app, 'GET', '/api/show');
    expect(res.status).toBe(200);
    const view = res.body as unknown as ShowView;
    expect(view.walls.map((w) => w.id).sort()).toEqual(['canopy', 'main', 'vr']);
    expect(view.screens.map((s) => s.id)).toEqual(['canopy-1', 'main-1', 'main-2', 'main-3', 'vr-1']);
    for (const s of view.screens) expect(s).toMatchObject({ connected: false, fps: null, offsetMs: null, rttMs: null, errors: [] });
    expect(view.walls.find((w) => w.id === 'main')!.screens).toEqual(['main-1', 'main-2', 'main-3']);
  });

  it('POST /api/commands applies wall.play and answers errors with codes', async () => {
    const ok = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'canopy', installationId: firstPiece() });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, version: expect.any(Number) });
    expect(app.store.get().walls.canopy!.installationId).toBe(firstPiece());
    const bad = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'canopy' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(bad.body.error!.message).toContain('installationId');
    const unknown = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'canopy', installationId: 'no-such-piece' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('unknown_installation');
    const junk = await fetch(`${app.url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{not json' });
    expect(junk.status).toBe(400);
    expect(((await junk.json()) as { ok: boolean }).ok).toBe(false);
  });
});

describe('display namespace', () => {
  it('a screen registers and gets its assignment, then updates when its wall changes', async () => {
    const s = await open('/display');
    const res = await ask<Ack<{ view: DisplayView }>>(s, 'display:hello', helloOf(app, 'main-2'));
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.view.screen).toMatchObject({ id: 'main-2', wallId: 'main', known: true, rect: { x: 1920, y: 0, w: 1920, h: 1080 } });
    expect(res.view.wall?.screens.map((x) => x.id)).toEqual(['main-1', 'main-2', 'main-3']);
    const next = nextEvent<DisplayView>(s, 'display:view', (v) => v.wall?.installationId === firstPiece() && v.wall.startedAt === 123_456);
    await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId: firstPiece(), at: 123_456 });
    const view = await next;
    expect(view.wall?.manifest?.id).toBe(firstPiece());
    const show = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
    expect(show.screens.find((x) => x.id === 'main-2')!.connected).toBe(true);
  });

  it('an unknown screen id waits to be paired and never joins the show', async () => {
    const s = await open('/display');
    const res = await ask<Ack<{ view: DisplayView }>>(s, 'display:hello', { screenId: 'lobby-7' });
    expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const show = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
    expect(show.screens.find((x) => x.id === 'lobby-7')).toBeUndefined();
    expect(show.pending.find((p) => p.requestedId === 'lobby-7')).toMatchObject({ online: true });
  });

  it('rejects bad payloads with an error code and keeps serving', async () => {
    const s = await open('/display');
    for (const bad of [null, 42, 'main-1', { screenId: '../etc' }, { screenId: 'x'.repeat(100) }, { nope: true }]) {
      const res = await ask<Ack>(s, 'display:hello', bad);
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('bad_request');
    }
    // health before hello and garbage health are ignored; the server still answers
    s.emit('display:health', { fps: 'fast' });
    s.emit('display:error', 'boom');
    s.emit('clock:ping', 'not a number', () => {});
    const ok = await ask<Ack<{ view: DisplayView }>>(s, 'display:hello', helloOf(app, 'main-3'));
    expect(ok.ok).toBe(true);
    const reply = await ask<[number, number, number]>(s, 'clock:ping', 5);
    expect(reply[0]).toBe(5);
    expect(reply[1]).toBeGreaterThan(1e12);
    expect((await api(app, 'GET', '/api/health', undefined, null)).status).toBe(200);
  });

  it('reports health and piece errors into GET /api/show', async () => {
    const s = await open('/display');
    await ask(s, 'display:hello', helloOf(app, 'canopy-1'));
    s.emit('display:health', {
      installationId: firstPiece(), fps: 59.5, frameMsP95: 18.2, framesRendered: 600,
      memory: { geometries: 12, textures: 3, programs: 5 }, clock: { offsetMs: 0.12, rttMs: 0.8, uncertaintyMs: 0.4 },
    });
    s.emit('display:error', { installationId: firstPiece(), version: '1.0.0', phase: 'frame', message: 'kaboom', stack: 'Error: kaboom\n at frame' });
    const { until } = await import('../support/server');
    const screen = await until(async () => {
      const show = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
      const c = show.screens.find((x) => x.id === 'canopy-1');
      return c && c.fps !== null && c.errors.length ? c : null;
    }, 'health and error to reach /api/show');
    expect(screen).toMatchObject({ fps: 59.5, offsetMs: 0.12, rttMs: 0.8, installationId: firstPiece() });
    expect(screen.errors[0]).toMatchObject({ message: 'kaboom', phase: 'frame', version: '1.0.0' });
  });

  it('bounds payload size: an oversized message closes that socket only', async () => {
    const s = await open('/display');
    const closed = new Promise<void>((r) => s.once('disconnect', () => r()));
    s.emit('display:hello', { ...helloOf(app, 'main-1'), junk: 'x'.repeat(400_000) });
    await closed;
    expect((await api(app, 'GET', '/api/health', undefined, null)).status).toBe(200);
  });
});

describe('control namespace', () => {
  it('refuses a socket without the technician token', async () => {
    for (const auth of [undefined, { token: 'wrong' }, { token: ARTIST }]) {
      const s = client(app, '/control', auth);
      sockets.push(s);
      const err = await new Promise<Error & { data?: { code?: string } }>((resolve) => s.once('connect_error', resolve));
      expect(['unauthorized', 'forbidden']).toContain(err.data?.code);
    }
  });

  it('accepts commands with an ack, mirrors the show, and rejects bad ones', async () => {
    const s = await open('/control', { token: ADMIN });
    const state = nextEvent<ShowView>(s, 'control:state', (v) => v.blackout === true);
    const res = await ask<Ack<{ version: number }>>(s, 'command', { type: 'show.blackout', on: true });
    expect(res.ok).toBe(true);
    expect((await state).blackout).toBe(true);
    const bad = await ask<Ack>(s, 'command', { type: 'show.explode' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const none = await ask<Ack>(s, 'command', 'nonsense');
    expect(none.ok).toBe(false);
    await ask(s, 'command', { type: 'show.blackout', on: false });
  });
});
