import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { VisitorFrame, VisitorView, VisitorWireFrame } from '../../protocol';
import { ADMIN, api, ask, client, connected, helloOf, nextEvent, startServer, until } from '../support/server';
import { wholeFrames } from '../support/visitor-frames';

type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };
type App = Awaited<ReturnType<typeof startServer>>;

/** Two pieces of our own, so the test does not depend on what the bundled pieces declare. */
function installations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-pieces-'));
  const write = (id: string, inputs: unknown[]) => {
    fs.mkdirSync(path.join(dir, id));
    fs.writeFileSync(path.join(dir, id, 'manifest.json'), JSON.stringify({ id, title: `Piece ${id}`, artist: 'Test Artist', description: 'For tests.', params: {}, inputs }));
  };
  write('aa-pads', [
    { id: 'pad', type: 'xy', label: { en: 'Pad', fr: 'Pavé' } },
    { id: 'go', type: 'button', label: 'Go' },
    { id: 'word', type: 'text', label: 'Word', maxLength: 12 },
  ]);
  write('bb-tilt', [{ id: 'tilt', type: 'tilt', label: 'Tilt' }]);
  return dir;
}

let app: App;
const open: Socket[] = [];

function track<T extends Socket>(s: T): T {
  open.push(s);
  return s;
}

async function phone(wallId = 'main', visitorId = `phone-${Math.random().toString(36).slice(2, 12)}`) {
  const socket = track(client(app, '/visitor'));
  await connected(socket);
  const res = await ask<Ack<{ view: VisitorView }>>(socket, 'visitor:join', { wallId, visitorId });
  return { socket, res, visitorId };
}

async function joined(wallId = 'main') {
  const p = await phone(wallId);
  if (!p.res.ok) throw new Error(p.res.error.message);
  return { ...p, view: p.res.view };
}

/** A display client registered as screen main-1: it is in room wall:main and gets the frames. */
async function screen(screenId = 'main-1') {
  const socket = track(client(app, '/display'));
  const frames = wholeFrames(socket);
  await connected(socket);
  const hello = await ask<Ack>(socket, 'display:hello', helloOf(app, screenId));
  expect(hello.ok).toBe(true);
  return { socket, frames, latest: () => frames.at(-1) };
}

const command = (body: unknown) => api(app, 'POST', '/api/commands', body);

beforeAll(async () => {
  // 300 simulated phones all come from 127.0.0.1: lift the per-address cap (tests/integration/visitor-limits.test.ts tests it).
  app = await startServer({ installationsDir: installations(), visitors: { graceMs: 300 }, visitorsPerAddress: 10_000 });
});
afterAll(async () => {
  await app.close();
});
afterEach(async () => {
  for (const s of open.splice(0)) s.disconnect();
  await command({ type: 'wall.visitors', wallId: 'main', cap: 200, input: true });
  await command({ type: 'wall.play', wallId: 'main', installationId: 'aa-pads' });
  await until(() => app.visitors.list('main').length === 0, 'every visitor gone (grace over)');
});

