import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Gain } from 'tone';
import { LATE_CUT_MS, RELEASE_FADE_S, releaseLater, type ReleaseBus } from '../../sdk/release';

function fakeBus(clock?: { audio: number; lookAhead: number }) {
  const calls: string[] = [];
  return {
    calls,
    gain: { rampTo: (v: number, t: number) => calls.push(`rampTo ${v} ${t}`) },
    disconnect: () => calls.push(clock ? `disconnect at audio ${clock.audio.toFixed(2)}` : 'disconnect'),
    ...(clock ? { now: () => clock.audio + clock.lookAhead, immediate: () => clock.audio } : {}),
  };
}

describe('releaseLater (pavilion/sdk)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fades the bus at once, takes it off the output once the fade is over, and disposes the nodes only after the delay (6000 ms by default)', () => {
    const bus = fakeBus();
    const disposed: string[] = [];
    releaseLater(bus, [{ dispose: () => disposed.push('a') }, { dispose: () => disposed.push('b') }]);
    expect(bus.calls).toEqual(['rampTo 0 0.15']);
    vi.advanceTimersByTime(RELEASE_FADE_S * 1000);
    expect(bus.calls, 'not before the fade is over').toEqual(['rampTo 0 0.15']);
    vi.advanceTimersByTime(100);
    // Disconnected: what feeds the bus is no longer rendered, though its nodes live on.
    expect(bus.calls).toEqual(['rampTo 0 0.15', 'disconnect']);
    vi.advanceTimersByTime(5999 - RELEASE_FADE_S * 1000 - 100);
    expect(disposed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(bus.calls, 'disconnected once').toEqual(['rampTo 0 0.15', 'disconnect']);
    expect(disposed).toEqual(['a', 'b']);
  });

  it("waits for the audio clock, not the page's timers: an audio thread a little behind keeps the bus connected until its fade is over", () => {
    const clock = { audio: 10, lookAhead: 0.1 };
    const bus = fakeBus(clock);
    releaseLater(bus, [], 3000);
    // The fade runs from now() (10.1) to 10.25 in the audio clock. The audio thread is starved: 0.1 s in 0.5 s.
    vi.advanceTimersByTime(500);
    clock.audio = 10.1;
    vi.advanceTimersByTime(500);
    expect(bus.calls).toEqual(['rampTo 0 0.15']);
    clock.audio = 10.3;
    vi.advanceTimersByTime(300);
    expect(bus.calls).toEqual(['rampTo 0 0.15', 'disconnect at audio 10.30']);
  });

  it(`an audio clock far behind (an audio thread slower than real time): cut ${LATE_CUT_MS} ms after the fade should have ended, long before the disposal`, () => {
    const clock = { audio: 10, lookAhead: 0.1 };
    const bus = fakeBus(clock);
    const disposed: string[] = [];
    releaseLater(bus, [{ dispose: () => disposed.push('a') }], 6000);
    // The fade ends at 10.27 in the audio clock: 270 ms from now if it kept time. It runs at a fifth.
    const step = 10;
    for (let t = 0; t < 270 + LATE_CUT_MS - step; t += step) {
      clock.audio += step / 1000 / 5;
      vi.advanceTimersByTime(step);
    }
    expect(bus.calls, 'still on the output just before').toEqual(['rampTo 0 0.15']);
    clock.audio += step / 1000 / 5;
    vi.advanceTimersByTime(step);
    expect(bus.calls).toEqual(['rampTo 0 0.15', 'disconnect at audio 10.25']);
    expect(disposed, 'its nodes are disposed at the delay, as always').toEqual([]);
    vi.advanceTimersByTime(6000);
    expect(disposed).toEqual(['a']);
    expect(bus.calls, 'disconnected once').toHaveLength(2);
  });

  it('an audio clock that never moves (a suspended context): cut at the same bound', () => {
    const clock = { audio: 5, lookAhead: 0.1 };
    const bus = fakeBus(clock);
    const disposed: string[] = [];
    releaseLater(bus, [{ dispose: () => disposed.push('a') }], 3000);
    vi.advanceTimersByTime(270 + LATE_CUT_MS - 1);
    expect(bus.calls).toEqual(['rampTo 0 0.15']);
    vi.advanceTimersByTime(1);
    expect(bus.calls).toEqual(['rampTo 0 0.15', 'disconnect at audio 5.00']);
    vi.advanceTimersByTime(3000);
    expect(disposed).toEqual(['a']);
  });

  it('takes its own delay, and a node that throws does not keep the others alive', () => {
    const bus = { gain: { rampTo: () => { throw new Error('disposed'); } }, disconnect: () => { throw new Error('disposed'); } };
    const disposed: string[] = [];
    releaseLater(bus, [{ dispose: () => { throw new Error('twice'); } }, { dispose: () => disposed.push('b') }], 4500);
    vi.advanceTimersByTime(4499);
    expect(disposed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(disposed).toEqual(['b']);
  });

  it("a Tone Gain has the audio clock releaseLater reads (now, immediate): checked by the compiler", () => {
    const clocked = (g: Gain): Required<Pick<ReleaseBus, 'now' | 'immediate'>> & ReleaseBus => g;
    expect(typeof clocked).toBe('function');
  });
});
