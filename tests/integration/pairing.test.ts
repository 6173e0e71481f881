/**
 * Screens are paired (issue 11, item 2): a /display page needs its screen's key. Without it the
 * page shows a code and waits; it gets no view and no visitor frames, counts for nothing, and what
 * it reports changes nothing. A technician's `screen.pair` gives it a key; `screen.revoke` and
 * `screen.rekey` take keys back. Pending pages are capped; unknown ids never grow the show.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { Ack, DisplayPaired, DisplayPairing, DisplayView, ShowView, VisitorFrame } from '../../protocol';
import { ADMIN, api, ask, client, connected, helloOf, nextEvent, screenKey, startServer, until } from '../support/server';
import { createFileStorage } from '../../server/persistence/journal';
import { wholeFrames } from '../support/visitor-frames';

type App = Awaited<ReturnType<typeof startServer>>;

/** A piece of our own with an xy input, so the test does not depend on the bundled pieces. */
function installations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-pair-pieces-'));
  fs.mkdirSync(path.join(dir, 'aa-pad'));
  fs.writeFileSync(
    path.join(dir, 'aa-pad', 'manifest.json'),
    JSON.stringify({ id: 'aa-pad', title: 'Pad', artist: 'Test Artist', description: 'For tests.', params: {}, inputs: [{ id: 'pad', type: 'xy', label: 'Pad' }] }),
  );
  return dir;
}

// A clock that moves only when the test says (codes expire after 15 minutes of it).
let now = 1_800_000_000_000;
let app: App;
const sockets: Socket[] = [];

const track = <T extends Socket>(s: T): T => (sockets.push(s), s);
const command = (body: unknown) => api(app, 'POST', '/api/commands', body);
const showView = async () => (await api(app, 'GET', '/api/show')).body as unknown as ShowView;

/** A /display page, optionally from another client address (the server trusts one proxy hop). */
async function page(address?: string): Promise<Socket> {
  const s = track(
    address
      ? io(`${app.url}/display`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'x-forwarded-for': address } })
      : client(app, '/display'),
  );
  await connected(s);
  return s;
}

/** Says hello without the right key: the refusal and the code the page was given. */
async function waiting(s: Socket, screenId: string, key?: string): Promise<{ res: Ack<{ view: DisplayView }>; pairing: DisplayPairing }> {
  const pairing = nextEvent<DisplayPairing>(s, 'display:pairing');
  const res = await ask<Ack<{ view: DisplayView }>>(s, 'display:hello', { screenId, ...(key ? { key } : {}) });
  expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  return { res, pairing: await pairing };
}

/** Every event a socket receives, by name. */
function recorder(s: Socket): Map<string, unknown[]> {
  const seen = new Map<string, unknown[]>();
  s.onAny((event: string, ...args: unknown[]) => seen.set(event, [...(seen.get(event) ?? []), args[0]]));
  return seen;
}

beforeAll(async () => {
  app = await startServer({ time: () => now, installationsDir: installations(), trustProxy: 1 });
  const res = await command({ type: 'wall.play', wallId: 'main', installationId: 'aa-pad', at: now });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app.close();
});

