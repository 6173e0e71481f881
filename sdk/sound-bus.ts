import type { Gain } from 'tone';
import { releaseLater, type Disposable } from './release';
import type { SoundRuntime } from './runtime';

export interface SoundBusOptions {
  /** The bus's gain into the wall's output (default 1). */
  level?: number;
  /**
   * A reverb on the bus, with Tone.Reverb's options and its sound (`busReverb`). A convolution reverb, not
   * Freeverb or JCReverb: those are AudioWorklet nodes, which the display's content-security
   * policy blocks. Without it the bus is a plain Gain, and `wet` is `dry`.
   */
  reverb?: { decay: number; wet: number; preDelay?: number };
  /**
   * A send level: voices connected to `wet` then go through a Gain at this level into the reverb
   * (use it with `reverb.wet: 1`, for a reverb that carries only what is sent to it). Without it,
   * `wet` is the reverb's input. It needs `reverb`.
   */
  send?: number;
}

export interface SoundBus {
  /** The Gain into the wall's output: connect a voice here to play it dry. */
  dry: Gain;
  /** Where a voice goes through the reverb: the send Gain, or the reverb's input (which feeds `dry`); `dry` without a reverb. */
  wet: Gain;
  /** Settles once the reverb's impulse response is on its convolver (at once without a reverb); rejects if it could not be rendered. */
  ready: Promise<void>;
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
  const reverb = options.reverb ? busReverb(Tone, options.reverb, dry) : null;
  // Its impulse response is rendered offline and set on the convolver when done (a long stretch of
  // main thread): the screen warms the piece only after it, so it never lands on the switch.
  if (reverb) sound.waitFor?.(reverb.ready);
  const send = reverb && options.send !== undefined ? new Tone.Gain(options.send).connect(reverb.input) : null;
  const own = [send, ...(reverb?.nodes ?? []), dry].filter((n): n is NonNullable<typeof n> => n !== null);
  return {
    dry,
    wet: send ?? reverb?.input ?? dry,
    ready: reverb?.ready ?? Promise.resolve(),
    dispose: (voices, afterMs) => releaseLater(dry, [...voices, ...own], afterMs),
  };
}

/** Tone.Reverb's pre-delay when none is given, in seconds. */
const TONE_PRE_DELAY_S = 0.01;

/** A bus's reverb: its input, its nodes (input first), and when its impulse response is set. */
interface BusReverb {
  input: Gain;
  nodes: Disposable[];
  ready: Promise<void>;
}

/**
 * The reverb of a bus, as Tone.Reverb sounds (the same impulse response, `renderedResponse`, and the
 * same equal-power mix of dry and wet: Tone's CrossFade gives the dry side cos(wet·π/2) and the
 * wet side sin(wet·π/2)) in five native nodes instead of Tone.Reverb's thirty-five: its CrossFade
 * alone runs three ConstantSourceNodes, a wave shaper and a panner every render quantum, for a mix
 * that never moves. An input Gain, a Convolver (its own two Gains and the convolver), a wet Gain,
 * and a dry Gain only when some dry sound is mixed in.
 */
function busReverb(Tone: SoundRuntime['Tone'], options: NonNullable<SoundBusOptions['reverb']>, into: Gain): BusReverb {
  const wet = Math.min(1, Math.max(0, options.wet));
  const input = new Tone.Gain(1);
  const convolver = new Tone.Convolver({ normalize: true });
  const wetGain = new Tone.Gain(Math.sin((wet * Math.PI) / 2)).connect(into);
  input.chain(convolver, wetGain);
  const dryLevel = Math.cos((wet * Math.PI) / 2);
  const dryGain = dryLevel > 1e-4 ? new Tone.Gain(dryLevel).connect(into) : null;
  if (dryGain) input.connect(dryGain);
  const response = renderedResponse(Tone, options.decay, options.preDelay ?? TONE_PRE_DELAY_S, input.context.sampleRate);
  const ready = response.then((buffer) => {
    if (buffer && !convolver.disposed) convolver.buffer = buffer as never;
  });
  const nodes: Disposable[] = [input, convolver, wetGain, ...(dryGain ? [dryGain] : [])];
  return { input, nodes, ready };
}

/**
 * How far down an impulse response's tail is kept: −60 dB of its start, the reverberation time's
 * own definition (RT60). What lies under it is 60 dB below a reverb's onset, itself well under the
 * music: tens of dB under the noise of any hall with visitors in it, and it cost the screen's
 * audio thread a third of its convolution (−90 dB, until session 20, kept 4.07 s of echo's 7 s
 * decay; −60 dB keeps 2.71 s: audio-probe's reverb cost, docs/performance.md).
 */
export const REVERB_TAIL_FLOOR_DB = -60;

/**
 * The length, in seconds, of the impulse response a bus's reverb renders: Tone.Reverb renders
 * `preDelay + decay` seconds of noise under a curve that falls by e every
 * ln(decay + 1) / ln(200) seconds (Tone's `exponentialApproachValueAtTime`), so a 7 s decay is
 * already at −60 dB after 2.7 s and the rest is inaudible. It is rendered only until the
 * curve reaches REVERB_TAIL_FLOOR_DB (never longer than Tone's own).
 */
export function reverbSeconds(decay: number, preDelay: number): number {
  const fallsByE = Math.log(decay + 1) / Math.log(200);
  const audible = fallsByE * Math.log(10 ** (-REVERB_TAIL_FLOOR_DB / 20));
  return preDelay + Math.min(decay, audible);
}

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
 * The impulse response of a reverb of this decay and pre-delay: Tone.Reverb's (stereo noise under
 * its curve, rendered offline), cut where it falls under REVERB_TAIL_FLOOR_DB (`reverbSeconds`):
 * the same noise and the same curve, so the same sound, without the inaudible tail. A
 * convolution's cost grows with its impulse response: measured on this project's software screens,
 * a bus's reverb was most of the audio thread's work (bench/switch/audio-probe.ts,
 * docs/performance.md), which runs at a real-time priority, ahead of the page's frames; its offline
 * render, on the main thread at warm-up, shrinks with it. Rendered once per page (`rendered`); a
 * failed render is not kept.
 */
function renderedResponse(Tone: SoundRuntime['Tone'], decay: number, preDelay: number, sampleRate: number): Promise<AudioBuffer | null> {
  const cache = rendered.get(Tone) ?? new Map<string, Promise<AudioBuffer | null>>();
  rendered.set(Tone, cache);
  const key = `${decay}|${preDelay}|${sampleRate}`;
  let response = cache.get(key);
  if (!response) {
    const made = renderResponse(Tone, decay, preDelay, sampleRate);
    made.catch(() => cache.get(key) === made && cache.delete(key));
    response = made;
  }
  cache.delete(key); // most recently used last
  cache.set(key, response);
  while (cache.size > REVERB_RESPONSES_KEPT) cache.delete(cache.keys().next().value!);
  return response;
}

/** Renders Tone.Reverb's impulse response (its `generate`), for reverbSeconds(decay, preDelay). */
function renderResponse(Tone: SoundRuntime['Tone'], decay: number, preDelay: number, sampleRate: number): Promise<AudioBuffer | null> {
  const context = new Tone.OfflineContext(2, reverbSeconds(decay, preDelay), sampleRate);
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
  envelope.gain.setValueAtTime(1, preDelay);
  envelope.gain.exponentialApproachValueAtTime(0, preDelay, decay);
  return context.render().then((b) => b.get() ?? null);
}
