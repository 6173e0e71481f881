import { describe, expect, it } from 'vitest';
import { WALL_GATE_FORGET_MS, WALL_GATE_KEYS, WALL_TRIP_MS, WallGate, type ReadyReport } from '../../server/screens/wall-gate';
import { readyOf } from '../../server/cluster/screen-reports';

/**
 * The wall's gate (server/screens/wall-gate.ts): a go once every connected screen of the wall has
 * its run ready, at a show time that follows from the reports alone. Time is a number the test sets.
 */
const T0 = 1_800_000_000_000;
const KEY = `echo@1.0.0@${T0 + 1000}`;
const STARTED = T0 + 1000;

interface Go {
  wallId: string;
  key: string;
  at: number;
  screenId?: string;
}

function setup(opts: { walls?: Record<string, string[]>; connected?: string[] } = {}) {
  const walls = opts.walls ?? { main: ['main-1', 'main-2', 'main-3'] };
  const connected = new Set(opts.connected ?? Object.values(walls).flat());
  const gos: Go[] = [];
  let now = T0;
  const gate = new WallGate({
    screens: (wallId) => walls[wallId] ?? null,
    isConnected: (id) => connected.has(id),
    go: (wallId, key, at, screenId) => void gos.push({ wallId, key, at, ...(screenId ? { screenId } : {}) }),
    now: () => now,
  });
  const ready = (screenId: string, stamp: number, over: Partial<ReadyReport> = {}, here = true) =>
    gate.ready({ wallId: 'main', screenId, key: KEY, startedAt: STARTED, stamp, ...over }, here);
  return { gate, gos, walls, connected, ready, setNow: (t: number) => void (now = t) };
}

