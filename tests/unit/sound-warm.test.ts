import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSoundScheduler, type SoundClock, type SoundWindow } from '../../sdk/sound-schedule';
import { createSoundBus } from '../../sdk/sound-bus';
import type { ShowTime, SoundRuntime } from '../../sdk/runtime';
import { SoundWaits } from '../../client/host/sound';
import { ownTimeout, type OwnTimers } from '../../client/core/own-time';

/**
 * A run warming before its start (issue 13): its show time stands at the start (seconds 0) while
 * the audio clock runs on, `leadMs` before the start, then frames come from the start on.
 */
function warmingRun(leadMs: number) {
  const start = 2_000_000;
  const time: ShowTime = { now: start, seconds: 0, delta: 0, paused: false };
  let realMs = start - leadMs;
  const clock: SoundClock = {
    audioTime: (showMs) => 50 + (showMs - start) / 1000,
    audioNow: () => 50 + (realMs - start) / 1000,
  };
  return {
    time,
    clock,
    startAudio: 50,
    advance(ms: number) {
      realMs += ms;
      // Frames (show time) only from the start on: before it, the run is off-screen.
      while (realMs >= start && realMs - time.now >= 16.7) {
        time.now += 16.7;
        time.seconds = (time.now - start) / 1000;
      }
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the show-time scheduler before the start: one pre-roll window', () => {
  it('schedules the first second during the warm-up, as the tick at the start would, then nothing until it is due', () => {
    const run = warmingRun(2500);
    const windows: SoundWindow[] = [];
    const steps: number[] = [];
    const s = createSoundScheduler(run.time, run.clock, {
      lookahead: 0.25,
      step(w) {
        windows.push({ ...w });
        for (const k of w.steps(0.1)) {
          steps.push(k);
          expect(w.at(k * 0.1)).toBeGreaterThanOrEqual(w.audioNow - 1e-9);
        }
      },
    });
    s.tick(); // the setup's tick, 2.5 s before the start
    expect(windows).toHaveLength(1);
    const pre = windows[0]!;
    expect([pre.from, pre.to, pre.now]).toEqual([0, 1, 0]);
    expect(pre.audioNow).toBeCloseTo(run.startAudio, 9);
    expect(pre.at(0.5)).toBeCloseTo(run.startAudio + 0.5, 9);
    expect(pre.asap(-1)).toBeCloseTo(run.startAudio + 0.005, 9);
    expect(steps).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The rest of the lead: no window at all (nothing of negative piece seconds is scheduled).
    for (let i = 0; i < 49; i++) {
      run.advance(50);
      s.tick();
    }
    expect(windows).toHaveLength(1);
    // From the start on: ticks go on from the pre-roll's end, each step once, in order.
    for (let i = 0; i < 60; i++) {
      run.advance(50);
      s.tick();
    }
    const after = windows.slice(1);
    expect(after.length).toBeGreaterThan(0);
    // Nothing new until the lookahead reaches the pre-roll's end (piece second 0.75).
    for (const w of after) if (w.now + 0.25 <= 1) expect(w.steps(0.1)).toEqual([]);
    expect(after[0]!.from).toBe(1);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i));
    expect(steps.length).toBeGreaterThan(25);
  });

  it('hands its pre-roll window to a step that reads `now` and `audioNow`, as at the start', () => {
    // A piece that triggers "the scene that has started" at audioNow (facade's drone): in the
    // pre-roll it is scene 0, at the start's audio time; after the start, nothing new for it.
    const run = warmingRun(1830);
    const triggered: Array<{ scene: number; at: number; tick: number }> = [];
    let last = -1;
    let tick = 0;
    const s = createSoundScheduler(run.time, run.clock, {
      step(w) {
        const scene = Math.floor(w.now / 8);
        if (scene !== last) triggered.push({ scene, at: w.audioNow + 0.01, tick });
        last = scene;
      },
    });
    for (; tick < 80; tick++) {
      s.tick();
      run.advance(50);
    }
    expect(triggered).toHaveLength(1);
    expect(triggered[0]!.tick, 'made in the setup\'s tick, during the warm-up').toBe(0);
    expect(triggered[0]!.scene).toBe(0);
    expect(triggered[0]!.at).toBeCloseTo(run.startAudio + 0.01, 9);
  });

  it('admits events once from the pre-roll on, and skips those already too old at the start', () => {
    const run = warmingRun(1000);
    const admitted: string[] = [];
    const events = [
      { key: 'at-start', sec: 0.2 },
      { key: 'stale', sec: -1 },
      { key: 'later', sec: 1.6 },
    ];
    const s = createSoundScheduler(run.time, run.clock, { step: (w) => events.forEach((e) => w.once(e.key, e.sec, 0.15) && admitted.push(e.key)) });
    s.tick();
    expect(admitted).toEqual(['at-start']);
    for (let i = 0; i < 60; i++) {
      run.advance(50);
      s.tick();
    }
    expect(admitted).toEqual(['at-start', 'later']);
  });

  it('with preroll 0, ticks before the start get windows of negative piece seconds, as before', () => {
    const run = warmingRun(1000);
    const windows: SoundWindow[] = [];
    const s = createSoundScheduler(run.time, run.clock, { preroll: 0, step: (w) => windows.push({ ...w }) });
    s.tick();
    expect(windows[0]!.now).toBeCloseTo(-1, 9);
    expect(windows[0]!.to).toBeCloseTo(-0.75, 9);
  });
});

