import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSoundScheduler, type SoundClock, type SoundWindow } from '../../sdk/sound-schedule';
import type { ShowTime } from '../../sdk/runtime';

/**
 * A fake wall: show time and an audio clock that runs `audioOffset` seconds apart from it, with a
 * frame every 16.7 ms and scheduler ticks that arrive late and early (a busy main thread).
 */
function fakeWall(startShowMs = 1_000_000) {
  const time: ShowTime = { now: startShowMs, seconds: 0, delta: 0, paused: false };
  let realMs = startShowMs; // the true show time now (between frames too)
  const audioOffset = 123.4;
  const clock: SoundClock = {
    audioTime: (showMs) => showMs / 1000 - startShowMs / 1000 + audioOffset,
    audioNow: () => realMs / 1000 - startShowMs / 1000 + audioOffset,
  };
  return {
    time,
    clock,
    /** Advances the true time; a frame (show time) lands every 16.7 ms unless paused. */
    advance(ms: number) {
      realMs += ms;
      if (time.paused) return;
      while (realMs - time.now >= 16.7) {
        time.now += 16.7;
        time.seconds += 0.0167;
      }
    },
    pieceSecondsNow: () => time.seconds + (realMs - time.now) / 1000,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('createSoundScheduler: the show-time sound scheduler core', () => {
  it('hands out consecutive windows that never overlap, each grid step exactly once, ahead of time', () => {
    const wall = fakeWall();
    const windows: SoundWindow[] = [];
    const steps: number[] = [];
    const s = createSoundScheduler(wall.time, wall.clock, {
      lookahead: 0.25,
      step(w) {
        windows.push({ ...w });
        for (const k of w.steps(0.129)) {
          steps.push(k);
          // Scheduled at or after the audio clock's now: never in the past.
          expect(w.at(k * 0.129)).toBeGreaterThanOrEqual(w.audioNow - 1e-9);
        }
      },
    });
    const jitter = [50, 31, 77, 50, 12, 140, 50, 49, 51, 200, 3];
    for (let i = 0; i < 400; i++) {
      wall.advance(jitter[i % jitter.length]!);
      s.tick();
    }
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.from).toBe(windows[i - 1]!.to);
    const last = windows[windows.length - 1]!;
    expect(last.to - last.now).toBeCloseTo(0.25, 6);
    // Every step from the first to the last window's end, once and in order.
    const expected = Array.from({ length: steps.length }, (_, i) => steps[0]! + i);
    expect(steps).toEqual(expected);
    expect(steps[steps.length - 1]! * 0.129).toBeLessThan(last.to);
    expect((steps[steps.length - 1]! + 1) * 0.129).toBeGreaterThanOrEqual(last.to - 1e-9);
  });

  it('reads now through the audio clock between frames, and maps piece seconds to audio time', () => {
    const wall = fakeWall();
    wall.advance(1000);
    wall.advance(10); // 10 ms after a frame: the frame's show time is behind
    let seen: SoundWindow | null = null;
    createSoundScheduler(wall.time, wall.clock, { step: (w) => (seen = w) }).tick();
    const w = seen as SoundWindow | null;
    expect(w).not.toBeNull();
    expect(w!.now).toBeCloseTo(wall.pieceSecondsNow(), 9);
    expect(w!.at(w!.now)).toBeCloseTo(w!.audioNow, 9);
    expect(w!.at(w!.now + 2)).toBeCloseTo(w!.audioNow + 2, 9);
    expect(w!.asap(w!.now - 1)).toBeCloseTo(w!.audioNow + 0.005, 9);
    expect(w!.asap(w!.now + 1, 0.02)).toBeCloseTo(w!.audioNow + 1, 9);
  });

  it('admits an event once, when due, and never once it is too late', () => {
    const wall = fakeWall();
    wall.advance(5000);
    const admitted: string[] = [];
    const events = [
      { key: 'soon', sec: 0 }, // set below, relative to now
      { key: 'later', sec: 0 },
      { key: 'stale', sec: 0 },
    ];
    const s = createSoundScheduler(wall.time, wall.clock, {
      lookahead: 0.25,
      step(w) {
        for (const e of events) if (w.once(e.key, e.sec, 0.15)) admitted.push(e.key);
      },
    });
    const now = wall.pieceSecondsNow();
    events[0]!.sec = now + 0.1;
    events[1]!.sec = now + 1;
    events[2]!.sec = now - 0.5;
    s.tick();
    expect(admitted).toEqual(['soon']);
    for (let i = 0; i < 40; i++) {
      wall.advance(50);
      s.tick();
    }
    expect(admitted).toEqual(['soon', 'later']);
  });

  it('schedules nothing while the wall is paused, and nothing twice when it resumes', () => {
    const wall = fakeWall();
    const steps: number[] = [];
    const s = createSoundScheduler(wall.time, wall.clock, { step: (w) => steps.push(...w.steps(0.1)) });
    for (let i = 0; i < 20; i++) {
      wall.advance(50);
      s.tick();
    }
    const before = steps.length;
    wall.time.paused = true;
    for (let i = 0; i < 20; i++) {
      wall.advance(50);
      s.tick();
    }
    expect(steps.length).toBe(before);
    wall.time.paused = false;
    for (let i = 0; i < 20; i++) {
      wall.advance(50);
      s.tick();
    }
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.length).toBeGreaterThan(before);
  });

  it('skips a window whose step throws (never replays it) and warns once', () => {
    const wall = fakeWall();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const steps: number[] = [];
    let calls = 0;
    const s = createSoundScheduler(wall.time, wall.clock, {
      name: 'test-piece',
      step(w) {
        calls++;
        const ks = w.steps(0.05);
        if (calls % 2 === 0) throw new Error('boom');
        steps.push(...ks);
      },
    });
    for (let i = 0; i < 10; i++) {
      wall.advance(50);
      s.tick();
    }
    expect(calls).toBe(10);
    expect(new Set(steps).size).toBe(steps.length);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('test-piece');
  });

  it('refuses a period that is not a positive number, saying so', () => {
    const wall = fakeWall();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    createSoundScheduler(wall.time, wall.clock, { step: (w) => w.steps(0) }).tick();
    expect(String(warn.mock.calls[0]![1])).toMatch(/period must be a positive number/);
  });
});
