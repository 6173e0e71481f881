import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ADMIN, api, ask, client, connected, helloOf, nextEvent, startServer } from '../support/server';
import type { App } from '../../server/app';
import type { Ack, DisplayView, Show } from '../../protocol';

type TestApp = App & { dataDir: string };
let app: TestApp;
let other: TestApp;
const sockets: Socket[] = [];

beforeAll(async () => {
  [app, other] = await Promise.all([startServer(), startServer()]);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all([app.close(), other.close()]);
});

async function exported(a: { url: string } = app): Promise<Show> {
  const res = await api(a, 'GET', '/api/show/export');
  expect(res.status).toBe(200);
  return res.body as unknown as Show;
}
const pieceIds = () => app.catalog.list().map((p) => p.id);
const clone = <T>(v: T): T => structuredClone(v);

describe('POST /api/show/import', () => {
  it('refuses malformed documents with 4xx and a reason, and leaves the running show untouched', async () => {
    // Give the running show some substance first.
    const piece = pieceIds()[0]!;
    for (const c of [
      { type: 'cue.save', cueId: 'open', name: 'Open', commands: [{ type: 'show.blackout', on: false }] },
      { type: 'wall.play', wallId: 'main', installationId: piece },
      { type: 'cue.go' },
    ])
      expect((await api(app, 'POST', '/api/commands', c)).status).toBe(200);
    const before = await exported();
    const good = clone(before);

    const bad: Array<[string, unknown]> = [
      ['an empty object', {}],
      ['an array', [good]],
      ['another format', { ...good, format: 'someone-else/2' }],
      ['a wall without a name', { ...good, walls: { ...good.walls, main: { ...good.walls.main!, name: '' } } }],
      ['a screen in a wall that does not exist', { ...good, screens: { ...good.screens, x: { id: 'x', wallId: 'ghost', rect: { x: 0, y: 0, w: 10, h: 10 }, blackout: false } } }],
      ['a key that does not match its id', { ...good, screens: { ...good.screens, y: { id: 'z', wallId: null, rect: { x: 0, y: 0, w: 10, h: 10 }, blackout: false } } }],
      ['a piece that is not installed', { ...good, walls: { ...good.walls, main: { ...good.walls.main!, installationId: 'not-installed-here' } } }],
      ['a cue with an invalid command', { ...good, cues: [...good.cues, { id: 'bad', name: 'Bad', commands: [{ type: 'wall.explode' }] }] }],
      ['a cue position past the list', { ...good, cuePosition: 99 }],
      ['a schedule in no time zone', { ...good, schedule: { ...good.schedule, timezone: 'Atlantis/Central' } }],
      ['a schedule naming a missing cue', { ...good, schedule: { ...good.schedule, entries: [{ time: '12:00', cueId: 'nope' }] } }],
      ['a negative volume', { ...good, volume: -1 }],
      ['a string', 'show'],
    ];
    for (const [what, doc] of bad) {
      const res = await api(app, 'POST', '/api/show/import', doc);
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(res.status, what).toBeLessThan(500);
      expect(res.body.ok, what).toBe(false);
      expect(res.body.error?.message.length, what).toBeGreaterThan(10);
    }
    // Not even JSON.
    const raw = await fetch(`${app.url}/api/show/import`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{"format": "pavilion.show/1", ' });
    expect(raw.status).toBe(400);
    // Too large.
    const huge = await api(app, 'POST', '/api/show/import', { ...good, padding: 'x'.repeat(6 * 1024 * 1024) });
    expect(huge.status).toBe(413);

    expect(await exported()).toEqual(before);
  });

  it('reports which part of the document is wrong', async () => {
    const good = await exported();
    const res = await api(app, 'POST', '/api/show/import', { ...good, schedule: { ...good.schedule, opening: '25:00' } });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('bad_request');
    expect(res.body.error?.message).toContain('opening');
  });

  it('an export imports back: the show returns to that document, and screens and panel follow', async () => {
    const pieces = pieceIds();
    const snapshot = await exported();
    const original = snapshot.walls.main!.installationId;
    const changed = pieces.find((p) => p !== original) ?? pieces[0]!;
    for (const c of [
      { type: 'wall.create', wallId: 'extra', name: 'Extra' },
      { type: 'wall.play', wallId: 'main', installationId: changed },
      { type: 'show.volume', volume: 0.1 },
      { type: 'cue.save', cueId: 'later', name: 'Later', commands: [{ type: 'show.blackout', on: true }] },
    ])
      expect((await api(app, 'POST', '/api/commands', c)).status).toBe(200);
    expect((await exported()).walls.extra).toBeDefined();

    const display = client(app, '/display');
    sockets.push(display);
    await connected(display);
    const hello = await ask<Ack<{ view: DisplayView }>>(display, 'display:hello', helloOf(app, 'main-1'));
    expect(hello.ok && hello.view.wall?.installationId).toBe(changed);
    const panel = client(app, '/control', { token: ADMIN });
    sockets.push(panel);
    await connected(panel);

    const viewBack = nextEvent<DisplayView>(display, 'display:view', (v) => v.wall?.installationId === original && v.volume === snapshot.volume);
    const panelBack = nextEvent<{ walls: Array<{ id: string }> }>(panel, 'control:state', (v) => !v.walls.some((w) => w.id === 'extra'));
    const res = await api(app, 'POST', '/api/show/import', snapshot);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true });
    await viewBack;
    await panelBack;

    const after = await exported();
    expect(after.version).toBeGreaterThan(snapshot.version);
    expect({ ...after, version: 0 }).toEqual({ ...snapshot, version: 0 });
  });

  it('a show moves to another server through export and import', async () => {
    const doc = await exported(app);
    const res = await api(other, 'POST', '/api/show/import', doc);
    expect(res.status).toBe(200);
    const moved = await exported(other);
    expect({ ...moved, version: 0 }).toEqual({ ...doc, version: 0 });
    // And it runs there: its cues fire.
    const go = await api(other, 'POST', '/api/commands', { type: 'cue.go', cueId: doc.cues[0]!.id });
    expect(go.status).toBe(200);
  });
});
