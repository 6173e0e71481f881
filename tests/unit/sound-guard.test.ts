import { describe, expect, it } from 'vitest';
import { SOUND_GUARD, SoundGuard, type GuardState } from '../../client/host/sound-guard';
import { renderLoad } from '../../client/host/render-meter';

/** A sound engine as the guard sees it: whether it plays, and every shed asked of it. */
function sound() {
  const s = { on: true, calls: [] as boolean[], playing: () => s.on, shed: (on: boolean) => void (s.calls.push(on), (s.on = !on)) };
  return s;
}

/**
 * Feeds the guard the page's ticks: `n` ticks `wallMs` apart, from `at`, each after a render-load
 * reading of `load` (none: null); returns the time after them.
 */
function ticks(g: SoundGuard, at: number, n: number, wallMs: number, load: number | null = 0.8): number {
  for (let i = 0; i < n; i++) {
    at += wallMs;
    g.load(load);
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
    expect(g.report(600_000)).toEqual({ state: 'playing', sheds: 0, load: 0.8 });
  });

  it('sheds the sound of a starved page, holds it shed when that gives the page its time back, and brings it back after the hold', () => {
    const s = sound();
    const steps: GuardState[] = [];
    const g = new SoundGuard(s, (st) => steps.push(st));
    // Starved: each one-second tick comes five seconds late (a fifth of its time).
    let t = ticks(g, 0, 5, 1000); // five readings of its render load
    t = ticks(g, t, 2, 5000);
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
    let t = ticks(g, 0, 5, 1000);
    t = ticks(g, t, 2, 5000);
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

  it('counts a page that gets twice its time back without its sound as starved by it, and not one that gets less', () => {
    // 10 % of its time; without sound a sixth (less than twice): not the sound's doing.
    const s = sound();
    const g = new SoundGuard(s);
    let t = ticks(g, 0, 5, 1000);
    t = ticks(g, t, 1, 10_000);
    expect(g.state).toBe('probing');
    t = ticks(g, t, 3, 6000);
    expect(g.state).toBe('playing');
    expect(g.sheds).toBe(0);
    // 5 % of its time; without sound a third (a loaded machine: far from all, but more than twice).
    const s2 = sound();
    const g2 = new SoundGuard(s2);
    t = ticks(g2, 0, 5, 1000);
    t = ticks(g2, t, 1, 20_000);
    expect(g2.state).toBe('probing');
    t = ticks(g2, t, 4, 3000);
    expect(g2.state).toBe('shed');
    expect(g2.sheds).toBe(1);
  });

  it('judges a whole window: one late tick among prompt ones is no starvation', () => {
    const s = sound();
    const g = new SoundGuard(s);
    let t = ticks(g, 0, 20, 1000);
    t = ticks(g, t, 1, 4000); // a 4-s stall (a machine's hiccup): 7 s of its own in the 10-s window
    t = ticks(g, t, 20, 1000);
    expect(s.calls).toEqual([]);
  });

  it('leaves a starved page whose sound is light alone: the sound is not what starves it', () => {
    const s = sound();
    const g = new SoundGuard(s);
    let t = ticks(g, 0, 30, 5000, 0.3);
    expect(s.calls).toEqual([]);
    expect(g.report(t)).toEqual({ state: 'playing', sheds: 0, load: 0.3 });
    // No reading at all (a device with one quantum per callback, no worklet): nothing either.
    t = ticks(g, t, 30, 5000, null);
    expect(s.calls).toEqual([]);
    // Heavy again: it tries.
    ticks(g, t, 10, 5000, 1.4);
    expect(s.calls[0]).toBe(true);
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

describe('the render meter’s load', () => {
  const q = (128 / 48000) * 1000; // 2.67 ms
  const reading = (costMs: number, quanta: number, wallMs: number, p90Ms: number) => ({ costMs, quantumMs: q, quanta, wallMs, p90Ms });

  it('reads the short gaps as the render cost when callbacks hold several quanta', () => {
    // 375 quanta a second in callbacks of four: three gaps of the cost, one of the wait.
    expect(renderLoad(reading(0.4, 375, 1000, 9.5))).toBeCloseTo(0.4 / q, 5);
    expect(renderLoad(reading(2.2, 375, 1000, 4))).toBeCloseTo(2.2 / q, 5);
  });

  it('reads a thread behind real time by its cost: rendering back to back is all of it or more, not being run is not', () => {
    // Half the quanta real time asks for, back to back: no long gap at all.
    expect(renderLoad(reading(5.3, 188, 1000, 5.5))).toBeGreaterThanOrEqual(1.9);
    // Its process stopped for most of the second: one long gap among light ones.
    expect(renderLoad(reading(0.3, 40, 1000, 9.5))).toBeLessThan(0.2);
  });

  it('cannot tell with one quantum per callback, nor from a malformed reading', () => {
    expect(renderLoad(reading(2.6, 375, 1000, 2.7))).toBeNull();
    expect(renderLoad(reading(Number.NaN, 375, 1000, 9))).toBeNull();
    expect(renderLoad(reading(0.4, 2, 1000, 9))).toBeNull();
  });
});