describe('the wall gate', () => {
  it('goes only once every connected screen of the wall is ready, once', () => {
    const { gos, ready } = setup();
    ready('main-1', T0 + 10);
    ready('main-2', T0 + 20);
    expect(gos).toEqual([]);
    ready('main-2', T0 + 25); // the same screen again: still waits for main-3
    expect(gos).toEqual([]);
    ready('main-3', T0 + 30);
    expect(gos).toEqual([{ wallId: 'main', key: KEY, at: STARTED }]);
  });

  it('a screen that is not connected does not hold the wall; one on no such wall, or not on it, counts for nothing', () => {
    const { gos, ready, gate } = setup({ walls: { main: ['main-1', 'main-2'], side: ['side-1'] }, connected: ['main-1', 'main-2', 'side-1'] });
    ready('side-1', T0); // not a screen of `main`
    ready('main-1', T0, { wallId: 'nowhere' }); // a wall the show does not have
    expect(gate.keys('nowhere')).toEqual([]);
    ready('main-1', T0);
    expect(gos).toEqual([]);
    ready('main-2', T0);
    expect(gos).toHaveLength(1);

    const two = setup({ walls: { main: ['main-1', 'main-2'] }, connected: ['main-1'] });
    two.ready('main-1', T0);
    expect(two.gos).toEqual([{ wallId: 'main', key: KEY, at: STARTED }]);
  });

  it('at: the run start when every report came early; the last report plus the trip when one came late', () => {
    const early = setup();
    early.ready('main-1', STARTED - 900);
    early.ready('main-2', STARTED - 500);
    early.ready('main-3', STARTED - WALL_TRIP_MS); // last stamp + trip = exactly the start
    expect(early.gos[0]?.at).toBe(STARTED);

    const late = setup();
    late.ready('main-1', STARTED - 900);
    late.ready('main-3', STARTED + 700);
    late.ready('main-2', STARTED + 400); // the completing report is not the latest one
    expect(late.gos[0]?.at).toBe(STARTED + 700 + WALL_TRIP_MS);
  });

  it('the screen that was not ready disconnecting releases the go on recheck', () => {
    const { gos, ready, gate, connected } = setup();
    ready('main-1', T0 + 10);
    ready('main-2', T0 + 600);
    gate.recheck('main');
    expect(gos).toEqual([]);
    connected.delete('main-3');
    gate.recheck('main');
    expect(gos).toEqual([{ wallId: 'main', key: KEY, at: Math.max(STARTED, T0 + 600 + WALL_TRIP_MS) }]);
    gate.recheck(); // every wall: it went already, nothing more
    expect(gos).toHaveLength(1);
  });

  it('a screen that moved to another wall no longer holds the wall, nor sets its at', () => {
    const { gos, ready, gate, walls } = setup({ walls: { main: ['main-1', 'main-2', 'main-3'], side: [] } });
    ready('main-2', STARTED + 5000); // reported late, then moved away
    ready('main-1', T0);
    expect(gos).toEqual([]); // main-3 is not ready
    walls.main = ['main-1'];
    walls.side = ['main-2', 'main-3'];
    gate.recheck();
    expect(gos).toEqual([{ wallId: 'main', key: KEY, at: STARTED }]);
  });

  it('no screen connected: no go, so that a screen that comes back is not told a go decided without it', () => {
    const { gos, ready, gate, connected } = setup({ walls: { main: ['main-1', 'main-2'] } });
    ready('main-1', T0);
    connected.clear();
    gate.recheck();
    expect(gos).toEqual([]);
    connected.add('main-2');
    ready('main-2', T0 + 50);
    expect(gos).toEqual([{ wallId: 'main', key: KEY, at: STARTED }]);
  });

  it('a late joiner, or a screen back after a reconnection, hears the same go; a relayed late report makes no go here', () => {
    const { gos, ready, connected } = setup();
    connected.delete('main-3');
    ready('main-1', STARTED + 100);
    ready('main-2', STARTED + 200);
    const first = { wallId: 'main', key: KEY, at: STARTED + 200 + WALL_TRIP_MS };
    expect(gos).toEqual([first]);
    connected.add('main-3');
    ready('main-3', STARTED + 2000); // much later: the same `at`, to that screen only
    expect(gos).toEqual([first, { ...first, screenId: 'main-3' }]);
    ready('main-1', STARTED + 2100);
    expect(gos[2]).toEqual({ ...first, screenId: 'main-1' });
    ready('main-2', STARTED + 2200, {}, false); // its own node answers it
    expect(gos).toHaveLength(3);
  });

  it('the same key with another start is not the same run', () => {
    const { gos, ready } = setup({ walls: { main: ['main-1', 'main-2'] } });
    ready('main-1', T0);
    ready('main-2', T0, { startedAt: STARTED + 1 });
    expect(gos).toEqual([]);
    ready('main-2', T0);
    expect(gos).toHaveLength(1);
  });

  it('keeps a few runs per wall, the newest, and forgets a run long after its start', () => {
    const { gos, ready, gate, setNow } = setup();
    const keys = Array.from({ length: WALL_GATE_KEYS + 2 }, (_, i) => `echo@1@${STARTED + i}`);
    for (const [i, key] of keys.entries()) ready('main-1', T0, { key, startedAt: STARTED + i });
    expect(gate.keys('main')).toEqual(keys.slice(2));
    // The oldest were dropped: main-1's report of keys[0] is gone, so the others' do not complete it.
    ready('main-2', T0, { key: keys[0], startedAt: STARTED });
    ready('main-3', T0, { key: keys[0], startedAt: STARTED });
    expect(gos).toEqual([]);
    expect(gate.keys('main')).toEqual(keys.slice(3).concat(keys[0]!));

    // Long after its start a run is forgotten, and a report of it is not taken.
    setNow(STARTED + WALL_GATE_FORGET_MS + 10);
    gate.recheck();
    expect(gate.keys('main')).toEqual([]);
    ready('main-1', STARTED + WALL_GATE_FORGET_MS + 10);
    expect(gate.keys('main')).toEqual([]);
    // Just inside the window it is.
    setNow(STARTED + WALL_GATE_FORGET_MS);
    ready('main-1', STARTED + WALL_GATE_FORGET_MS);
    expect(gate.keys('main')).toEqual([KEY]);
  });

  it('forgets a wall the show no longer has', () => {
    const { ready, gate, walls } = setup({ walls: { main: ['main-1', 'main-2'] } });
    ready('main-1', T0);
    expect(gate.keys('main')).toEqual([KEY]);
    delete (walls as Record<string, string[]>).main;
    gate.recheck();
    walls.main = ['main-1', 'main-2'];
    expect(gate.keys('main')).toEqual([]);
  });

  it('every order of the same reports gives the same at (two nodes compute the same go)', () => {
    const reports: Array<[string, number]> = [
      ['main-1', STARTED - 300],
      ['main-2', STARTED + 250],
      ['main-3', STARTED + 40],
    ];
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
      [2, 0, 1],
    ];
    const ats = orders.map((order) => {
      const g = setup();
      for (const i of order) g.ready(reports[i]![0], reports[i]![1], {}, i === 0); // main-1 here, the others relayed from another node
      expect(g.gos).toHaveLength(1);
      return g.gos[0]!.at;
    });
    expect(new Set(ats)).toEqual(new Set([STARTED + 250 + WALL_TRIP_MS]));
  });
});

describe("another node's ready report (server/cluster/screen-reports.ts)", () => {
  it('is taken as written, or left out when it is not shaped so; never throws', () => {
    const ok = { w: 'main', k: KEY, t: STARTED, a: T0 + 5 };
    expect(readyOf('main-1', ok)).toEqual({ wallId: 'main', screenId: 'main-1', key: KEY, startedAt: STARTED, stamp: T0 + 5 });
    const bad: Array<Record<string, unknown>> = [
      {},
      { ...ok, w: '' },
      { ...ok, w: 'x'.repeat(65) },
      { ...ok, w: 7 },
      { ...ok, k: '' },
      { ...ok, k: 'k'.repeat(201) },
      { ...ok, k: null },
      { ...ok, t: Infinity },
      { ...ok, t: '1800000001000' },
      { ...ok, a: NaN },
      { ...ok, a: undefined },
    ];
    for (const b of bad) expect(readyOf('main-1', b)).toBeNull();
  });
});
