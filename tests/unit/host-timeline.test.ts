import { describe, expect, it } from 'vitest';
import { advanceShowTime, createShowTime, pausedAt, pieceTimeAt, resumedAt, type Timing } from '../../client/host/timeline';

const run: Timing = { startedAt: 10_000, pausedAt: null, heldMs: 0 };

describe('host timeline: show time, pause, held time', () => {
  it('counts seconds from the start of the run, never below zero', () => {
    expect(pieceTimeAt(run, 12_500)).toEqual({ now: 12_500, seconds: 2.5, paused: false });
    expect(pieceTimeAt(run, 9_000)).toEqual({ now: 9_000, seconds: 0, paused: false });
  });

  it('freezes at pausedAt once the frame reaches it, not before', () => {
    const paused = { ...run, pausedAt: 13_000 };
    expect(pieceTimeAt(paused, 12_999)).toEqual({ now: 12_999, seconds: 2.999, paused: false });
    expect(pieceTimeAt(paused, 13_000)).toEqual({ now: 13_000, seconds: 3, paused: true });
    expect(pieceTimeAt(paused, 20_000)).toEqual({ now: 13_000, seconds: 3, paused: true });
  });

  it('leaves the held time out after a resume', () => {
    const resumed = resumedAt(pausedAt(run, 13_000), 17_000);
    expect(resumed).toEqual({ startedAt: 10_000, pausedAt: null, heldMs: 4_000 });
    expect(pieceTimeAt(resumed, 18_000).seconds).toBe(4);
  });

  it('pausing twice keeps the first pause; resuming a running timeline changes nothing', () => {
    const once = pausedAt(run, 13_000);
    expect(pausedAt(once, 15_000)).toBe(once);
    expect(resumedAt(run, 15_000)).toBe(run);
  });

  it('advances a live ShowTime in place, with the frame-to-frame delta (0 while paused)', () => {
    const time = createShowTime(run.startedAt);
    advanceShowTime(time, run, 11_000);
    expect(time).toEqual({ now: 11_000, seconds: 1, delta: 1, paused: false });
    advanceShowTime(time, run, 11_016);
    expect(time.delta).toBeCloseTo(0.016, 9);
    const paused = { ...run, pausedAt: 11_016 };
    advanceShowTime(time, paused, 11_032);
    expect(time).toEqual({ now: 11_016, seconds: 1.016, delta: 0, paused: true });
  });
});
