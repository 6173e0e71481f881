import { describe, expect, it } from 'vitest';
import { describeCommand } from '../../server/activity/describe';

/** The activity log describes every command as it was sent, refused ones too: any value must do. */
describe('activity log: a command as one line', () => {
  it('describes the usual commands', () => {
    expect(describeCommand({ type: 'show.blackout', on: true })).toBe('show.blackout on');
    expect(describeCommand({ type: 'wall.play', wallId: 'main', installationId: 'canopy', at: Date.UTC(2026, 0, 1, 20, 0, 5) })).toBe('wall.play main → canopy at 20:00:05 UTC');
  });

  it('never throws on a hostile command (found by the fuzz test)', () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(describeCommand({ type: 'show.blackout', on: deep })).toBe('show.blackout (object)');
    expect(describeCommand({ type: 'wall.play', wallId: 'main', at: 1e300 })).toBe('wall.play main → ?');
    expect(describeCommand({ type: 'wall.play', wallId: 'main', at: Number.NaN })).toBe('wall.play main → ?');
    expect(describeCommand([1, 2])).toBe('(not a command)');
    expect(describeCommand(null)).toBe('(not a command)');
  });
});
