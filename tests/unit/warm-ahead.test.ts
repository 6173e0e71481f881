import { describe, expect, it } from 'vitest';
import { programOf, type RendererLike } from '../../client/host';
import { demoShow } from '../../server/show/demo';
import { displayView } from '../../server/show/views';
import { WARM_AHEAD_MAX, warmAheadOf } from '../../server/show/warm-ahead';
import type { CueCommandInput, Show } from '../../protocol';
import { playing, testHost } from './host-fixtures';

const summary = (id: string) => ({ version: '1.0.0', moduleUrl: null, id });
const play = (wallId: string, installationId: string): CueCommandInput => ({ type: 'wall.play', wallId, installationId });
function showWith(cues: Array<{ id: string; commands: CueCommandInput[] }>, patch: Partial<Show> = {}): Show {
  const s = demoShow(0, () => null);
  return { ...s, cues: cues.map((c) => ({ ...c, name: c.id })) as Show['cues'], ...patch };
}
// 12:00 UTC on some day: the schedule's zone below is UTC.
const NOON = Date.UTC(2026, 5, 1, 12, 0);

describe('warm ahead (server): what a wall plays next', () => {
  it('the standby cue’s plays on this wall, not other walls’, not the piece on the wall now', () => {
    const s = showWith([
      { id: 'a', commands: [play('main', 'canopy')] },
      { id: 'b', commands: [play('main', 'echo'), play('canopy', 'facade'), play('main', 'prism-field')] },
    ]);
    const standby = { ...s, cueStandby: 1 };
    expect(warmAheadOf(standby, 'main', NOON, summary).map((p) => p.installationId)).toEqual(['echo', 'prism-field']);
    expect(warmAheadOf(standby, 'canopy', NOON, summary).map((p) => p.installationId)).toEqual(['facade']);
    const onWall = { ...standby, walls: { ...standby.walls, main: { ...standby.walls.main!, installationId: 'echo' } } };
    expect(warmAheadOf(onWall, 'main', NOON, summary).map((p) => p.installationId)).toEqual(['prism-field']);
    expect(warmAheadOf({ ...s, cueStandby: 0 }, 'main', NOON, summary)).toEqual([{ installationId: 'canopy', version: '1.0.0', moduleUrl: null }]);
  });

  it('the schedule’s next event: an entry’s cue, or the opening’s attract piece; at most WARM_AHEAD_MAX', () => {
    const base = showWith([
      { id: 'x', commands: [] },
      { id: 'late', commands: [play('main', 'laser-score')] },
    ]);
    const schedule = { enabled: true, timezone: 'UTC', opening: '10:00', closing: '20:00', attract: { main: 'canopy' }, entries: [{ time: '11:00', cueId: 'x' }, { time: '13:30', cueId: 'late' }] };
    const s = { ...base, schedule };
    expect(warmAheadOf(s, 'main', NOON, summary).map((p) => p.installationId)).toEqual(['laser-score']);
    expect(warmAheadOf(s, 'main', Date.UTC(2026, 5, 1, 8, 0), summary).map((p) => p.installationId)).toEqual(['canopy']); // before opening
    expect(warmAheadOf({ ...s, schedule: { ...schedule, enabled: false } }, 'main', NOON, summary)).toEqual([]);
    // Today's own hours, as the scheduler fires them: a day closed by an exception has no next event;
    // on a Monday that opens at 14:00 (the default opens at 10:00), the next event at noon is that opening.
    const closed = { ...schedule, exceptions: [{ date: '2026-06-01', hours: null }] };
    expect(warmAheadOf({ ...s, schedule: closed }, 'main', NOON, summary)).toEqual([]);
    const lateOpening = { ...schedule, entries: [], days: { mon: { opening: '14:00', closing: '20:00' } } }; // 2026-06-01 is a Monday
    expect(warmAheadOf({ ...s, schedule: lateOpening }, 'main', NOON, summary).map((p) => p.installationId)).toEqual(['canopy']);
    const many = showWith([{ id: 'm', commands: [play('main', 'a'), play('main', 'b'), play('main', 'c')] }]);
    expect(warmAheadOf(many, 'main', NOON, summary)).toHaveLength(WARM_AHEAD_MAX);
  });

  it('goes to the wall’s screens in their view', () => {
    const s = showWith([{ id: 'a', commands: [play('main', 'canopy')] }]);
    const view = displayView(s, 'main-1', { piece: (id) => ({ ...summary(id), title: id, artist: '', description: '', params: {}, inputs: [], source: 'bundled' }), visitUrl: () => '', now: () => NOON });
    expect(view.warmAhead).toEqual([{ installationId: 'canopy', version: '1.0.0', moduleUrl: null }]);
  });
});

describe('warm ahead (host): kept warm in the cache, reported once warm on every screen', () => {
  const renderer = (): RendererLike => ({ info: { memory: { geometries: 0, textures: 0 }, programs: [] }, getContext: () => ({}) as WebGLRenderingContext });

  it('loads the piece, keeps it dormant in the warm cache, reports its warm-up, and never twice', async () => {
    const preloads: Array<{ installationId: string; ms: number; cold: boolean }> = [];
    const { host, pieces, timers } = testHost({ sendPreload: (p) => preloads.push(p) });
    host.attachRenderer('a', renderer());
    host.attachRenderer('b', renderer());
    host.warmAhead({ installationId: 'echo', version: '1.0.0', moduleUrl: null });
    timers.now = 50;
    await pieces.arrive('echo');
    expect(host.warmCache().pieces).toEqual(['echo@1.0.0']);
    const kept = host.snapshot().kept[0]!;
    expect(kept.installationId).toBe('echo');
    timers.now = 300;
    host.warmed(kept.key, 'a');
    expect(preloads).toEqual([]); // one screen of two
    host.warmed(kept.key, 'b');
    expect(preloads).toEqual([expect.objectContaining({ installationId: 'echo', ms: 300, cold: true })]);
    host.warmAhead({ installationId: 'echo', version: '1.0.0', moduleUrl: null }); // already warm: nothing
    expect(pieces.loads).toEqual(['echo']);
  });

  it('not the piece on screen; bounded by the cache', async () => {
    const { host, pieces, frameAt } = testHost({ warmCache: { count: 1, memory: 1e9 } });
    host.setProgram(programOf(playing('canopy', 5_000_000)));
    await pieces.arrive('canopy');
    frameAt(5_000_000);
    host.warmAhead({ installationId: 'canopy', version: '1.0.0', moduleUrl: null });
    expect(pieces.loads).toEqual(['canopy']);
    host.warmAhead({ installationId: 'echo', version: '1.0.0', moduleUrl: null });
    await pieces.arrive('echo');
    host.warmAhead({ installationId: 'facade', version: '1.0.0', moduleUrl: null });
    await pieces.arrive('facade');
    expect(host.warmCache().pieces).toEqual(['facade@1.0.0']);
  });
});
