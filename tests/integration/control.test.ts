import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { ADMIN, ARTIST, api, ask, client, connected, nextEvent, startServer } from '../support/server';
import type { App } from '../../server/app';
import type { Ack, PieceSummary, Show, ShowView } from '../../protocol';

type TestApp = App & { dataDir: string };
const NOW = 1_750_000_000_000;
const sockets: Socket[] = [];
const apps: TestApp[] = [];

async function server(opts: Parameters<typeof startServer>[0] = {}): Promise<TestApp> {
  const app = await startServer(opts);
  apps.push(app);
  return app;
}
async function control(app: { url: string }, auth?: Record<string, string>, cookie?: string): Promise<Socket> {
  const s = cookie
    ? io(`${app.url}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } })
    : client(app, '/control', auth);
  sockets.push(s);
  await connected(s);
  return s;
}
function refusal(s: Socket): Promise<Error & { data?: { code?: string } }> {
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect_error', resolve);
    s.once('connect', () => reject(new Error('the socket was let in')));
  });
}
async function exported(app: { url: string }): Promise<Show> {
  const res = await api(app, 'GET', '/api/show/export');
  expect(res.status).toBe(200);
  return res.body as unknown as Show;
}
const withParam = (pieces: PieceSummary[]) => pieces.find((p) => Object.values(p.params).some((s) => s.type === 'number')) ?? pieces[0]!;

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(apps.map((a) => a.close()));
});

describe('one command language: socket and REST', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // Same frozen clock on both, so that scheduled times (now + lead) are the same.
    [a, b] = await Promise.all([server({ time: () => NOW }), server({ time: () => NOW })]);
  });

  it('the same commands give the same show, whichever way they come', async () => {
    const piece = withParam(a.catalog.list());
    const [key, spec] = Object.entries(piece.params).find(([, s]) => s.type === 'number') ?? [];
    const commands: unknown[] = [
      { type: 'wall.create', wallId: 'side', name: 'Side wall', width: 3840, height: 1080 },
      { type: 'screen.assign', screenId: 'side-1', wallId: 'side', rect: { x: 0, y: 0, w: 1920, h: 1080 } },
      { type: 'wall.layout', wallId: 'side', width: 3840, height: 1080, screens: [{ screenId: 'side-1', rect: { x: 0, y: 0, w: 1920, h: 1080 } }, { screenId: 'side-2', rect: { x: 1920, y: 0, w: 1920, h: 1080 } }] },
      { type: 'wall.audio', wallId: 'side', screenIds: ['side-2'] },
      { type: 'wall.visitors', wallId: 'side', cap: 50, input: false, showQr: true },
      { type: 'wall.rename', wallId: 'side', name: 'Side' },
      { type: 'wall.play', wallId: 'side', installationId: piece.id },
      ...(key && spec?.type === 'number' ? [{ type: 'wall.params', wallId: 'side', params: { [key]: spec.max } }] : []),
      { type: 'preset.save', installationId: piece.id, name: 'loud', params: key && spec?.type === 'number' ? { [key]: spec.min } : {} },
      { type: 'cue.save', cueId: 'one', name: 'One', commands: [{ type: 'wall.play', wallId: 'main', installationId: piece.id, preset: 'loud' }, { type: 'screen.blackout', screenId: 'side-1', on: true }] },
      { type: 'cue.save', cueId: 'two', name: 'Two', commands: [{ type: 'show.blackout', on: true }] },
      { type: 'cue.go' },
      { type: 'cue.next' },
      { type: 'cue.back' },
      { type: 'show.volume', volume: 0.3 },
      { type: 'schedule.set', schedule: { enabled: false, timezone: 'Asia/Tokyo', opening: '09:00', closing: '21:00', attract: { side: piece.id }, entries: [{ time: '12:00', cueId: 'two' }] } },
      { type: 'screen.identify', screenId: 'side-1' },
      { type: 'wall.pause', wallId: 'side', at: NOW + 1000 },
    ];
    const s = await control(a, { token: ADMIN });
    for (const c of commands) {
      const viaSocket = await ask<Ack<{ version: number }>>(s, 'command', c);
      const viaRest = await api(b, 'POST', '/api/commands', c);
      expect(viaSocket.ok, JSON.stringify({ c, viaSocket })).toBe(true);
      expect(viaRest.status).toBe(200);
      expect(viaRest.body).toEqual(viaSocket);
    }
    const [showA, showB] = [await exported(a), await exported(b)];
    // Each server made its own random keys for the demo screens (docs/display.md, pairing): the rest is the same.
    const unkeyed = (show: Show) => ({ ...show, screens: Object.fromEntries(Object.entries(show.screens).map(([id, c]) => [id, { ...c, key: undefined }])) });
    expect(unkeyed(showA)).toEqual(unkeyed(showB));
    expect(showA.walls.side).toMatchObject({ name: 'Side', visitorCap: 50, audioScreens: ['side-2'], pausedAt: NOW + 1000 });
    expect(showA.cuePosition).toBe(0);
    expect(showA.volume).toBe(0.3);
    expect(showA.screens['side-1']!.blackout).toBe(true);
  });

  it('refusals carry the same code and message, with the matching HTTP status over REST', async () => {
    const s = await control(a, { token: ADMIN });
    const cases: Array<[unknown, string, number]> = [
      [{ type: 'wall.play', wallId: 'nowhere', installationId: a.catalog.list()[0]!.id }, 'unknown_wall', 404],
      [{ type: 'wall.play', wallId: 'main', installationId: 'no-such-piece' }, 'unknown_installation', 404],
      [{ type: 'wall.create', wallId: 'main', name: 'again' }, 'conflict', 409],
      [{ type: 'cue.go', cueId: 'nope' }, 'unknown_cue', 404],
      [{ type: 'show.volume', volume: 7 }, 'bad_request', 400],
      [{ type: 'show.explode' }, 'bad_request', 400],
      [{ type: 'schedule.set', schedule: { enabled: true, timezone: 'Mars/Olympus', opening: '10:00', closing: '20:00', attract: {}, entries: [] } }, 'bad_request', 400],
    ];
    const before = (await exported(a)).version;
    for (const [c, code, status] of cases) {
      const viaSocket = await ask<Ack>(s, 'command', c);
      const viaRest = await api(a, 'POST', '/api/commands', c);
      expect(viaSocket).toMatchObject({ ok: false, error: { code } });
      expect(viaRest.status).toBe(status);
      expect(viaRest.body).toEqual(viaSocket);
      expect((viaSocket as { error: { message: string } }).error.message.length).toBeGreaterThan(10);
    }
    expect((await exported(a)).version).toBe(before);
  });

  it('the control mirror follows commands sent over REST', async () => {
    const s = await control(a, { token: ADMIN });
    const seen = nextEvent<ShowView>(s, 'control:state', (v) => v.volume === 0.55);
    expect((await api(a, 'POST', '/api/commands', { type: 'show.volume', volume: 0.55 })).status).toBe(200);
    expect((await seen).volume).toBe(0.55);
  });
});

describe('auth', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await server();
  });

  it('the control socket refuses no token, a wrong token, a forged cookie, and the artist token', async () => {
    const none = await refusal(client(app, '/control'));
    expect(none.data?.code).toBe('unauthorized');
    expect(none.message).toMatch(/sign in/);
    expect((await refusal(client(app, '/control', { token: 'not-the-token' }))).data?.code).toBe('unauthorized');
    const forged = io(`${app.url}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: `pavilion_session=technician.${Date.now() + 1e9}.AAAA` } });
    expect((await refusal(forged)).data?.code).toBe('unauthorized');
    expect((await refusal(client(app, '/control', { token: ARTIST }))).data?.code).toBe('forbidden');
  });

  it('technician REST routes refuse no token (401) and the artist token (403), and change nothing', async () => {
    const before = app.store.get().version;
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/show'],
      ['GET', '/api/show/export'],
      ['POST', '/api/commands', { type: 'show.blackout', on: true }],
      ['POST', '/api/show/import', app.store.get()],
    ];
    for (const [method, route, body] of routes) {
      const anon = await api(app, method, route, body, null);
      expect(anon.status, `${method} ${route}`).toBe(401);
      expect(anon.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect((await api(app, method, route, body, 'wrong-token')).status).toBe(401);
      const artist = await api(app, method, route, body, ARTIST);
      expect(artist.status, `${method} ${route} as artist`).toBe(403);
      expect(artist.body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(app.store.get().version).toBe(before);
    expect(app.store.get().blackout).toBe(false);
  });

  it('signing in sets an HttpOnly SameSite=Strict cookie that works for REST and the socket', async () => {
    const res = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, role: 'technician' });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('pavilion_session='));
    expect(setCookie).toBeDefined();
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie!.split(';')[0]!;

    const who = await fetch(`${app.url}/api/session`, { headers: { cookie } });
    expect(await who.json()).toEqual({ ok: true, role: 'technician' });
    const show = await fetch(`${app.url}/api/show`, { headers: { cookie } });
    expect(show.status).toBe(200);
    const cmd = await fetch(`${app.url}/api/commands`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'show.volume', volume: 0.25 }) });
    expect(cmd.status).toBe(200);

    const s = await control(app, undefined, cookie);
    const state = nextEvent<ShowView>(s, 'control:state', (v) => v.volume === 0.4);
    expect(await ask<Ack>(s, 'command', { type: 'show.volume', volume: 0.4 })).toMatchObject({ ok: true });
    expect((await state).volume).toBe(0.4);

    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    const out = await fetch(`${app.url}/api/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ ok: true, ended: true });
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('pavilion_session='));
    expect(cleared).toMatch(/pavilion_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    const anon = await fetch(`${app.url}/api/session`);
    expect(await anon.json()).toEqual({ ok: true, role: null });

    // Signing out ends the session on the server: its open socket is closed, and a copy of the
    // cookie is refused, by REST and by the socket, also after a restart.
    expect(await closed).toBe('io server disconnect');
    expect(await (await fetch(`${app.url}/api/session`, { headers: { cookie } })).json()).toEqual({ ok: true, role: null });
    expect((await fetch(`${app.url}/api/show`, { headers: { cookie } })).status).toBe(401);
    const again = io(`${app.url}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    expect((await refusal(again)).data?.code).toBe('unauthorized');
    await app.close();
    const restarted = await server({ dataDir: app.dataDir });
    expect((await fetch(`${restarted.url}/api/show`, { headers: { cookie } })).status).toBe(401);
    // A new sign-in works as before.
    const back = await fetch(`${restarted.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN }) });
    const fresh = back.headers.getSetCookie().find((c) => c.startsWith('pavilion_session='))!.split(';')[0]!;
    expect((await fetch(`${restarted.url}/api/show`, { headers: { cookie: fresh } })).status).toBe(200);
    app = restarted;
  });

  it('a wrong token is refused with 401; an artist cookie cannot open the control socket', async () => {
    const wrong = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'guess' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith('pavilion_session='))).toBe(false);
    const artist = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ARTIST }) });
    const cookie = artist.headers.getSetCookie().find((c) => c.startsWith('pavilion_session='))!.split(';')[0]!;
    const s = io(`${app.url}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    expect((await refusal(s)).data?.code).toBe('forbidden');
    expect((await fetch(`${app.url}/api/show`, { headers: { cookie } })).status).toBe(403);
  });
});

describe('sign-in rate limit', () => {
  it('failed sign-ins are rate limited with 429 and a readable message', async () => {
    const app = await server();
    const statuses: number[] = [];
    let last: { error?: { code?: string; message?: string } } = {};
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: `guess-${i}` }) });
      statuses.push(res.status);
      last = (await res.json()) as typeof last;
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(last.error?.code).toBe('rate_limited');
    expect(last.error?.message).toMatch(/wait/);
    // While limited, even the right token waits: guessing gains nothing.
    const right = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN }) });
    expect(right.status).toBe(429);
    // Bearer-token API calls are not affected by the sign-in limit.
    expect((await api(app, 'GET', '/api/show')).status).toBe(200);
  });
});