describe('SoundWaits: the sound work a piece declares before it may warm', () => {
  it('counts pending work until it settles; a failure is reported and counts as settled', async () => {
    const reports: Error[] = [];
    const waits = new SoundWaits((e) => reports.push(e));
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    waits.add(new Promise<void>((r) => (resolve = r)));
    waits.add(new Promise<void>((_, r) => (reject = r)));
    expect(waits.pending).toBe(2);
    resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(waits.pending).toBe(1);
    reject(new Error('decode failed'));
    await new Promise((r) => setTimeout(r, 0));
    expect(waits.pending).toBe(0);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toMatch(/could not be made ready.*decode failed/);
  });

  it('stops waiting for work that never settles, and says so only once it is clearly never going to', async () => {
    vi.useFakeTimers();
    const reports: Error[] = [];
    const waits = new SoundWaits((e) => reports.push(e), 10_000);
    waits.add(new Promise(() => undefined));
    vi.advanceTimersByTime(9_999);
    expect(waits.pending).toBe(1);
    vi.advanceTimersByTime(1);
    expect(waits.pending).toBe(0);
    expect(reports).toHaveLength(0);
    vi.advanceTimersByTime(50_000);
    expect(reports[0]!.message).toMatch(/still not ready 60 s after.*resolve or reject every promise/);
  });

  it('does not blame the piece for work that lands late (a reverb rendered on a starved machine)', async () => {
    vi.useFakeTimers();
    const reports: Error[] = [];
    const waits = new SoundWaits((e) => reports.push(e), 10_000);
    let land!: () => void;
    waits.add(new Promise<void>((r) => (land = r)));
    vi.advanceTimersByTime(15_000);
    expect(waits.pending).toBe(0);
    land();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toHaveLength(0);
  });

  it('counts the never-settled wait in the screen\'s own time: a thread held by a busy machine is not the piece\'s fault', async () => {
    vi.useFakeTimers();
    // The page's clock and its once-a-second tick, driven by hand: a tick that comes 50 s late
    // counts as one second of the page's own time (client/core/own-time.ts).
    let now = 0;
    const ticks = new Set<() => void>();
    const own: OwnTimers = { now: () => now, setInterval: (fn) => (ticks.add(fn), fn), clearInterval: (h) => ticks.delete(h as () => void) };
    const tick = (ms: number) => {
      now += ms;
      for (const fn of [...ticks]) fn();
    };
    const reports: Error[] = [];
    const waits = new SoundWaits((e) => reports.push(e), 10_000, undefined, undefined, (fn, ms) => ownTimeout(fn, ms, own));
    waits.add(new Promise(() => undefined));
    for (let i = 0; i < 10; i++) tick(1000);
    tick(50_000); // the thread held 50 s: one second of its own
    expect(reports).toHaveLength(0);
    for (let i = 0; i < 48; i++) tick(1000);
    expect(reports).toHaveLength(0);
    tick(1000);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toMatch(/still not ready 60 s of the screen's own time \(109 s by the clock, the rest its thread held by a busy machine\) after it was built/);
    expect(ticks.size).toBe(0);
  });

  it("createSoundBus declares its reverb's impulse response (the bus's ready) to the screen", () => {
    const declared: unknown[] = [];
    class Node {
      context = { sampleRate: 48000 };
      gain = { setValueAtTime() {}, exponentialApproachValueAtTime() {} };
      connect() {
        return this;
      }
      chain() {
        return this;
      }
      toDestination() {
        return this;
      }
      start() {
        return this;
      }
    }
    class OfflineContext {
      render() {
        return new Promise(() => {}); // still rendering
      }
    }
    const Tone = { Gain: Node, Convolver: Node, Noise: Node, Merge: Node, OfflineContext };
    const sound = { Tone, output: new Node(), waitFor: (p: unknown) => declared.push(p) } as unknown as SoundRuntime;
    const bus = createSoundBus(sound, { reverb: { decay: 4, wet: 0.5 } });
    expect(declared).toEqual([bus.ready]);
    createSoundBus(sound);
    expect(declared).toHaveLength(1); // no reverb, nothing to wait for
    // A host that warms nothing (no waitFor): the bus is made all the same.
    expect(() => createSoundBus({ Tone, output: new Node() } as unknown as SoundRuntime, { reverb: { decay: 4, wet: 0.5 } })).not.toThrow();
  });
});
