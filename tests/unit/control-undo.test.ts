import { describe, expect, it } from 'vitest';
import { inverseOf } from '../../client/control/undo';
import type { ShowView, WallStatus } from '../../protocol';

const wall = (over: Partial<WallStatus> = {}): WallStatus =>
  ({ id: 'main', name: 'Main', width: 1920, height: 1080, installationId: 'canopy', params: { speed: 1, palette: 'dawn' }, startedAt: 0, paramsAt: 0, pausedAt: null, heldMs: 0, audioScreens: [], visitorCap: 50, visitorInput: true, showQr: true, quality: 'auto', screens: ['main-1'], visitUrl: '/visit/main', visitors: 0, inputsPerSecond: 0, queue: 0, ...over }) as WallStatus;
const view = (over: Partial<ShowView> = {}): ShowView =>
  ({ version: 1, serverTime: 0, blackout: false, volume: 0.8, walls: [wall()], screens: [], presets: { canopy: { calm: { speed: 0.5 } } }, cues: [{ id: 'a', name: 'A', commands: [] }, { id: 'b', name: 'B', commands: [{ type: 'show.blackout', on: true }] }], cuePosition: -1, cueStandby: 0, ...over }) as unknown as ShowView;

describe('undo: the inverse of a panel command, from the show before it', () => {
  it('blackout, volume, pause and resume go back', () => {
    expect(inverseOf({ type: 'show.blackout', on: true }, view())).toEqual({ type: 'show.blackout', on: false });
    expect(inverseOf({ type: 'show.blackout', on: false }, view()), 'nothing changed: nothing to undo').toBeNull();
    expect(inverseOf({ type: 'show.volume', volume: 0.2 }, view())).toEqual({ type: 'show.volume', volume: 0.8 });
    expect(inverseOf({ type: 'wall.pause', wallId: 'main' }, view())).toEqual({ type: 'wall.resume', wallId: 'main' });
    expect(inverseOf({ type: 'wall.resume', wallId: 'main' }, view({ walls: [wall({ pausedAt: 5 })] }))).toEqual({ type: 'wall.pause', wallId: 'main' });
  });

  it('a stop or a play plays again what played, with its params; from nothing, stops', () => {
    expect(inverseOf({ type: 'wall.stop', wallId: 'main' }, view())).toEqual({ type: 'wall.play', wallId: 'main', installationId: 'canopy', params: { speed: 1, palette: 'dawn' } });
    expect(inverseOf({ type: 'wall.play', wallId: 'main', installationId: 'echo' }, view({ walls: [wall({ installationId: null })] }))).toEqual({ type: 'wall.stop', wallId: 'main' });
  });

  it('params go back for the keys that were sent only', () => {
    expect(inverseOf({ type: 'wall.params', wallId: 'main', params: { speed: 2 } }, view())).toEqual({ type: 'wall.params', wallId: 'main', params: { speed: 1 } });
  });

  it('a deleted cue or preset comes back as it was, where it was', () => {
    expect(inverseOf({ type: 'cue.delete', cueId: 'b' }, view())).toEqual({ type: 'cue.save', cueId: 'b', name: 'B', commands: [{ type: 'show.blackout', on: true }], index: 1 });
    expect(inverseOf({ type: 'preset.delete', installationId: 'canopy', name: 'calm' }, view())).toEqual({ type: 'preset.save', installationId: 'canopy', name: 'calm', params: { speed: 0.5 } });
  });

  it('has no inverse for what cannot be taken back', () => {
    expect(inverseOf({ type: 'screen.identify', screenId: 'main-1' }, view())).toBeNull();
    expect(inverseOf({ type: 'cue.go' }, view())).toBeNull();
    expect(inverseOf({ type: 'wall.stop', wallId: 'unknown' }, view())).toBeNull();
  });
});
