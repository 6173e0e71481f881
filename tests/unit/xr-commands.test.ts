import { describe, expect, it } from 'vitest';
import { reduce, type ReduceContext } from '../../server/show/reducer';
import { demoShow } from '../../server/show/demo';
import { displayView } from '../../server/show/views';
import { Command, DisplayHealthSchema, Show as ShowSchema, type Show } from '../../protocol';
import { ScreenRegistry } from '../../server/screens/registry';
import { lastView, rememberView } from '../../client/shared/offline';

const ctx: ReduceContext = { now: 1_000_000, piece: () => undefined, playLeadMs: () => 600, changeLeadMs: 150 };
const run = (s: Show, c: unknown) => reduce(s, Command.parse(c), ctx);
const demo = () => demoShow(0, (preferred) => preferred[0] ?? null);

describe('VR stations in the show (docs/vr.md)', () => {
  it('the demo show has a VR wall `vr` with one station `vr-1` playing canopy, and the show schema takes it', () => {
    const show = demo();
    expect(show.walls.vr).toMatchObject({ id: 'vr', installationId: 'canopy' });
    expect(show.screens['vr-1']).toMatchObject({ wallId: 'vr', kind: 'vr' });
    expect(show.screens['main-1']!.kind).toBeUndefined();
    expect(ShowSchema.safeParse(show).success).toBe(true);
    expect(displayView(show, 'vr-1', { piece: () => undefined, visitUrl: (w) => `http://127.0.0.1/visit/${w}` }).screen.kind).toBe('vr');
    expect(displayView(show, 'main-1', { piece: () => undefined, visitUrl: (w) => `http://127.0.0.1/visit/${w}` }).screen.kind).toBeUndefined();
  });

  it('screen.kind makes a screen a station and back (the show keeps only `vr`), and refuses unknown screens and kinds', () => {
    const r = run(demo(), { type: 'screen.kind', screenId: 'canopy-1', kind: 'vr' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.show.screens['canopy-1']!.kind).toBe('vr');
    const back = run(r.show, { type: 'screen.kind', screenId: 'canopy-1', kind: 'flat' });
    if (!back.ok) throw new Error(back.error.message);
    expect('kind' in back.show.screens['canopy-1']!).toBe(false);
    expect(run(back.show, { type: 'screen.kind', screenId: 'canopy-1', kind: 'flat' })).toMatchObject({ ok: true, changed: false });
    expect(run(demo(), { type: 'screen.kind', screenId: 'nope', kind: 'vr' })).toMatchObject({ ok: false, error: { code: 'unknown_screen', message: expect.stringContaining('vr-1') } });
    expect(Command.safeParse({ type: 'screen.kind', screenId: 'vr-1', kind: 'ar' }).success).toBe(false);
  });

  it('screen.xr recentres or resets a station now (an effect, the show unchanged), and refuses a flat screen', () => {
    const show = demo();
    const r = run(show, { type: 'screen.xr', screenId: 'vr-1', action: 'recenter' });
    expect(r).toMatchObject({ ok: true, changed: false, effects: [{ kind: 'xr', screenId: 'vr-1', action: 'recenter' }] });
    if (r.ok) expect(r.show).toBe(show);
    expect(run(show, { type: 'screen.xr', screenId: 'vr-1', action: 'reset' })).toMatchObject({ ok: true, effects: [{ action: 'reset' }] });
    expect(run(show, { type: 'screen.xr', screenId: 'main-1', action: 'reset' })).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('not a VR station') } });
    expect(Command.safeParse({ type: 'screen.xr', screenId: 'vr-1', action: 'spin' }).success).toBe(false);
  });

  it('a station keeps its kind through wall.layout and screen.assign', () => {
    const laid = run(demo(), { type: 'wall.layout', wallId: 'vr', width: 1920, height: 1080, screens: [{ screenId: 'vr-1', rect: { x: 0, y: 0, w: 1920, h: 1080 } }] });
    if (!laid.ok) throw new Error(laid.error.message);
    expect(laid.show.screens['vr-1']!.kind).toBe('vr');
    const moved = run(laid.show, { type: 'screen.assign', screenId: 'vr-1', wallId: 'canopy' });
    if (!moved.ok) throw new Error(moved.error.message);
    expect(moved.show.screens['vr-1']!.kind).toBe('vr');
  });

  it("GET /api/show's screens carry a station's xr from its health: idle before it said and while offline, absent on flat screens", () => {
    let now = 0;
    const registry = new ScreenRegistry(() => now);
    const show = demo();
    const xrOf = () => registry.statuses(show).find((s) => s.id === 'vr-1');
    expect(xrOf()).toMatchObject({ kind: 'vr', xr: { presenting: false, mode: null } });
    expect(registry.statuses(show).find((s) => s.id === 'main-1')).not.toHaveProperty('xr');
    registry.connected('vr-1');
    const health = DisplayHealthSchema.parse({
      installationId: 'canopy', fps: 72, frameMsP95: 14, framesRendered: 100, memory: { geometries: 1, textures: 1, programs: 1 },
      clock: { offsetMs: 0, rttMs: 1, uncertaintyMs: 0.5 }, xr: { presenting: true, mode: 'immersive-vr' },
    });
    now = 10;
    registry.health('vr-1', health);
    expect(xrOf()).toMatchObject({ kind: 'vr', xr: { presenting: true, mode: 'immersive-vr' } });
    registry.disconnected('vr-1');
    expect(xrOf()?.xr).toEqual({ presenting: false, mode: null });
  });

  it('a station started offline (from the view it stored) is still a station', () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
    const view = displayView(demo(), 'vr-1', { piece: () => undefined, visitUrl: (w) => `http://127.0.0.1/visit/${w}` });
    expect(rememberView('vr-1', view, 1, storage)).toBe(true);
    expect(lastView('vr-1', storage)?.view.screen.kind).toBe('vr');
  });
});
