import { describe, expect, it } from 'vitest';
import { SOUND_GUARD, SoundGuard, type GuardState } from '../../client/host/sound-guard';

/** A sound engine as the guard sees it: whether it plays, and every shed asked of it. */
function sound() {
  const s = { on: true, calls: [] as boolean[], playing: () => s.on, shed: (on: boolean) => void (s.calls.push(on), (s.on = !on)) };
  return s;
}

/** Feeds the guard worker ticks: `n` ticks `wallMs` apart, from `at`; returns the time after them. */
function ticks(g: SoundGuard, at: number, n: number, wallMs: number): number {
  for (let i = 0; i < n; i++) {
    at += wallMs;
    g.tick(wallMs, at);
  }
  return at;
}

describe('the sound guard', () => {
  it('leaves a page that gets its time alone', () => {
    const s = sound();
    const g = new SoundGuard(s);
    ticks(g, 0, 600, 1000);
    expect(s.calls).toEqual([]);
    expect(g.report(600_000)).toEqual({ state: 'playing', sheds: 0 });
  });

  it('sheds the sound of a starved page, holds it shed when that gives the page its time back, and brings it back after the hold', () => {
    const s = sound();
    const steps: GuardState[] = [];
    const g = new SoundGuard(s, (st) => steps.push(st));
    // Starved: each one-second tick comes five seconds late (a fifth of its time).
    let t = ticks(g, 0, 2, 5000);
    expect(s.calls).toEqual([true]);
    expect(g.state).toBe('probing');
    // Without its sound the page gets its time back: ticks on time.
    t = ticks(g, t, 6, 1000);
    expect(g.state).toBe('shed');
    expect(g.sheds).toBe(1);
    expect(g.report(t)).toEqual({ state: 'shed', sheds: 1, backInS: 60 });
    expect(s.calls).toEqual([true]); // still shed
    // Starved again while shed: nothing to shed; the hold goes on.
    t = ticks(g, t, 5, 5000);
    expect(s.calls).toEqual([true]);
    t = ticks(g, t, 40, 1000);
    expect(g.state).toBe('playing');
    expect(s.calls).toEqual([true, false]);
    expect(steps).toEqual(['probing', 'shed', 'playing']);
  });

  it('holds it longer each time it happens again, and forgives after a long calm', () => {
    const s = sound();
    const g = new SoundGuard(s);
    const holds: number[] = [];
    let t = 0;
    for (let round = 0; round < 4; round++) {
      while (g.state === 'playing') t = ticks(g, t, 1, 5000);
      t = ticks(g, t, 6, 1000);
      expect(g.state).toBe('shed');
      holds.push(g.report(t).backInS!);
      while (g.state === 'shed') t = ticks(g, t, 1, 1000);
    }
    expect(holds).toEqual([60, 180, 600, 600]);
    t = ticks(g, t, SOUND_GUARD.FORGIVE_MS / 1000 + 1, 1000);
    while (g.state === 'playing') t = ticks(g, t, 1, 5000);
    t = ticks(g, t, 6, 1000);
    expect(g.report(t).backInS).toBe(60);
    expect(g.sheds).toBe(5);
  });

  it('brings the sound back at once when the page stays starved without it, and does not try again for a while', () => {
    const s = sound();
    const g = new SoundGuard(s);
    let t = ticks(g, 0, 2, 5000);
    expect(s.calls).toEqual([true]);
    t = ticks(g, t, 3, 5000); // still starved: not the sound's doing
    expect(g.state).toBe('playing');
    expect(g.sheds).toBe(0);
    expect(s.calls).toEqual([true, false]);
    // Starved on, within the cool-down: no new try.
    t = ticks(g, t, (SOUND_GUARD.COOLDOWN_MS - 20_000) / 5000, 5000);
    expect(s.calls).toEqual([true, false]);
    // After it: a new try.
    t = ticks(g, t, 4, 5000);
    expect(s.calls).toEqual([true, false, true]);
  });

  it('does not count a partial recovery as the sound being the cause', () => {
    const s = sound();
    const g = new SoundGuard(s);
    let t = ticks(g, 0, 1, 20_000); // 5 % of its time
    expect(g.state).toBe('probing');
    // Without sound: a third of its time (more than twice before, but under RECOVERED).
    t = ticks(g, t, 4, 3000);
    expect(g.state).toBe('playing');
    expect(g.sheds).toBe(0);
    expect(t).toBeGreaterThan(0);
  });

  it('judges a whole window: one late tick among prompt ones is no starvation', () => {
    const s = sound();
    const g = new SoundGuard(s);
    let t = ticks(g, 0, 20, 1000);
    t = ticks(g, t, 1, 4000); // a 4-s stall (a machine's hiccup): 7 s of its own in the 10-s window
    t = ticks(g, t, 20, 1000);
    expect(s.calls).toEqual([]);
  });

  it('does nothing while the sound does not play (blocked, or not started)', () => {
    const s = sound();
    s.on = false;
    const g = new SoundGuard(s);
    ticks(g, 0, 10, 5000);
    expect(s.calls).toEqual([]);
    expect(g.state).toBe('playing');
  });
});
