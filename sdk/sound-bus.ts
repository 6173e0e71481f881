import type { Gain, Reverb } from 'tone';
import { releaseLater, type Disposable } from './release';
import type { SoundRuntime } from './runtime';

export interface SoundBusOptions {
  /** The bus's gain into the wall's output (default 1). */
  level?: number;
  /**
   * A reverb on the bus: Tone.Reverb's options, passed as given. A convolution reverb, not
   * Freeverb or JCReverb: those are AudioWorklet nodes, which the display's content-security
   * policy blocks. Without it the bus is a plain Gain, and `wet` is `dry`.
   */
  reverb?: { decay: number; wet: number; preDelay?: number };
  /**
   * A send level: voices connected to `wet` then go through a Gain at this level into the reverb
   * (use it with `reverb.wet: 1`, for a reverb that carries only what is sent to it). Without it,
   * `wet` is the reverb itself. It needs `reverb`.
   */
  send?: number;
}

export interface SoundBus {
  /** The Gain into the wall's output: connect a voice here to play it dry. */
  dry: Gain;
  /** Where a voice goes through the reverb: the send Gain, or the reverb itself (which feeds `dry`); `dry` without a reverb. */
  wet: Gain | Reverb;
  /**
   * For useSound's cleanup (stop your scheduler first): fades the bus out and, `afterMs` later,
   * disposes `voices` and then the bus's own nodes, with releaseLater.
   */
  dispose(voices: readonly Disposable[], afterMs?: number): void;
}

/**
 * The bus a piece's sound goes through, inside useSound's setup: a Gain into the wall's output,
 * a reverb into it (with `reverb`, its impulse response declared to the screen with
 * `sound.waitFor`), and a send Gain into the reverb (with `send`). Build your voices on `dry` and
 * `wet`, and return `() => { stop(); bus.dispose([...voices], ms); }`.
 */
export function createSoundBus(sound: SoundRuntime, options: SoundBusOptions = {}): SoundBus {
  if (options.send !== undefined && !options.reverb) throw new Error('createSoundBus: a send goes into a reverb; give `reverb` options too, or leave `send` out');
  const { Tone } = sound;
  const dry = new Tone.Gain(options.level ?? 1).connect(sound.output);
  const reverb = options.reverb ? new (trimmedReverb(Tone))(options.reverb).connect(dry) : null;
  // Its impulse response is rendered offline and set on the convolver when done (a long stretch of
  // main thread): the screen warms the piece only after it, so it never lands on the switch.
  if (reverb) sound.waitFor?.(reverb.ready);
  const send = reverb && options.send !== undefined ? new Tone.Gain(options.send).connect(reverb) : null;
  const own = [send, reverb, dry].filter((n): n is NonNullable<typeof n> => n !== null);
  return {
    dry,
    wet: send ?? reverb ?? dry,
    dispose: (voices, afterMs) => releaseLater(dry, [...voices, ...own], afterMs),
  };
}

/**
 * How far down an impulse response's tail is kept: −90 dB of its start, under 16-bit audio's
 * floor. Past it the tail is silence that still costs the audio thread.
 */
export const REVERB_TAIL_FLOOR_DB = -90;

/**
 * The length, in seconds, of the impulse response a bus's reverb renders: Tone.Reverb renders
 * `preDelay + decay` seconds of noise under a curve that falls by e every
 * ln(decay + 1) / ln(200) seconds (Tone's `exponentialApproachValueAtTime`), so a 7 s decay is
 * already at −90 dB after about 4 s and the last 3 s are inaudible. It is rendered only until the
 * curve reaches REVERB_TAIL_FLOOR_DB (never longer than Tone's own).
 */
export function reverbSeconds(decay: number, preDelay: number): number {
  const fallsByE = Math.log(decay + 1) / Math.log(200);
  const audible = fallsByE * Math.log(10 ** (-REVERB_TAIL_FLOOR_DB / 20));
  return preDelay + Math.min(decay, audible);
}

/** What the override reaches of Tone.Reverb's own state (set by its constructor before it renders). */
interface ReverbState {
  _convolver: ConvolverNode;
  _decay: number;
  _preDelay: number;
  ready: Promise<void>;
}

const trimmed = new WeakMap<object, typeof Reverb>();

/**
 * Impulse responses rendered, per Tone module (one per page) and per decay, pre-delay and sample
 * rate: a reverb made again with the same options (the same piece's next run, a run adopted from
 * the warm cache whose sound graph is built anew, a piece switched back to) takes the rendered
 * buffer instead of rendering it again. Tone's offline render steps its clock through the whole
 * response on the page's main thread (a 4 s response: some 1,500 ticks), which on the sounding
 * screen was most of a warm switch's warm-up. The same noise every time is the same sound.
 */
const rendered = new WeakMap<object, Map<string, Promise<AudioBuffer | null>>>();
/** Responses kept per page, the oldest dropped first (a 4 s stereo response at 48 kHz is 1.5 MB). */
export const REVERB_RESPONSES_KEPT = 8;

/**
 * Tone.Reverb with its impulse response cut where it falls under REVERB_TAIL_FLOOR_DB
 * (`reverbSeconds`): the same noise and the same curve, so the same sound, without the inaudible
 * tail. A convolution's cost grows with its impulse response: measured on this project's software
 * screens, a bus's reverb was most of the audio thread's work (bench/switch/audio-probe.ts,
 * docs/performance.md), which runs at a real-time priority, ahead of the page's frames; its offline
 * render, on the main thread at warm-up, shrinks with it.
 */
function trimmedReverb(Tone: SoundRuntime['Tone']): typeof Reverb {
  const made = trimmed.get(Tone);
  if (made) return made;
  const cache = rendered.get(Tone) ?? new Map<string, Promise<AudioBuffer | null>>();
  rendered.set(Tone, cache);
  class TrimmedReverb extends Tone.Reverb {
    override async generate(): Promise<this> {
      const own = this as unknown as ReverbState;
      const previous = own.ready;
      const key = `${own._decay}|${own._preDelay}|${this.context.sampleRate}`;
      const response = cache.get(key) ?? this.renderResponse(key);
      cache.delete(key); // most recently used last
      cache.set(key, response);
      while (cache.size > REVERB_RESPONSES_KEPT) cache.delete(cache.keys().next().value!);
      own.ready = response.then(() => undefined);
      await previous;
      own._convolver.buffer = await response;
      return this;
    }

    /** Renders the response for this reverb's decay and pre-delay (a failed render is not kept). */
    private renderResponse(key: string): Promise<AudioBuffer | null> {
      const own = this as unknown as ReverbState;
      const context = new Tone.OfflineContext(2, reverbSeconds(own._decay, own._preDelay), this.context.sampleRate);
      const noiseL = new Tone.Noise({ context });
      const noiseR = new Tone.Noise({ context });
      const merge = new Tone.Merge({ context });
      noiseL.connect(merge, 0, 0);
      noiseR.connect(merge, 0, 1);
      const envelope = new Tone.Gain({ context }).toDestination();
      merge.connect(envelope);
      noiseL.start(0);
      noiseR.start(0);
      envelope.gain.setValueAtTime(0, 0);
      envelope.gain.setValueAtTime(1, own._preDelay);
      envelope.gain.exponentialApproachValueAtTime(0, own._preDelay, own._decay);
      const response = context.render().then((b) => b.get() ?? null);
      response.catch(() => cache.get(key) === response && cache.delete(key));
      return response;
    }
  }
  trimmed.set(Tone, TrimmedReverb);
  return TrimmedReverb;
}
