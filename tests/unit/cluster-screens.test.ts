import { describe, expect, it } from 'vitest';
import type { ScreenStatus } from '../../protocol';
import { parseScreens, RemoteScreens, screenCards } from '../../server/cluster/screens';
import { rowsOf } from '../../server/cluster/visitor-lists';
import { PreloadTimes } from '../../server/screens/preload-times';

const status = (id: string, connected: boolean, extra: Partial<ScreenStatus> = {}): ScreenStatus => ({
  id,
  wallId: 'main',
  known: true,
  rect: null,
  connected,
  since: 1,
  installationId: connected ? 'echo' : null,
  fps: connected ? 60 : null,
  frameMsP95: connected ? 17 : null,
  offsetMs: null,
  rttMs: null,
  uncertaintyMs: null,
  clockPath: null,
  memory: null,
  preloadMs: null,
  blackout: false,
  ownBlackout: false,
  errors: [],
  heartbeatAt: connected ? 5 : null,
  stale: false,
  paired: true,
  displayUrl: null,
  ...extra,
});

describe('screens anywhere (server/cluster/screens.ts)', () => {
  it("carries a node's connected screens through its heartbeat's JSON, and merges them into another node's list", () => {
    const times = new PreloadTimes();
    times.record('main-2', 'echo', '1.0.0', 3000, true);
    const cards = screenCards([status('main-1', false), status('main-2', true, { fps: 42 })], (id) => times.snapshot(id));
    expect(Object.keys(cards)).toEqual(['main-2']);
    const heard = parseScreens(JSON.parse(JSON.stringify(cards)));

    const remote = new RemoteScreens();
    expect(remote.update([{ id: 'node-b', screens: heard }], 'node-a')).toBe(true);
    // The same again: nothing for the panel to redraw.
    expect(remote.update([{ id: 'node-b', screens: parseScreens(JSON.parse(JSON.stringify(cards))) }], 'node-a')).toBe(false);
    const merged = remote.merge([status('main-1', true), status('main-2', false)], 'node-a');
    expect(merged[0]).toMatchObject({ id: 'main-1', connected: true, node: 'node-a' });
    expect(merged[1]).toMatchObject({ id: 'main-2', connected: true, fps: 42, node: 'node-b', wallId: 'main' });
    // The wall's gate waits for it while it answers there, not once that node calls it stale.
    expect(remote.answering('main-2')).toBe(true);
    expect(remote.answering('main-1')).toBe(false);
    const stale = parseScreens(JSON.parse(JSON.stringify(screenCards([status('main-2', true, { stale: true })], () => null))));
    remote.update([{ id: 'node-b', screens: stale }], 'node-a');
    expect(remote.answering('main-2')).toBe(false);
    remote.update([{ id: 'node-b', screens: heard }], 'node-a');

    // The writer adopts the remote screen's preload times: its lead for that piece is 2 × 3 s + 200 ms.
    const writer = new PreloadTimes();
    writer.adopt('main-2', remote.get('main-2')!.card.p!);
    expect(writer.leadMs(['main-2'], 'echo', '1.0.0')).toBe(6200);

    // The node's own cards are not another node's screens; a node gone from the list takes its screens along.
    expect(remote.update([{ id: 'node-a', screens: heard }], 'node-a')).toBe(true);
    expect(remote.get('main-2')).toBeUndefined();
  });

  it('reads junk from a heartbeat or a visitor list without throwing, keeping only what is shaped as written', () => {
    for (const junk of [null, 1, 'x', [], { a: null }, { a: { s: 1 } }, { a: { s: { fps: 'fast', errors: 'no' }, p: { l: 'x' } } }]) expect(() => parseScreens(junk)).not.toThrow();
    expect(parseScreens({ a: { s: { fps: 'fast', errors: 'no', stale: 1 }, p: { l: 'x' } } }).a).toMatchObject({ s: { fps: null, errors: [], stale: false }, p: null });
    const t = new PreloadTimes();
    t.adopt('x', { l: [['echo@1', -1], ['canopy@1', 500], 'junk' as unknown as [string, number]], c: [Infinity, 700] });
    expect(t.snapshot('x')).toEqual({ l: [['canopy@1', 500]], c: [700] });

    for (const raw of [null, '', 'not json', '1', '{"main": 3}', '{"main": [null, 1, {"id": 2}]}']) expect(rowsOf(raw, 'main')).toEqual([]);
    expect(rowsOf('{"main":[{"id":"v1","status":"playing","hue":0.5,"connected":true,"queuePosition":0,"joinedAt":1,"clockPath":"weird"}]}', 'main')).toEqual([
      { id: 'v1', status: 'playing', hue: 0.5, connected: true, queuePosition: 0, joinedAt: 1, clockPath: null },
    ]);
  });
});
