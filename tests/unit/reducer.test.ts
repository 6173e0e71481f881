import { describe, expect, it } from 'vitest';
import { reduce, type ReduceContext } from '../../server/show/reducer';
import { demoShow } from '../../server/show/demo';
import { Command, Show as ShowSchema, type Manifest, type Show } from '../../protocol';

const canopy: Pick<Manifest, 'id' | 'params'> = {
  id: 'canopy',
  params: {
    speed: { type: 'number', min: 0, max: 2, default: 1 },
    palette: { type: 'select', options: ['dawn', 'night'], default: 'dawn' },
  },
};
const ctx: ReduceContext = { now: 1_000_000, piece: (id) => (id === 'canopy' ? canopy : undefined), playLeadMs: () => 600, changeLeadMs: 150 };
const show = (): Show => demoShow(0, () => null);
const run = (s: Show, c: unknown) => reduce(s, Command.parse(c), ctx);

describe('reducer', () => {
  it('sets a wall\'s quality (host-owned), and a show saved before the field existed loads as auto', () => {
    const res = run(show(), { type: 'wall.quality', wallId: 'main', quality: 'low' });
    expect(res.ok && res.show.walls.main!.quality).toBe('low');
    const old = JSON.parse(JSON.stringify(show())) as { walls: Record<string, Record<string, unknown>> };
    for (const w of Object.values(old.walls)) delete w.quality;
    expect(ShowSchema.parse(old).walls.main!.quality).toBe('auto');
    expect(() => Command.parse({ type: 'wall.quality', wallId: 'main', quality: 'ultra' })).toThrow();
  });

  it('plays a piece on a wall with default params at now + lead', () => {
    const res = run(show(), { type: 'wall.play', wallId: 'main', installationId: 'canopy' });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.show.walls.main!.installationId).toBe('canopy');
    expect(res.show.walls.main!.params).toEqual({ speed: 1, palette: 'dawn' });
    expect(res.show.walls.main!.startedAt).toBe(ctx.now + 600);
    expect(res.show.version).toBe(1);
  });

  it('honours an explicit `at`', () => {
    const res = run(show(), { type: 'wall.play', wallId: 'main', installationId: 'canopy', at: 2_000_000 });
    expect(res.ok && res.show.walls.main!.startedAt).toBe(2_000_000);
  });

  it('refuses an unknown piece, wall or out-of-range param with a listed code', () => {
    const a = run(show(), { type: 'wall.play', wallId: 'main', installationId: 'nope' });
    expect(!a.ok && a.error.code).toBe('unknown_installation');
    const b = run(show(), { type: 'wall.play', wallId: 'nowhere', installationId: 'canopy' });
    expect(!b.ok && b.error.code).toBe('unknown_wall');
    const c = run(show(), { type: 'wall.play', wallId: 'main', installationId: 'canopy', params: { speed: 9 } });
    expect(!c.ok && c.error.code).toBe('bad_request');
    expect(!c.ok && c.error.message).toContain('speed');
  });

  it('merges params and schedules them', () => {
    const played = run(show(), { type: 'wall.play', wallId: 'main', installationId: 'canopy' });
    if (!played.ok) throw new Error('play failed');
    const res = run(played.show, { type: 'wall.params', wallId: 'main', params: { palette: 'night' } });
    expect(res.ok && res.show.walls.main!.params).toEqual({ speed: 1, palette: 'night' });
    expect(res.ok && res.show.walls.main!.paramsAt).toBe(ctx.now + 150);
  });

  it('pauses and resumes, accumulating held time', () => {
    const played = run(show(), { type: 'wall.play', wallId: 'main', installationId: 'canopy', at: 0 });
    if (!played.ok) throw new Error();
    const paused = run(played.show, { type: 'wall.pause', wallId: 'main', at: ctx.now - 400 });
    if (!paused.ok) throw new Error();
    expect(paused.show.walls.main!.pausedAt).toBe(ctx.now - 400);
    const resumed = run(paused.show, { type: 'wall.resume', wallId: 'main' });
    expect(resumed.ok && resumed.show.walls.main!.pausedAt).toBe(null);
    expect(resumed.ok && resumed.show.walls.main!.heldMs).toBe(400);
  });

  it('lays out a wall, adopting unknown screens and releasing dropped ones', () => {
    const res = run(show(), {
      type: 'wall.layout', wallId: 'main', width: 3840, height: 1080,
      screens: [{ screenId: 'main-1', rect: { x: 0, y: 0, w: 1920, h: 1080 } }, { screenId: 'new-1', rect: { x: 1920, y: 0, w: 1920, h: 1080 } }],
    });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.show.screens['new-1']!.wallId).toBe('main');
    expect(res.show.screens['main-3']!.wallId).toBe(null);
    expect(res.show.walls.main!.width).toBe(3840);
  });

  it('creates, renames and deletes walls; deleting frees its screens', () => {
    let s = show();
    const created = run(s, { type: 'wall.create', wallId: 'facade', name: 'Façade' });
    if (!created.ok) throw new Error();
    s = created.show;
    expect(run(s, { type: 'wall.create', wallId: 'facade', name: 'again' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const renamed = run(s, { type: 'wall.rename', wallId: 'facade', name: 'Front' });
    expect(renamed.ok && renamed.show.walls.facade!.name).toBe('Front');
    const deleted = run(s, { type: 'wall.delete', wallId: 'main' });
    expect(deleted.ok && deleted.show.walls.main).toBeUndefined();
    expect(deleted.ok && deleted.show.screens['main-1']!.wallId).toBe(null);
  });

  it('blackout, volume and screen blackout change state; identify is an effect only', () => {
    const b = run(show(), { type: 'show.blackout', on: true });
    expect(b.ok && b.show.blackout).toBe(true);
    const v = run(show(), { type: 'show.volume', volume: 0.3 });
    expect(v.ok && v.show.volume).toBe(0.3);
    const sb = run(show(), { type: 'screen.blackout', screenId: 'main-2', on: true });
    expect(sb.ok && sb.show.screens['main-2']!.blackout).toBe(true);
    const id = run(show(), { type: 'screen.identify', screenId: 'main-2' });
    expect(id.ok && id.changed).toBe(false);
    expect(id.ok && id.effects).toEqual([{ kind: 'identify', screenId: 'main-2' }]);
    expect(id.ok && id.show.version).toBe(0);
  });

  it('saves presets and plays with one', () => {
    const saved = run(show(), { type: 'preset.save', installationId: 'canopy', name: 'dusk', params: { palette: 'night', speed: 0.5 } });
    if (!saved.ok) throw new Error();
    const played = run(saved.show, { type: 'wall.play', wallId: 'canopy', installationId: 'canopy', preset: 'dusk' });
    expect(played.ok && played.show.walls.canopy!.params).toEqual({ speed: 0.5, palette: 'night' });
    const bad = run(show(), { type: 'preset.save', installationId: 'canopy', name: 'x', params: { speed: -1 } });
    expect(bad.ok).toBe(false);
  });

  it('runs a cue list: GO fires the standing-by cue, next and back move the playhead', () => {
    let s = show();
    const q1 = run(s, { type: 'cue.save', cueId: 'open', name: 'Open', commands: [{ type: 'wall.play', wallId: 'main', installationId: 'canopy' }, { type: 'show.blackout', on: false }] });
    if (!q1.ok) throw new Error(q1.error.message);
    const q2 = run(q1.show, { type: 'cue.save', cueId: 'dark', name: 'Dark', commands: [{ type: 'show.blackout', on: true }] });
    if (!q2.ok) throw new Error();
    s = q2.show;
    const go1 = run(s, { type: 'cue.go' });
    if (!go1.ok) throw new Error(go1.error.message);
    expect(go1.show.walls.main!.installationId).toBe('canopy');
    expect(go1.show.cuePosition).toBe(0);
    expect(go1.show.cueStandby).toBe(1);
    const go2 = run(go1.show, { type: 'cue.go' });
    expect(go2.ok && go2.show.blackout).toBe(true);
    const back = run(go1.show, { type: 'cue.back' });
    expect(back.ok && back.show.cueStandby).toBe(0);
  });

  it('a cue is one GO: its commands without `at` take effect together, after the longest lead', () => {
    const leads: Record<string, number> = { main: 600, canopy: 2400 };
    const slow: ReduceContext = { ...ctx, playLeadMs: (wallId) => leads[wallId] ?? 600 };
    const saved = run(show(), {
      type: 'cue.save', cueId: 'both', name: 'Both',
      commands: [
        { type: 'wall.play', wallId: 'main', installationId: 'canopy' },
        { type: 'wall.play', wallId: 'canopy', installationId: 'canopy' },
        { type: 'wall.pause', wallId: 'main', at: ctx.now + 9000 },
      ],
    });
    if (!saved.ok) throw new Error(saved.error.message);
    const go = reduce(saved.show, Command.parse({ type: 'cue.go', cueId: 'both' }), slow);
    if (!go.ok) throw new Error(go.error.message);
    expect(go.show.walls.main!.startedAt).toBe(ctx.now + 2400);
    expect(go.show.walls.canopy!.startedAt).toBe(ctx.now + 2400);
    expect(go.show.walls.main!.pausedAt).toBe(ctx.now + 9000); // an explicit `at` is kept
    // Alone, each wall.play gets its own wall's lead.
    const alone = reduce(show(), Command.parse({ type: 'wall.play', wallId: 'main', installationId: 'canopy' }), slow);
    expect(alone.ok && alone.show.walls.main!.startedAt).toBe(ctx.now + 600);
  });

  it('refuses a cue whose command is invalid, all or nothing', () => {
    const saved = run(show(), { type: 'cue.save', cueId: 'bad', name: 'Bad', commands: [{ type: 'show.blackout', on: true }, { type: 'wall.play', wallId: 'nowhere', installationId: 'canopy' }] });
    if (!saved.ok) throw new Error();
    const go = run(saved.show, { type: 'cue.go', cueId: 'bad' });
    expect(go.ok).toBe(false);
    expect(!go.ok && go.error.message).toContain('nowhere');
    // A malformed cue command is refused where commands are parsed, at the edge (store.dispatch).
    const malformed = Command.safeParse({ type: 'cue.save', cueId: 'm', name: 'M', commands: [{ type: 'wall.play' }] });
    expect(malformed.success).toBe(false);
  });

  it('validates the schedule against cues, walls and time zones', () => {
    const base = { enabled: true, timezone: 'Europe/Brussels', opening: '10:00', closing: '20:00', attract: {}, entries: [] };
    expect(run(show(), { type: 'schedule.set', schedule: base }).ok).toBe(true);
    expect(run(show(), { type: 'schedule.set', schedule: { ...base, timezone: 'Mars/Olympus' } }).ok).toBe(false);
    expect(run(show(), { type: 'schedule.set', schedule: { ...base, entries: [{ time: '12:00', cueId: 'ghost' }] } }).ok).toBe(false);
    expect(run(show(), { type: 'schedule.set', schedule: { ...base, attract: { main: 'canopy' } } }).ok).toBe(true);
  });

  it('is pure: the input show is not mutated', () => {
    const s = show();
    const before = JSON.stringify(s);
    run(s, { type: 'wall.play', wallId: 'main', installationId: 'canopy' });
    run(s, { type: 'wall.delete', wallId: 'main' });
    expect(JSON.stringify(s)).toBe(before);
  });
});

describe('ids', () => {
  it('refuse names every object inherits, which would corrupt the show\'s records', () => {
    for (const wallId of ['constructor']) {
      const res = Command.safeParse({ type: 'wall.rename', wallId, name: 'x' });
      expect(res.success).toBe(false);
    }
    expect(Command.safeParse({ type: 'wall.rename', wallId: 'main', name: 'x' }).success).toBe(true);
  });
});
