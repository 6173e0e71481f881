import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { api, ask, client, connected, helloOf, nextEvent, startServer } from '../support/server';
import type { App } from '../../server/app';
import type { Ack, DisplayView, WallGo } from '../../protocol';
import { WALL_TRIP_MS } from '../../server/screens/wall-gate';

/**
 * "A wall switches as one" (server/screens/wall-gate.ts): the wall's screens report their next run
 * ready (`display:ready`), and once every connected screen of the wall has, each hears the same
 * `wall:go`. The real server and real screens' sockets, on a clock the test sets. That no go came
 * is read after a round trip on the same socket (the server answers a socket's messages in order),
 * never after a wait.
 */
const NOW = 1_800_000_000_000;
let now = NOW;
let app: App;
let pieces: string[];
let played = 0;
const open: Socket[] = [];

interface Screen {
  id: string;
  socket: Socket;
  gos: WallGo[];
}

async function screen(id: string): Promise<Screen> {
  const socket = client(app, '/display');
  open.push(socket);
  const gos: WallGo[] = [];
  socket.on('wall:go', (g: WallGo) => gos.push(g));
  await connected(socket);
  const res = await ask<Ack<{ view: DisplayView }>>(socket, 'display:hello', helloOf(app, id));
  if (!res.ok) throw new Error(`display:hello as ${id}: ${res.error.message}`);
  expect(res.view.gate).toBe(true);
  return { id, socket, gos };
}

/** The run's key as a screen derives it from its view (client/host/program.ts targetOf). */
const runOf = (v: DisplayView) => ({ key: `${v.wall!.installationId}@${v.wall!.manifest?.version ?? '?'}@${v.wall!.startedAt}`, startedAt: v.wall!.startedAt });

/** A wall.play of another piece on `main`, a second later: the run as the screens' views give it. */
async function play(screens: Screen[]): Promise<{ key: string; startedAt: number }> {
  now += 1000;
  const installationId = pieces[played++ % pieces.length]!;
  const views = screens.map((s) => nextEvent<DisplayView>(s.socket, 'display:view', (v) => v.wall?.installationId === installationId && v.wall.startedAt > now));
  const res = await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId });
  expect(res.status).toBe(200);
  const runs = (await Promise.all(views)).map((v) => {
    expect(v.gate).toBe(true);
    return runOf(v);
  });
  expect(new Set(runs.map((r) => r.key)).size).toBe(1);
  return runs[0]!;
}

/** A round trip on the screen's socket: whatever the server sent it before answering has arrived. */
const roundTrip = async (s: Screen) => expect((await ask<Ack>(s.socket, 'display:hello', helloOf(app, s.id))).ok).toBe(true);

beforeAll(async () => {
  app = await startServer({ time: () => now, playLeadMs: 600 });
  pieces = app.catalog.list().map((p) => p.id);
  expect(pieces.length).toBeGreaterThanOrEqual(3);
  // A wall of two screens: main-3 goes to another wall.
  const res = await api(app, 'POST', '/api/commands', { type: 'screen.assign', screenId: 'main-3', wallId: 'canopy' });
  expect(res.status).toBe(200);
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await app.close();
});

describe('a wall switches as one', () => {
  it('tells both screens the same go once both are ready, not before; a screen that comes back hears the same go', async () => {
    const a = await screen('main-1');
    const b = await screen('main-2');
    const run = await play([a, b]);

    a.socket.emit('display:ready', run);
    await roundTrip(a);
    await roundTrip(b);
    expect(a.gos).toEqual([]);
    expect(b.gos).toEqual([]);

    // B is ready after the run's start: the go leaves the trip's margin after B's report.
    now = run.startedAt + 500;
    const goA = nextEvent<WallGo>(a.socket, 'wall:go');
    const goB = nextEvent<WallGo>(b.socket, 'wall:go');
    b.socket.emit('display:ready', run);
    const [ga, gb] = await Promise.all([goA, goB]);
    expect(ga).toEqual(gb);
    expect(ga.key).toBe(run.key);
    expect(ga.at).toBeGreaterThanOrEqual(run.startedAt);
    expect(ga.at).toBe(run.startedAt + 500 + WALL_TRIP_MS);

    // B reloads: its page reports the run again and hears the same go, to it alone.
    b.socket.close();
    const again = await screen('main-2');
    now += 300;
    const goAgain = nextEvent<WallGo>(again.socket, 'wall:go');
    again.socket.emit('display:ready', run);
    expect(await goAgain).toEqual(ga);
    await roundTrip(a);
    expect(a.gos).toEqual([ga]);
  });

  it('a screen that leaves while the other waits releases the go', async () => {
    const a = await screen('main-1');
    const b = await screen('main-2');
    const run = await play([a, b]);

    a.socket.emit('display:ready', run);
    await roundTrip(a);
    expect(a.gos).toEqual([]);

    const go = nextEvent<WallGo>(a.socket, 'wall:go');
    b.socket.close();
    const g = await go;
    expect(g.key).toBe(run.key);
    // A reported before the start: the go is the start itself.
    expect(g.at).toBe(run.startedAt);
  });

  it('a screen of another wall does not count for this one, nor hears its go', async () => {
    const a = await screen('main-1');
    const b = await screen('main-2');
    const other = await screen('main-3'); // now on `canopy`
    const run = await play([a, b]);

    // main-3 reports main's run: the server takes it for main-3's own wall, canopy; main still waits for main-2.
    other.socket.emit('display:ready', run);
    a.socket.emit('display:ready', run);
    await roundTrip(other);
    await roundTrip(a);
    expect(a.gos).toEqual([]);
    const before = other.gos.length;

    const go = nextEvent<WallGo>(a.socket, 'wall:go');
    b.socket.emit('display:ready', run);
    expect((await go).key).toBe(run.key);
    await roundTrip(other);
    expect(other.gos).toHaveLength(before);
  });

  it('answers a malformed ready report with a notice that says what is wrong, and keeps the screen', async () => {
    const a = await screen('main-1');
    const notice = nextEvent<{ code: string; message: string }>(a.socket, 'error:notice');
    a.socket.emit('display:ready', { key: '', startedAt: 'soon' });
    const n = await notice;
    expect(n.code).toBe('bad_request');
    expect(n.message).toMatch(/^display:ready: /);
    expect(n.message).toMatch(/key|startedAt/);
    await roundTrip(a);
  });

  it('a page that is not paired is not heard', async () => {
    const a = await screen('main-1');
    const b = await screen('main-2');
    const run = await play([a, b]);
    const stranger = client(app, '/display');
    open.push(stranger);
    await connected(stranger);
    const hello = await ask<Ack>(stranger, 'display:hello', { screenId: 'main-2', key: 'not-the-key-0123456789abcdef' });
    expect(hello.ok).toBe(false);

    stranger.emit('display:ready', run);
    a.socket.emit('display:ready', run);
    await roundTrip(a);
    expect(a.gos).toEqual([]);
    // B's own report completes the wall.
    const go = nextEvent<WallGo>(a.socket, 'wall:go');
    b.socket.emit('display:ready', run);
    expect((await go).key).toBe(run.key);
  });
});
