import type { SoundRuntime } from 'pavilion/sdk';
import { patchTone } from './tone-fixes';
import { ownTimeout } from '../core/own-time';

type ToneModule = typeof import('tone');

interface Engine {
  Tone: ToneModule;
  output: import('tone').Gain;
  /** Smoothed (audio context time − local epoch time), in seconds. */
  audioMinusLocal: number;
}

export interface SoundEngineOptions {
  /** Told whether the browser blocks audio (it waits for a user gesture then). */
  onBlocked?(blocked: boolean): void;
  /** Loads Tone.js (its own chunk). */
  loadTone?: () => Promise<ToneModule>;
  /** How long to wait for the audio context to start before calling it blocked. */
  startTimeoutMs?: number;
}

/**
 * A page's audio engine: Tone.js loaded on demand, one output gain, and the continuous mapping of
 * show time to the audio clock (the audio clock drifts from the system clock, ~17 ppm). One per page.
 */
export class SoundEngine {
  private engine: Engine | null = null;
  private starting: Promise<Engine> | null = null;
  private readonly listeners = new Set<() => void>();
  private resampler: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: SoundEngineOptions = {}) {}

  /** Whether Tone.js is loaded and the engine made (audio may still be blocked). */
  get ready(): boolean {
    return this.engine !== null;
  }

  /** Loads Tone.js and tries to start audio; blocked until a gesture if the browser says so. */
  ensure(): Promise<Engine> {
    this.starting ??= (this.opts.loadTone ?? (() => import('tone')))().then(async (Tone) => {
      patchTone(Tone); // Tone 15 leaks native nodes on dispose (tone-fixes.ts)
      const e: Engine = { Tone, output: new Tone.Gain(0).toDestination(), audioMinusLocal: 0 };
      const resample = () => {
        const ctx = Tone.getContext().rawContext as AudioContext;
        if (typeof ctx.getOutputTimestamp !== 'function') {
          e.audioMinusLocal = ctx.currentTime - (performance.timeOrigin + performance.now()) / 1000;
          return;
        }
        const ts = ctx.getOutputTimestamp();
        if (ts.contextTime === undefined || ts.performanceTime === undefined || ts.performanceTime === 0) return;
        const sample = ts.contextTime - (performance.timeOrigin + ts.performanceTime) / 1000;
        // Re-mapped continuously: the audio clock drifts from the system clock.
        e.audioMinusLocal = e.audioMinusLocal === 0 ? sample : e.audioMinusLocal + 0.2 * (sample - e.audioMinusLocal);
      };
      this.resampler = setInterval(resample, 500);
      await this.tryStart(Tone);
      resample();
      this.engine = e;
      for (const l of this.listeners) l();
      return e;
    });
    return this.starting;
  }

  /** From a user gesture ("tap to enable sound"): starts audio. Resolves whether it runs. */
  async unlock(): Promise<boolean> {
    const e = await this.ensure();
    return this.tryStart(e.Tone);
  }

  /** Whether the audio context runs now. */
  running(): boolean {
    return this.engine?.Tone.getContext().state === 'running';
  }

  /** Ramps the output gain (master volume, blackout) over `seconds`. */
  setVolume(volume: number, seconds = 0.3): void {
    this.engine?.output.gain.rampTo(volume, seconds);
  }

  /** Called once the engine is ready. */
  onReady(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /**
   * What a piece gets (useSound), or null before the engine is ready. `localOf` maps a show time to
   * this page's epoch clock (the clock estimate's offset removed).
   */
  runtime(startedAt: number, localOf: (showMs: number) => number): SoundRuntime | null {
    const e = this.engine;
    if (!e) return null;
    return {
      Tone: e.Tone,
      output: e.output,
      startedAt,
      audioTime: (showMs: number) => localOf(showMs) / 1000 + e.audioMinusLocal,
    };
  }

  /** Stops re-mapping the audio clock (the page is going away). */
  dispose(): void {
    if (this.resampler) clearInterval(this.resampler);
    this.resampler = null;
  }

  private async tryStart(Tone: ToneModule): Promise<boolean> {
    const limit = this.opts.startTimeoutMs ?? 800;
    const started = Promise.race([Tone.start().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), limit))]);
    const ok = (await started) && Tone.getContext().state === 'running';
    this.opts.onBlocked?.(!ok);
    return ok;
  }
}

/** How long a run waits for the sound work its piece declared (SoundRuntime.waitFor) before warming without it. */
export const SOUND_WAIT_LIMIT_MS = 10_000;
/**
 * How long declared work may stay pending before it is reported as a piece's fault. Longer than
 * the wait: a reverb's offline render on a starved machine can take more than 10 s and then land,
 * which is the load's doing, not the piece's (a soak of 16 screens on 2 cores saw it).
 */
export const SOUND_NEVER_SETTLED_MS = 60_000;

/**
 * The sound work one run's piece declared with `sound.waitFor` (a reverb's impulse response, a
 * sample): the mount layer warms the run, and so lets it switch on, only once none is pending.
 * A promise that fails is reported and counts as settled; one still pending after
 * SOUND_WAIT_LIMIT_MS is no longer waited for (the run then warms without it), and is reported
 * only if it is still pending after SOUND_NEVER_SETTLED_MS of the screen's own time.
 */
export class SoundWaits {
  private open = 0;

  constructor(
    private readonly report: (error: Error) => void,
    private readonly limitMs = SOUND_WAIT_LIMIT_MS,
    private readonly timers: { set(fn: () => void, ms: number): unknown; clear(h: unknown): void } = {
      set: (fn, ms) => setTimeout(fn, ms),
      clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
    private readonly neverMs = Math.max(SOUND_NEVER_SETTLED_MS, limitMs),
    /**
     * Calls back once the page has had `ms` of its own time (client/core/own-time.ts): a stage
     * whose thread was held (a starved machine) cannot have settled anything meanwhile, so that
     * time is not counted against the piece. Returns a cancel function.
     */
    private readonly afterOwn: (fn: (wallMs: number) => void, ms: number) => () => void = (fn, ms) => ownTimeout(fn, ms),
  ) {}

  /** Declared work not settled yet (and still waited for). */
  get pending(): number {
    return this.open;
  }

  /** Waits for `work` (SoundRuntime.waitFor). */
  add(work: PromiseLike<unknown>): void {
    this.open++;
    let waited = true;
    let settled = false;
    const stopWaiting = () => {
      if (!waited) return;
      waited = false;
      this.open--;
      this.timers.clear(timer);
    };
    const timer = this.timers.set(stopWaiting, this.limitMs);
    const cancelNever = this.afterOwn((wallMs) => {
      if (settled) return;
      const clock = wallMs > this.neverMs + 1000 ? ` of the screen's own time (${Math.round(wallMs / 1000)} s by the clock, the rest its thread held by a busy machine)` : '';
      this.report(new Error(`the piece's sound was still not ready ${this.neverMs / 1000} s${clock} after it was built (a promise given to sound.waitFor that never settled); the screen warmed it without it after ${this.limitMs / 1000} s: resolve or reject every promise you give to waitFor`));
    }, this.neverMs);
    const settle = () => {
      settled = true;
      cancelNever();
      stopWaiting();
    };
    Promise.resolve(work).then(settle, (e: unknown) => {
      if (settled) return;
      settle();
      this.report(new Error(`the piece's sound could not be made ready (a promise given to sound.waitFor failed): ${e instanceof Error ? e.message : String(e)}`));
    });
  }
}
