import { describe, expect, it } from 'vitest';
import { reduce, type ReduceContext } from '../../server/show/reducer';
import { demoShow } from '../../server/show/demo';
import { Command, Show as ShowSchema, type Manifest, type Show } from '../../protocol';
import { describeTransition } from '../../client/control/pieces/transition';

const canopy: Pick<Manifest, 'id' | 'params'> = { id: 'canopy', params: {} };
const ctx: ReduceContext = { now: 1_000_000, piece: (id) => (id === 'canopy' ? canopy : undefined), playLeadMs: () => 600, changeLeadMs: 150 };
const show = (): Show => demoShow(0, () => null);
function run(s: Show, c: unknown): Show {
  const res = reduce(s, Command.parse(c), ctx);
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.show;
}

describe('wall.transition and the wall’s default transition', () => {
  it('sets the default; a wall.play without a transition of its own takes it, one with its own keeps its own', () => {
    const s = run(show(), { type: 'wall.transition', wallId: 'main', transition: { type: 'crossfade', ms: 2500 } });
    expect(s.walls.main!.defaultTransition).toEqual({ type: 'crossfade', ms: 2500 });
    expect(s.walls.canopy!.defaultTransition).toBeUndefined(); // only that wall
    expect(run(s, { type: 'wall.play', wallId: 'main', installationId: 'canopy' }).walls.main!.transition).toEqual({ type: 'crossfade', ms: 2500 });
    expect(run(s, { type: 'wall.play', wallId: 'main', installationId: 'canopy', transition: { type: 'fade', ms: 800 } }).walls.main!.transition).toEqual({ type: 'fade', ms: 800 });
    // An explicit cut overrides the default.
    expect(run(s, { type: 'wall.play', wallId: 'main', installationId: 'canopy', transition: { type: 'cut' } }).walls.main!.transition).toBeUndefined();
  });

  it('a cut (or 0 ms) clears the default: plays are cuts again', () => {
    const s = run(show(), { type: 'wall.transition', wallId: 'main', transition: { type: 'fade', ms: 1000 } });
    for (const transition of [{ type: 'cut' }, { type: 'crossfade', ms: 0 }]) {
      const cleared = run(s, { type: 'wall.transition', wallId: 'main', transition });
      expect(cleared.walls.main!.defaultTransition).toBeUndefined();
      expect(run(cleared, { type: 'wall.play', wallId: 'main', installationId: 'canopy' }).walls.main!.transition).toBeUndefined();
    }
  });

  it('survives a save and load, and refuses an unknown wall or a transition past 60 s with a clear error', () => {
    const s = run(show(), { type: 'wall.transition', wallId: 'main', transition: { type: 'crossfade', ms: 1200 } });
    expect(ShowSchema.parse(JSON.parse(JSON.stringify(s))).walls.main!.defaultTransition).toEqual({ type: 'crossfade', ms: 1200 });
    const res = reduce(show(), Command.parse({ type: 'wall.transition', wallId: 'nowhere', transition: { type: 'fade', ms: 500 } }), ctx);
    expect(!res.ok && res.error.code).toBe('unknown_wall');
    expect(!res.ok && res.error.message).toContain('main');
    expect(Command.safeParse({ type: 'wall.transition', wallId: 'main', transition: { type: 'fade', ms: 61_000 } }).success).toBe(false);
    expect(Command.safeParse({ type: 'wall.transition', wallId: 'main', transition: { type: 'wipe', ms: 500 } }).success).toBe(false);
  });

  it('a cue carries a wall.play’s transition; the panel describes it', () => {
    const s = run(show(), {
      type: 'cue.save',
      cueId: 'x',
      name: 'Crossfade to canopy',
      commands: [{ type: 'wall.play', wallId: 'main', installationId: 'canopy', transition: { type: 'crossfade', ms: 3000 } }],
    });
    const cue = s.cues.find((c) => c.id === 'x');
    expect(cue?.commands[0]).toMatchObject({ transition: { type: 'crossfade', ms: 3000 } });
    expect(describeTransition({ type: 'crossfade', ms: 3000 })).toBe('crossfade 3 s');
    expect(describeTransition({ type: 'fade', ms: 1500 })).toBe('fade 1.5 s');
    expect(describeTransition(undefined)).toBe('cut');
  });
});