describe('pairing: an unpaired page gets nothing', () => {
  it('without a key, or with a wrong one, a page gets a code, no view, no frames, and is not connected', async () => {
    const paired = await page();
    const frames = wholeFrames(paired);
    expect(await ask<Ack>(paired, 'display:hello', helloOf(app, 'main-1'))).toMatchObject({ ok: true });

    const stranger = await page('10.0.0.1');
    const seen = recorder(stranger);
    const { res, pairing } = await waiting(stranger, 'main-1');
    expect(pairing.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    if (!res.ok) expect(res.error.message).toContain(pairing.code);
    // Another screen's key does not open this one; neither does a made-up one.
    const other = await page('10.0.0.1');
    await waiting(other, 'main-1', screenKey(app, 'main-2'));
    await waiting(await page('10.0.0.1'), 'main-1', 'x'.repeat(43));

    // A visitor plays on wall main: the paired screen gets the frames, the stranger nothing.
    const phone = track(client(app, '/visitor'));
    await connected(phone);
    expect(await ask<Ack>(phone, 'visitor:join', { wallId: 'main', visitorId: 'pairing-phone-1' })).toMatchObject({ ok: true });
    expect(await ask<Ack>(phone, 'visitor:input', { input: 'pad', value: { x: 0.25, y: 0.5 } })).toMatchObject({ ok: true });
    await until(() => frames.some((f) => f.visitors.length > 0), 'a visitor frame on the paired screen');
    // ... and a show change: the paired screen hears of it, the stranger does not.
    const view = nextEvent<DisplayView>(paired, 'display:view', (v) => v.volume === 0.42);
    expect((await command({ type: 'show.volume', volume: 0.42 })).status).toBe(200);
    await view;
    await ask(stranger, 'clock:ping', 1); // everything sent to it before this answer has arrived
    expect([...seen.keys()].filter((e) => e !== 'display:pairing')).toEqual([]);

    const show = await showView();
    expect(show.screens.find((s) => s.id === 'main-1')).toMatchObject({ connected: true, paired: true });
    expect(show.pending.map((p) => p.code)).toContain(pairing.code);
    expect(show.pending.find((p) => p.code === pairing.code)).toMatchObject({ requestedId: 'main-1', address: '10.0.0.1', online: true });
  });

  it('reports from a pending page change nothing', async () => {
    const before = await showView();
    const s = await page('10.0.0.2');
    await waiting(s, 'canopy-1');
    await waiting(await page('10.0.0.2'), 'nobody-7');
    s.emit('display:health', {
      installationId: null, fps: 60, frameMsP95: 16, framesRendered: 10,
      memory: { geometries: 0, textures: 0, programs: 0 }, clock: { offsetMs: 0, rttMs: 1, uncertaintyMs: 1 },
    });
    for (let i = 0; i < 50; i++) s.emit('display:error', { installationId: null, version: null, phase: 'app', message: `fake ${i}` });
    s.emit('display:preloaded', { installationId: 'aa-pad', version: '1.0.0', ms: 600_000, cold: true });
    s.emit('display:thumbnail', { dataUrl: 'data:image/png;base64,AAAA' });
    await ask(s, 'clock:ping', 1); // the reports above were handled before this answer

    const after = await showView();
    expect(after.version).toBe(before.version);
    expect(after.errorsLastHour).toBe(before.errorsLastHour);
    expect(after.screens.map((x) => x.id)).toEqual(before.screens.map((x) => x.id));
    expect(after.screens.find((x) => x.id === 'canopy-1')).toMatchObject({ connected: false, fps: null, errors: [], preloadMs: null });
    expect(Object.keys(app.store.get().screens).sort()).toEqual(['canopy-1', 'main-1', 'main-2', 'main-3', 'vr-1']);
  });
});

describe('pairing: approval', () => {
  it('the technician approves a code: the page gets its key, says hello with it and gets the view; the key is durable', async () => {
    const s = await page('10.0.0.3');
    const { pairing } = await waiting(s, 'lobby-1');
    const version = app.store.get().version;
    const paired = nextEvent<DisplayPaired>(s, 'display:paired');

    // Through the control socket, like the panel: an acknowledged command.
    const panel = track(client(app, '/control', { token: ADMIN }));
    await connected(panel);
    const ack = await ask<Ack<{ version: number }>>(panel, 'command', { type: 'screen.pair', code: pairing.code, screenId: 'lobby-1', wallId: 'canopy', rect: { x: 0, y: 0, w: 1920, h: 1080 } });
    expect(ack).toMatchObject({ ok: true, version: version + 1 });
    const { screenId, key } = await paired;
    expect(screenId).toBe('lobby-1');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const hello = await ask<Ack<{ view: DisplayView }>>(s, 'display:hello', { screenId, key });
    expect(hello.ok && hello.view.screen).toMatchObject({ id: 'lobby-1', wallId: 'canopy', known: true });
    const show = await showView();
    const lobby = show.screens.find((x) => x.id === 'lobby-1')!;
    expect(lobby).toMatchObject({ connected: true, paired: true, wallId: 'canopy' });
    expect(new URL(lobby.displayUrl!).searchParams.get('key')).toBe(key);
    expect(show.pending.map((p) => p.code)).not.toContain(pairing.code);

    // The same code cannot be approved twice; a made-up one is refused with what to do.
    const again = await command({ type: 'screen.pair', code: pairing.code, screenId: 'lobby-2', wallId: 'canopy' });
    expect(again.status).toBe(404);
    expect(again.body.error?.message).toContain('read the code on the screen again');

    // Durable: the show as a restarted server would load it from the data directory holds the key.
    const storage = createFileStorage(path.join(app.dataDir, 'show'));
    try {
      expect(storage.load()?.screens['lobby-1']?.key).toBe(key);
    } finally {
      storage.close();
    }
  });

  it('a page can take over a screen whose hardware died: its id and place, with a new key', async () => {
    const old = await page();
    expect(await ask<Ack>(old, 'display:hello', helloOf(app, 'main-3'))).toMatchObject({ ok: true });
    const place = app.store.get().screens['main-3']!;
    const s = await page('10.0.0.4');
    const { pairing } = await waiting(s, 'spare');
    const paired = nextEvent<DisplayPaired>(s, 'display:paired');
    const oldDropped = nextEvent<DisplayPairing>(old, 'display:pairing');

    // Without `replace`, an id in the show is not taken over by accident.
    const refused = await command({ type: 'screen.pair', code: pairing.code, screenId: 'main-3' });
    expect(refused.body.error?.code).toBe('conflict');
    expect((await command({ type: 'screen.pair', code: pairing.code, screenId: 'main-3', replace: true })).status).toBe(200);
    const { screenId, key } = await paired;
    expect(screenId).toBe('main-3');
    await oldDropped; // the dead computer's key no longer opens main-3
    const hello = await ask<Ack<{ view: DisplayView }>>(s, 'display:hello', { screenId, key });
    expect(hello.ok && hello.view.screen).toMatchObject({ id: 'main-3', wallId: place.wallId, rect: place.rect });
  });
});

describe('pairing: keys are revoked and re-issued', () => {
  it('a revoked key drops its page back to pending, and is refused after', async () => {
    const key = screenKey(app, 'main-2');
    const s = await page();
    expect(await ask<Ack>(s, 'display:hello', { screenId: 'main-2', key })).toMatchObject({ ok: true });
    const dropped = nextEvent<DisplayPairing>(s, 'display:pairing');
    expect((await command({ type: 'screen.revoke', screenId: 'main-2' })).status).toBe(200);
    await dropped;
    const show = await showView();
    expect(show.screens.find((x) => x.id === 'main-2')).toMatchObject({ connected: false, paired: false, displayUrl: null, wallId: 'main' });
    await waiting(await page('10.0.0.5'), 'main-2', key);

    // A new key: the old one stays refused, the new one opens the screen.
    expect((await command({ type: 'screen.rekey', screenId: 'main-2' })).status).toBe(200);
    const fresh = screenKey(app, 'main-2');
    expect(fresh).not.toBe(key);
    await waiting(await page('10.0.0.5'), 'main-2', key);
    expect(await ask<Ack>(await page(), 'display:hello', { screenId: 'main-2', key: fresh })).toMatchObject({ ok: true });
    expect((await command({ type: 'screen.rekey', screenId: 'nobody' })).body.error?.code).toBe('unknown_screen');
  });
});

describe('pairing: limits', () => {
  it('pending pages are capped per address and in all, unknown ids never grow the show, and codes expire', async () => {
    const version = app.store.get().version;
    const screens = Object.keys(app.store.get().screens).sort();
    const flood: Socket[] = [];
    const capped = async (address: string, id: string) => {
      const s = await page(address);
      flood.push(s);
      return ask<Ack>(s, 'display:hello', { screenId: id });
    };
    // 4 from one address; the 5th is refused.
    for (let i = 0; i < 4; i++) expect(await capped('10.9.0.1', `flood-${i}`)).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await capped('10.9.0.1', 'flood-x')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // From many addresses: never more than 32 wait at once.
    for (let a = 2; (await showView()).pending.length < 32; a++) await capped(`10.9.0.${a}`, `flood-${a}`);
    const full = await capped('10.9.1.1', 'one-more');
    expect(full).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    if (!full.ok) expect(full.error.message).toContain('approve');
    const show = await showView();
    expect(show.pending.length).toBe(32);
    expect(show.screens.map((s) => s.id).sort()).toEqual(screens);
    expect(Object.keys(app.store.get().screens).sort()).toEqual(screens);
    expect(app.store.get().version).toBe(version);

    // The flood leaves. Fifteen minutes on, every code has expired: approving one is refused, and
    // there is room again (pages still open get new codes).
    const code = show.pending[0]!.code;
    for (const s of flood) s.close();
    await until(async () => (await showView()).pending.every((p) => !p.address.startsWith('10.9.') || !p.online), 'the flood pages to be gone');
    now += 15 * 60_000;
    const late = await command({ type: 'screen.pair', code, screenId: 'late-1', wallId: 'main' });
    expect(late.body.error?.code).toBe('not_found');
    expect(app.store.get().screens['late-1']).toBeUndefined();
    expect(await capped('10.9.1.1', 'one-more')).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it("a paired screen's reports are rate-limited, and a 600 s preload does not set the play lead", async () => {
    const s = await page();
    expect(await ask<Ack>(s, 'display:hello', helloOf(app, 'canopy-1'))).toMatchObject({ ok: true });
    const before = (await showView()).errorsLastHour;
    for (let i = 0; i < 200; i++) s.emit('display:error', { installationId: 'aa-pad', version: null, phase: 'frame', message: `flood ${i}` });
    s.emit('display:preloaded', { installationId: 'aa-pad', version: '1.0.0', ms: 600_000, cold: true });
    await ask(s, 'clock:ping', 1);
    const after = await showView();
    // The clock stands still in this test: no bucket refills, so exactly the burst (20) got through.
    expect(after.errorsLastHour - before).toBe(20);
    expect(after.screens.find((x) => x.id === 'canopy-1')?.preloadMs).toBe(null);
    expect((await command({ type: 'wall.play', wallId: 'canopy', installationId: 'aa-pad' })).status).toBe(200);
    // canopy-1 and lobby-1 (both connected, neither with a sane report): the default 800 ms estimate, × 2 + 200.
    expect(app.store.get().walls.canopy!.startedAt - now).toBe(1800);
  });
});
