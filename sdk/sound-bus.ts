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
  const reverb = options.reverb ? new Tone.Reverb(options.reverb).connect(dry) : null;
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