describe('visitors (real server, real socket.io clients)', () => {
  it('screens get a full frame first, then what changed: states, newcomers, leavers; a new screen or a resync brings a full frame', async () => {
    const wire = async (screenId = 'main-1') => {
      const socket = track(client(app, '/display'));
      const got: VisitorWireFrame[] = [];
      socket.on('visitors:frame', (f: VisitorWireFrame) => got.push(f));
      await connected(socket);
      expect((await ask<Ack>(socket, 'display:hello', helloOf(app, screenId))).ok).toBe(true);
      return { socket, got };
    };
    const a = await joined();
    const b = await joined();
    const { socket: screenSocket, got: seen } = await wire();
    await until(() => seen.some((f) => f.full && f.visitors.length === 2), 'a full frame with both visitors');
    const fullAt = seen.length;
    await ask(a.socket, 'visitor:input', { input: 'pad', value: { x: 0.25, y: -0.5 } });
    await until(() => seen.slice(fullAt).some((f) => f.visitors.some((v) => v.id === a.view.visitorId)), "a frame with a's input");
    const delta = seen.slice(fullAt).find((f) => f.visitors.some((v) => v.id === a.view.visitorId))!;
    expect(delta.full).toBe(false);
    expect(delta.visitors.map((v) => v.id)).toEqual([a.view.visitorId]);
    expect(delta.visitors[0]!.input.pad).toEqual({ x: 0.25, y: -0.5 });
    expect(delta.prev).toBe(seen[seen.indexOf(delta) - 1]!.seq);
    // b leaves: a frame that says so, and nothing else about the others
    let from = seen.length;
    b.socket.disconnect();
    await until(() => seen.slice(from).some((f) => f.gone?.length), 'a frame with b gone', 5000);
    const left = seen.slice(from).find((f) => f.gone?.length)!;
    expect(left).toMatchObject({ full: false, gone: [b.view.visitorId], visitors: [] });
    // c comes: a frame with c alone, as a newcomer
    from = seen.length;
    const c = await joined();
    await until(() => seen.slice(from).some((f) => f.visitors.some((v) => v.id === c.view.visitorId)), 'a frame with c', 5000);
    const came = seen.slice(from).find((f) => f.visitors.some((v) => v.id === c.view.visitorId))!;
    expect(came.full).toBe(false);
    expect(came.visitors.map((v) => v.id)).toEqual([c.view.visitorId]);
    // while a's inputs keep deltas flowing: a second screen of the wall starts from a full frame, and a resync brings one
    let x = 0;
    const moving = setInterval(() => void a.socket.emit('visitor:input', { input: 'pad', value: { x: (x = (x + 0.01) % 1), y: 0 } }), 15);
    try {
      await until(() => seen.length > 3 && seen.slice(-3).every((f) => !f.full && f.visitors.length === 1), 'deltas flowing');
      const other = await wire('main-2');
      await until(() => other.got.length > 0, "the new screen's first frame", 5000);
      expect(other.got[0]!.full).toBe(true);
      expect(other.got[0]!.visitors.map((v) => v.id)).toEqual([a.view.visitorId, c.view.visitorId]);
      await until(() => seen.length > 3 && seen.slice(-3).every((f) => !f.full), 'deltas flowing again');
      from = seen.length;
      screenSocket.emit('display:resync');
      await until(() => seen.length > from + 2, 'frames after the resync', 5000);
      expect(seen[from]!.full || seen[from + 1]!.full).toBe(true);
    } finally {
      clearInterval(moving);
    }
  });

  it("300 phones: everyone's input reaches the wall's screens in frames", async () => {
    await command({ type: 'wall.visitors', wallId: 'main', cap: 1000 });
    const display = await screen();
    const phones = await Promise.all(Array.from({ length: 300 }, () => joined()));
    for (const p of phones) expect(p.view).toMatchObject({ status: 'playing', wallId: 'main', piece: { id: 'aa-pads', artist: 'Test Artist' } });
    expect(new Set(phones.map((p) => p.view.visitorId)).size).toBe(300);

    const acks = await Promise.all(
      phones.map((p, i) => ask<Ack<{ seq: number }>>(p.socket, 'visitor:input', { input: 'pad', value: { x: ((i % 200) - 100) / 100, y: 0.5 }, sentAt: Date.now() })),
    );
    for (const a of acks) expect(a).toMatchObject({ ok: true, seq: expect.any(Number) });
    await ask(phones[7]!.socket, 'visitor:input', { input: 'go', value: true });

    const want = new Map(phones.map((p, i) => [p.view.visitorId, ((i % 200) - 100) / 100]));
    await until(() => {
      const f = display.latest();
      if (!f || f.visitors.length !== 300) return false;
      return f.visitors.every((v) => (v.input.pad as { x: number } | undefined)?.x === want.get(v.id));
    }, 'a frame with all 300 inputs');
    const f = display.latest()!;
    expect(f.wallId).toBe('main');
    expect(f.visitors.every((v) => typeof v.hue === 'number' && v.hue >= 0 && v.hue < 1)).toBe(true);
    // frames carry increasing sequence numbers, and the button press arrives as an event exactly once
    const pressed = () => display.frames.flatMap((fr) => fr.events).filter((e) => e.input === 'go');
    await until(() => pressed().length > 0, 'the button press in a frame');
    await ask(phones[8]!.socket, 'visitor:input', { input: 'go', value: true });
    await until(() => pressed().length > 1, 'a second press in a later frame');
    for (let i = 1; i < display.frames.length; i++) expect(display.frames[i]!.seq).toBeGreaterThan(display.frames[i - 1]!.seq);
    const presses = pressed().slice(0, 1);
    expect(presses).toEqual([expect.objectContaining({ visitorId: phones[7]!.view.visitorId, value: true })]);
    // screens see public ids only, never the phones' secret ids
    expect(JSON.stringify(display.frames)).not.toContain(phones[0]!.visitorId);
    expect(app.visitors.stats('main').visitors).toBe(300);
  });

  it("a phone says how its clock pings go, and the visitor list shows it; junk changes nothing", async () => {
    const a = await joined();
    const row = async () => ((await api(app, 'GET', '/api/walls/main/visitors')).body as { visitors: Array<{ id: string; clockPath: string | null }> }).visitors.find((v) => v.id === a.view.visitorId);
    expect((await row())?.clockPath).toBeNull();
    a.socket.emit('visitor:clock', { path: 'socketio' });
    await until(async () => (await row())?.clockPath === 'socketio', 'the list to show the socket.io path');
    a.socket.emit('visitor:clock', { path: 'carrier-pigeon' });
    a.socket.emit('visitor:clock', 'responder');
    a.socket.emit('visitor:clock', { path: 42 });
    // A round trip after the junk: the server has read it, dropped it, and kept the socket.
    expect((await ask<Ack>(a.socket, 'visitor:input', { input: 'go', value: true })).ok).toBe(true);
    expect((await row())?.clockPath).toBe('socketio');
    a.socket.emit('visitor:clock', { path: 'responder' });
    await until(async () => (await row())?.clockPath === 'responder', 'the list to show the responder path');
  });

  it('phones never receive other phones’ input', async () => {
    const a = await joined();
    const b = await joined();
    const seen: string[] = [];
    b.socket.onAny((event) => seen.push(event));
    await ask(a.socket, 'visitor:input', { input: 'go', value: true });
    await ask(a.socket, 'visitor:input', { input: 'pad', value: { x: 0, y: 0 } });
    await ask(b.socket, 'visitor:input', { input: 'go', value: true }); // a round trip after a's inputs
    expect(seen).toEqual([]);
  });

  it('a flooding visitor is throttled, then disconnected when it keeps sending; the others carry on', async () => {
    await command({ type: 'wall.visitors', wallId: 'main', cap: 1000 });
    const display = await screen();
    const flood = await joined();
    const calm = await Promise.all(Array.from({ length: 50 }, () => joined()));
    // the flood: 600 inputs without waiting for answers; it is cut off after 100 refusals in a row
    const fr: Ack[] = [];
    const cutOff = new Promise<void>((resolve) => flood.socket.once('disconnect', () => resolve()));
    for (let i = 0; i < 600; i++) flood.socket.emit('visitor:input', { input: 'pad', value: { x: (i % 100) / 100, y: 0 } }, (a: Ack) => void fr.push(a));
    // meanwhile each calm phone sends 5 inputs, one in flight at a time
    const calmResults = await Promise.all(
      calm.map(async (p, k) => {
        const out: Ack[] = [];
        for (let i = 0; i < 5; i++) out.push(await ask<Ack>(p.socket, 'visitor:input', { input: 'pad', value: { x: -0.5, y: (k % 10) / 10 } }));
        return out;
      }),
    );
    await cutOff;
    const refused = fr.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThanOrEqual(100); // the last 100 in a row, at least
    expect(fr.length).toBeLessThan(600); // the rest never got in
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/too many inputs/) } });
    for (const acks of calmResults) for (const a of acks) expect(a.ok).toBe(true);
    await until(() => {
      const f = display.latest();
      return f && calm.every((p, k) => {
        const v = f.visitors.find((x) => x.id === p.view.visitorId);
        return (v?.input.pad as { y: number } | undefined)?.y === (k % 10) / 10;
      });
    }, 'every calm phone in the frames');
  });

  it('malformed input and malformed joins are refused with an error code', async () => {
    const p = await joined();
    const cases: unknown[] = [
      { input: 'pad', value: { x: 3, y: 0 } },
      { input: 'pad', value: 'left' },
      { input: 'nope', value: true },
      { input: 'word', value: 'bad\u0007bell' },
      { input: 'word', value: 'much too long a word' },
      'garbage',
      null,
    ];
    for (const c of cases) {
      const r = await ask<Ack>(p.socket, 'visitor:input', c);
      expect(r, JSON.stringify(c)).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.any(String) } });
    }
    expect(await ask<Ack>(p.socket, 'visitor:input', { input: 'word', value: ' salut ' })).toMatchObject({ ok: true });

    const stranger = track(client(app, '/visitor'));
    await connected(stranger);
    expect(await ask<Ack>(stranger, 'visitor:input', { input: 'go', value: true })).toMatchObject({ ok: false, error: { code: 'not_allowed_now' } });
    expect(await ask<Ack>(stranger, 'visitor:join', { wallId: 'main', visitorId: 'x' })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/visitorId/) } });
    expect(await ask<Ack>(stranger, 'visitor:join', { wallId: 'atlantis', visitorId: 'phone-12345678' })).toMatchObject({ ok: false, error: { code: 'unknown_wall' } });
    expect(await ask<Ack>(stranger, 'visitor:join', 'hello')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('a visitor socket cannot send commands', async () => {
    const p = await joined();
    const before = await api(app, 'GET', '/api/show');
    const res = await ask<Ack>(p.socket, 'command', { type: 'show.blackout', on: true });
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const kick = await ask<Ack>(p.socket, 'command', { type: 'visitor.kick', visitorId: 'someone-else' });
    expect(kick.ok).toBe(false);
    p.socket.emit('control:watch', { thumbnails: true });
    p.socket.emit('display:hello', { screenId: 'main-1' });
    const after = await api(app, 'GET', '/api/show');
    expect(after.body.blackout).toBe(false);
    expect(after.body.version).toBe(before.body.version);
    // and it is still a working phone
    expect(await ask<Ack>(p.socket, 'visitor:input', { input: 'go', value: true })).toMatchObject({ ok: true });
  });

  it('a server that falls behind asks its phones to send less often (pace in the answer)', async () => {
    const p = await joined();
    const send = () => ask<Ack<{ seq: number; pace?: number }>>(p.socket, 'visitor:input', { input: 'pad', value: { x: 0.1, y: 0.2 } });
    for (let i = 0; i < 4; i++) app.visitors.loopLag(500); // as the transport reports a lagging event loop
    const busy = await send();
    expect(busy.ok).toBe(true);
    const pace = busy.ok ? (busy.pace ?? 0) : 0;
    expect(pace).toBeGreaterThanOrEqual(200);
    for (let i = 0; i < 200; i++) app.visitors.loopLag(0); // caught up
    const calm = await send();
    expect(calm.ok && (calm.pace ?? 0)).toBeLessThan(pace);
  });

  it('over the cap, visitors queue, see their position, and move up', async () => {
    await command({ type: 'wall.visitors', wallId: 'main', cap: 2 });
    const a = await joined();
    const b = await joined();
    const c = await joined();
    const d = await joined();
    expect([a, b, c, d].map((p) => [p.view.status, p.view.queuePosition])).toEqual([['playing', 0], ['playing', 0], ['queued', 1], ['queued', 2]]);
    expect(await ask<Ack>(c.socket, 'visitor:input', { input: 'go', value: true })).toMatchObject({ ok: false, error: { code: 'not_allowed_now', message: expect.stringMatching(/queue/) } });
    expect(app.visitors.stats('main')).toMatchObject({ visitors: 2, queue: 2 });

    const cPlays = nextEvent<VisitorView>(c.socket, 'visitor:view', (v) => v.status === 'playing');
    const dMoves = nextEvent<VisitorView>(d.socket, 'visitor:view', (v) => v.queuePosition === 1);
    a.socket.disconnect(); // after the grace period, c takes a's place
    await cPlays;
    expect((await dMoves).status).toBe('queued');
    expect(await ask<Ack>(c.socket, 'visitor:input', { input: 'go', value: true })).toMatchObject({ ok: true });

    // raising the cap lets d in at once
    const dPlays = nextEvent<VisitorView>(d.socket, 'visitor:view', (v) => v.status === 'playing');
    await command({ type: 'wall.visitors', wallId: 'main', cap: 10 });
    await dPlays;
  });

  it('visitors who come and go leave nothing behind: 120 through a wall of 10 places, playing, queued, reloaded and gone', async () => {
    await command({ type: 'wall.visitors', wallId: 'main', cap: 10 });
    const display = await screen();
    const stayers = await Promise.all(Array.from({ length: 5 }, () => joined()));
    const stayerIds = stayers.map((p) => p.view.visitorId).sort();
    const statuses = new Set<string>();
    for (let wave = 0; wave < 6; wave++) {
      const ps = await Promise.all(Array.from({ length: 20 }, () => joined()));
      for (const p of ps) statuses.add(p.view.status);
      await Promise.all(ps.map((p, i) => ask<Ack>(p.socket, 'visitor:input', { input: 'pad', value: { x: i / 20, y: wave / 6 } })));
      // every fourth reloads its page (same id, new socket) within the grace, and leaves from there
      const reloading = ps.filter((_, i) => i % 4 === 0);
      for (const p of reloading) p.socket.disconnect();
      const reloaded = await Promise.all(reloading.map((p) => phone('main', p.visitorId)));
      for (const r of reloaded) expect(r.res.ok).toBe(true);
      for (const p of ps) p.socket.disconnect();
      for (const r of reloaded) r.socket.disconnect();
    }
    expect([...statuses].sort()).toEqual(['playing', 'queued']);
    await until(() => app.visitors.list('main').length === 5, 'only the five who stayed held on the wall');
    const held = app.visitors.list('main');
    expect(held.map((v) => v.id).sort()).toEqual(stayerIds);
    expect(held.every((v) => v.connected && v.status === 'playing')).toBe(true);
    expect(app.visitors.stats('main')).toMatchObject({ visitors: 5, queue: 0 });
    // the screens' frames list the five, and every place the others had is free again
    await until(() => JSON.stringify(display.latest()?.visitors.map((v) => v.id).sort()) === JSON.stringify(stayerIds), 'frames with the five alone');
    const next = await Promise.all(Array.from({ length: 5 }, () => joined()));
    expect(next.map((p) => p.view.status)).toEqual(['playing', 'playing', 'playing', 'playing', 'playing']);
  });

  it('a reload (same id, new socket) keeps the place and the colour', async () => {
    await command({ type: 'wall.visitors', wallId: 'main', cap: 1 });
    const first = await joined();
    first.socket.disconnect();
    const again = await phone('main', first.visitorId);
    expect(again.res).toMatchObject({ ok: true, view: { status: 'playing', visitorId: first.view.visitorId, hue: first.view.hue } });
  });

  it('kick: the phone is told and disconnected, vanishes from the frames, and cannot come straight back', async () => {
    const display = await screen();
    const victim = await joined();
    const other = await joined();
    await until(() => display.latest()?.visitors.some((v) => v.id === victim.view.visitorId), 'victim on the wall');
    // The technician finds the visitor in the wall's list (public ids only) …
    const list = await api(app, 'GET', '/api/walls/main/visitors');
    expect(list.status).toBe(200);
    const ids = (list.body.visitors as Array<{ id: string; status: string }>).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining([victim.view.visitorId, other.view.visitorId]));
    // … with what the panel's list shows: colour, status, connection, the server's clock and the ban time.
    expect(list.body).toMatchObject({ now: expect.any(Number), banMs: 10 * 60_000 });
    expect((list.body.visitors as unknown[]).find((v) => (v as { id: string }).id === victim.view.visitorId)).toMatchObject({ hue: victim.view.hue, status: 'playing', queuePosition: 0, connected: true });
    expect(JSON.stringify(list.body)).not.toContain(victim.visitorId);
    expect((await api(app, 'GET', '/api/walls/atlantis/visitors')).status).toBe(404);
    expect((await api(app, 'GET', '/api/walls/main/visitors', undefined, null)).status).toBe(401);
    // … and kicks them.
    const told = nextEvent<{ message: string; reason: string }>(victim.socket, 'visitor:kicked');
    const gone = new Promise<void>((r) => victim.socket.once('disconnect', () => r()));
    const res = await command({ type: 'visitor.kick', visitorId: victim.view.visitorId });
    expect(res.body.ok).toBe(true);
    expect(await told).toMatchObject({ reason: 'kick', message: expect.stringMatching(/staff/) });
    await gone;
    await until(() => {
      const f = display.latest();
      return f && !f.visitors.some((v) => v.id === victim.view.visitorId) && f.visitors.some((v) => v.id === other.view.visitorId);
    }, 'a frame without the kicked visitor');
    const back = await phone('main', victim.visitorId);
    expect(back.res).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('piece switches and pauses reach every phone', async () => {
    const phones = await Promise.all(Array.from({ length: 20 }, () => joined()));
    const switched = Promise.all(phones.map((p) => nextEvent<VisitorView>(p.socket, 'visitor:view', (v) => v.piece?.id === 'bb-tilt')));
    await command({ type: 'wall.play', wallId: 'main', installationId: 'bb-tilt' });
    for (const v of await switched) expect(v.piece!.inputs).toEqual([{ id: 'tilt', type: 'tilt', label: 'Tilt' }]);
    const p = phones[0]!;
    expect(await ask<Ack>(p.socket, 'visitor:input', { input: 'pad', value: { x: 0, y: 0 } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await ask<Ack>(p.socket, 'visitor:input', { input: 'tilt', value: { x: 0.2, y: -0.3 } })).toMatchObject({ ok: true });

    const paused = Promise.all(phones.map((q) => nextEvent<VisitorView>(q.socket, 'visitor:view', (v) => v.status === 'paused')));
    await command({ type: 'wall.visitors', wallId: 'main', input: false });
    await paused;
    expect(await ask<Ack>(p.socket, 'visitor:input', { input: 'tilt', value: { x: 0, y: 0 } })).toMatchObject({
      ok: false,
      error: { code: 'not_allowed_now', message: expect.stringMatching(/paused/) },
    });
    const resumed = nextEvent<VisitorView>(p.socket, 'visitor:view', (v) => v.status === 'playing');
    await command({ type: 'wall.visitors', wallId: 'main', input: true });
    await resumed;
  });

  it('the control panel sees visitors and inputs per second on each wall', async () => {
    const control = track(client(app, '/control', { token: ADMIN }));
    const states: Array<{ walls: Array<{ id: string; visitors: number; inputsPerSecond: number; queue: number }> }> = [];
    control.on('control:state', (s: (typeof states)[number]) => states.push(s));
    await connected(control);
    const phones = await Promise.all(Array.from({ length: 12 }, () => joined()));
    const main = () => states.at(-1)?.walls.find((w) => w.id === 'main');
    await until(() => main()?.visitors === 12, 'control state with 12 visitors');
    const stop = Date.now() + 1500;
    await Promise.all(phones.map(async (p) => {
      while (Date.now() < stop) await ask(p.socket, 'visitor:input', { input: 'pad', value: { x: Math.random() * 2 - 1, y: 0 } });
    }));
    await until(() => (main()?.inputsPerSecond ?? 0) > 0, 'inputs per second in the control state');
  });
});
