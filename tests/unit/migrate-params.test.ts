import { describe, expect, it } from 'vitest';
import { describeChange, migrateParams } from '../../server/show/migrate-params';
import { showProblem } from '../../server/show/validate';
import { reduce } from '../../server/show/reducer';
import { demoShow } from '../../server/show/demo';
import { Command, Show as ShowSchema, type Manifest, type Show } from '../../protocol';

type Piece = Pick<Manifest, 'id' | 'params'>;

// Version 1 of a piece, and version 2 where `speed` became a select, `size` narrowed, `count` became
// an integer, and `old` and `other` were dropped.
const v1: Piece = {
  id: 'tuner',
  params: {
    speed: { type: 'number', min: 0, max: 10, default: 1 },
    size: { type: 'number', min: 0, max: 100, default: 10 },
    count: { type: 'number', min: 0, max: 10, default: 2 },
    tint: { type: 'color', default: '#ff0000' },
    old: { type: 'boolean', default: false },
    other: { type: 'number', min: 0, max: 1, default: 0 },
  },
};
const v2: Piece = {
  id: 'tuner',
  params: {
    speed: { type: 'select', options: ['slow', 'fast'], default: 'slow' },
    size: { type: 'number', min: 0, max: 50, default: 10 },
    count: { type: 'integer', min: 0, max: 10, default: 2 },
    tint: { type: 'color', default: '#ff0000' },
  },
};
const other: Piece = { id: 'other', params: { speed: { type: 'number', min: 0, max: 10, default: 5 } } };
const lookup = (...pieces: Piece[]) => (id: string) => pieces.find((p) => p.id === id);

/** A show as v1 left it: a wall, presets, and cues that play the piece and change its params. */
function storedShow(): Show {
  const s = demoShow(0, () => null);
  s.walls.main = { ...s.walls.main!, installationId: 'tuner', params: { speed: 3, size: 80, count: 2.5, tint: '#00ff00', old: true } };
  s.walls.canopy = { ...s.walls.canopy!, installationId: 'other', params: { speed: 3 } };
  s.presets = { tuner: { calm: { speed: 2, size: 20 }, fine: { size: 5 } }, other: { keep: { speed: 7 } }, gone: { any: { x: 1 } } };
  s.cues = [
    {
      id: 'open',
      name: 'Open',
      commands: [
        { type: 'show.blackout', on: false },
        { type: 'wall.play', wallId: 'main', installationId: 'tuner', params: { speed: 4, old: false } },
        { type: 'wall.params', wallId: 'main', params: { size: 90, other: 1 } },
      ],
    },
    // No wall.play in this cue: aimed at what `main` plays now.
    { id: 'later', name: 'Later', commands: [{ type: 'wall.params', wallId: 'main', params: { speed: 6, old: true } }] },
    { id: 'still', name: 'Still', commands: [{ type: 'wall.params', wallId: 'canopy', params: { speed: 4 } }] },
  ];
  return ShowSchema.parse(s);
}

describe('migrateParams', () => {
  it('keeps a show that fits its pieces as the very same object', () => {
    const s = storedShow();
    const res = migrateParams(s, lookup(v1, other));
    // v1 accepts every stored value: nothing to change.
    expect(res.changes).toEqual([]);
    expect(res.show).toBe(s);
  });

  it('resets values the new version refuses, keeps the valid ones, drops removed params, in walls, presets and cues', () => {
    const s = storedShow();
    const res = migrateParams(s, lookup(v2, other));
    const m = res.show;
    expect(m.walls.main!.params).toEqual({ speed: 'slow', size: 10, count: 3, tint: '#00ff00' });
    expect(m.presets.tuner).toEqual({ calm: { speed: 'slow', size: 20 }, fine: { size: 5 } });
    expect(m.cues[0]!.commands[1]).toEqual({ type: 'wall.play', wallId: 'main', installationId: 'tuner', params: { speed: 'slow' } });
    expect(m.cues[0]!.commands[2]).toEqual({ type: 'wall.params', wallId: 'main', params: { size: 10 } });
    expect(m.cues[1]!.commands[0]).toEqual({ type: 'wall.params', wallId: 'main', params: { speed: 'slow' } });

    // Everything else is shared, not copied: the journal records only the change.
    expect(m.walls.canopy).toBe(s.walls.canopy);
    expect(m.presets.other).toBe(s.presets.other);
    expect(m.presets.gone).toBe(s.presets.gone);
    expect(m.screens).toBe(s.screens);
    expect(m.cues[2]).toBe(s.cues[2]);
    expect(m.cues[0]!.commands[0]).toBe(s.cues[0]!.commands[0]);
    // The input is untouched.
    expect(s.walls.main!.params.speed).toBe(3);

    const said = res.changes.map((c) => `${c.where}|${c.param}|${c.action}`);
    expect(said).toEqual([
      "wall 'main'|speed|reset",
      "wall 'main'|size|reset",
      "wall 'main'|count|rounded",
      "wall 'main'|old|dropped",
      "preset 'calm' of 'tuner'|speed|reset",
      "cue 'open' (command 2, wall.play)|speed|reset",
      "cue 'open' (command 2, wall.play)|old|dropped",
      "cue 'open' (command 3, wall.params)|size|reset",
      "cue 'open' (command 3, wall.params)|other|dropped",
      "cue 'later' (command 1, wall.params)|speed|reset",
      "cue 'later' (command 1, wall.params)|old|dropped",
    ]);
    expect(describeChange(res.changes[0]!)).toBe(
      `wall 'main': param 'speed' of 'tuner' was 3, which the piece no longer accepts (param 'speed' must be one of slow, fast); reset to its default "slow"`,
    );
  });

  it('leaves a valid show: it passes the import check, runs its cues, and a second pass changes nothing', () => {
    const piece = lookup(v2, other);
    const before = storedShow();
    expect(showProblem(before, piece)).not.toBeNull(); // the backup that could not be restored
    const { show } = migrateParams(before, piece);
    expect(ShowSchema.safeParse(JSON.parse(JSON.stringify(show))).success).toBe(true);
    expect(showProblem(show, piece)).toBeNull();
    const ctx = { now: 0, piece, playLeadMs: () => 600, changeLeadMs: 150 };
    for (const cue of show.cues) expect(reduce(show, Command.parse({ type: 'cue.go', cueId: cue.id }), ctx).ok, cue.id).toBe(true);
    expect(reduce(show, Command.parse({ type: 'wall.play', wallId: 'main', installationId: 'tuner', preset: 'calm' }), ctx).ok).toBe(true);
    expect(migrateParams(show, piece).changes).toEqual([]);
  });

  it('leaves values of pieces that are not installed alone', () => {
    const s = storedShow();
    const res = migrateParams(s, lookup(other));
    expect(res.changes).toEqual([]);
    expect(res.show).toBe(s);
  });
});
