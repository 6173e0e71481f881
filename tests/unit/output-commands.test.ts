import { describe, expect, it } from 'vitest';
import { reduce, type ReduceContext } from '../../server/show/reducer';
import { demoShow } from '../../server/show/demo';
import { displayView } from '../../server/show/views';
import { Command, Show as ShowSchema, describeIssues, type Show } from '../../protocol';

const ctx: ReduceContext = { now: 1_000_000, piece: () => undefined, playLeadMs: () => 600, changeLeadMs: 150 };
const run = (s: Show, c: unknown) => reduce(s, Command.parse(c), ctx);
const apply = (s: Show, c: unknown): Show => {
  const r = run(s, c);
  if (!r.ok) throw new Error(r.error.message);
  return r.show;
};
const refusal = (c: unknown): string => {
  const r = Command.safeParse(c);
  if (r.success) throw new Error(`${JSON.stringify(c)} was accepted`);
  return describeIssues(r.error.issues);
};
const demo = () => demoShow(0, () => null);
const right: unknown = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]];

describe('screen.output and screen.pattern: validation', () => {
  it('refuses corners outside -1..2, a grid of the wrong size or over 17×17, and out-of-range levels, naming them', () => {
    expect(refusal({ type: 'screen.output', screenId: 'main-1', corners: [[0, 0], [3, 0], [1, 1], [0, 1]] })).toContain('from -1 to 2');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', corners: [[0, 0], [1, 0], [1, 1]] })).toContain('corners');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', grid: { cols: 3, rows: 3, points: [[0, 0]] } })).toContain('a 3×3 grid needs 9 points (got 1)');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', grid: { cols: 18, rows: 2, points: [] } })).toContain('cols: at most 17');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', brightness: 3 })).toContain('brightness: from 0 to 2');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', gain: [1, 1] })).toContain('gain');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', gain: [1, 1, -0.1] })).toContain('gain: from 0 to 2');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', black: 0.9 })).toContain('black: from 0 to 0.5');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', blend: { left: -5 } })).toContain('0 or more');
    expect(refusal({ type: 'screen.output', screenId: 'main-1', mask: [[0, 0], [1, 1]] })).toContain('at least 3 points');
    expect(refusal({ type: 'screen.pattern', pattern: 'plaid' })).toContain('grid, ids, white, black, bars, ramp, none');
  });

  it('refuses a blend wider than half the screen (in its rect\'s units), and unknown screens and walls', () => {
    const wide = run(demo(), { type: 'screen.output', screenId: 'main-1', blend: { left: 961 } });
    expect(wide).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('blend.left is 961, wider than half') } });
    expect(run(demo(), { type: 'screen.output', screenId: 'main-1', blend: { top: 541 } })).toMatchObject({ ok: false });
    expect(run(demo(), { type: 'screen.output', screenId: 'main-1', blend: { left: 960, top: 540 } }).ok).toBe(true);
    expect(run(demo(), { type: 'screen.output', screenId: 'main-1', corners: [[0, 0], [1, 0], [0, 1], [1, 1]] })).toMatchObject({ ok: false, error: { message: expect.stringContaining('cross or lie in a line') } });
    expect(run(demo(), { type: 'screen.output', screenId: 'nope', brightness: 1 })).toMatchObject({ ok: false, error: { code: 'unknown_screen' } });
    expect(run(demo(), { type: 'screen.pattern', wallId: 'nope', pattern: 'grid' })).toMatchObject({ ok: false, error: { code: 'unknown_wall' } });
    expect(run(demo(), { type: 'screen.pattern', wallId: 'main', screenId: 'main-1', pattern: 'grid' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('not both') } });
  });
});

describe('screen.output and screen.pattern: the show', () => {
  it('keeps omitted fields, merges blend sides, clears with null, and goes back to the identity with reset', () => {
    let show = apply(demo(), { type: 'screen.output', screenId: 'main-1', corners: right, blend: { left: 480, gamma: 1 } });
    show = apply(show, { type: 'screen.output', screenId: 'main-1', brightness: 0.8, blend: { right: 100 } });
    expect(show.screens['main-1']!.output).toEqual({ corners: right, blend: { left: 480, right: 100, gamma: 1 }, brightness: 0.8 });
    show = apply(show, { type: 'screen.output', screenId: 'main-1', blend: null });
    expect(show.screens['main-1']!.output).toEqual({ corners: right, brightness: 0.8 });
    // Values equal to the identity leave nothing behind, so the stage stays the identity (and costs nothing).
    show = apply(show, { type: 'screen.output', screenId: 'main-1', brightness: 1, corners: [[0, 0], [1, 0], [1, 1], [0, 1]] });
    expect(show.screens['main-1']!.output).toBeUndefined();
    show = apply(show, { type: 'screen.output', screenId: 'main-1', gain: [1, 0.9, 1], black: 0.02 });
    show = apply(show, { type: 'screen.output', screenId: 'main-1', reset: true });
    expect(show.screens['main-1']!.output).toBeUndefined();
    expect(run(show, { type: 'screen.output', screenId: 'main-1', reset: true })).toMatchObject({ ok: true, changed: false });
  });

  it('sets a pattern on a screen, a wall or every screen; none clears it', () => {
    let show = apply(demo(), { type: 'screen.pattern', screenId: 'main-2', pattern: 'grid' });
    expect(Object.values(show.screens).map((s) => s.pattern ?? null)).toEqual(Object.values(show.screens).map((s) => (s.id === 'main-2' ? 'grid' : null)));
    show = apply(show, { type: 'screen.pattern', wallId: 'main', pattern: 'white' });
    for (const s of Object.values(show.screens)) expect(s.pattern).toBe(s.wallId === 'main' ? 'white' : undefined);
    show = apply(show, { type: 'screen.pattern', pattern: 'bars' });
    for (const s of Object.values(show.screens)) expect(s.pattern).toBe('bars');
    show = apply(show, { type: 'screen.pattern', pattern: 'none' });
    for (const s of Object.values(show.screens)) expect(s.pattern).toBeUndefined();
  });

  it('is part of the show (it parses back, as a restart and an import read it) and of the screen\'s view', () => {
    let show = apply(demo(), { type: 'screen.output', screenId: 'main-1', corners: right, mask: [[0, 0], [1, 0], [0.5, 1]] });
    show = apply(show, { type: 'screen.pattern', screenId: 'main-1', pattern: 'ramp' });
    const back = ShowSchema.parse(JSON.parse(JSON.stringify(show)));
    expect(back.screens['main-1']).toMatchObject({ output: { corners: right, mask: [[0, 0], [1, 0], [0.5, 1]] }, pattern: 'ramp' });
    const view = displayView(back, 'main-1', { piece: () => undefined, visitUrl: () => '' });
    expect(view.screen).toMatchObject({ output: { corners: right }, pattern: 'ramp' });
    expect(displayView(back, 'main-2', { piece: () => undefined, visitUrl: () => '' }).screen).not.toHaveProperty('output');
  });

  it('can be part of a cue', () => {
    const res = run(demo(), { type: 'cue.save', cueId: 'align', name: 'Align', commands: [{ type: 'screen.pattern', wallId: 'main', pattern: 'grid' }, { type: 'screen.output', screenId: 'main-1', black: 0.05 }] });
    expect(res.ok).toBe(true);
  });
});
