import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REVERB_TAIL_FLOOR_DB, createSoundBus, reverbSeconds } from '../../sdk/sound-bus';
import type { SoundRuntime } from '../../sdk/runtime';

/** A Tone stand-in that logs what is built, wired, faded and disposed, and leaves each impulse response's render for the test to finish. */
function fakeSound() {
  const log: string[] = [];
  const finish: Array<(b: { get(): unknown }) => void> = [];
  let n = 0;
  let renders = 0;
  class Node {
    readonly name: string;
    disposed = false;
    context = { sampleRate: 48000 };
    gain = {
      rampTo: (v: number, t: number) => log.push(`${this.name}.rampTo ${v} ${t}`),
      setValueAtTime: (v: number, t: number) => log.push(`gain ${v} at ${t}`),
      exponentialApproachValueAtTime: (v: number, t: number, ramp: number) => log.push(`approach ${v} from ${t} over ${ramp}`),
    };
    /** Made in the offline context that renders an impulse response: not part of the bus's wiring. */
    readonly offline: boolean;
    constructor(kind: string, arg: unknown) {
      this.offline = !!arg && typeof arg === 'object' && 'context' in arg;
      this.name = this.offline ? `offline ${kind}` : `${kind}${++n}`;
      if (!this.offline) log.push(`new ${this.name} ${JSON.stringify(arg)}`);
    }
    connect(to: { name: string }) {
      if (!this.offline) log.push(`${this.name} -> ${to.name}`);
      return this;
    }
    chain(...to: Array<{ name: string }>) {
      let from: { name: string } = this;
      for (const t of to) {
        log.push(`${from.name} -> ${t.name}`);
        from = t;
      }
      return this;
    }
    toDestination() {
      return this;
    }
    start() {
      return this;
    }
    disconnect() {
      log.push(`${this.name}.disconnect`);
    }
    dispose() {
      this.disposed = true;
      log.push(`${this.name}.dispose`);
    }
  }
  class Convolver extends Node {
    static last?: Convolver;
    buffer: unknown = null;
    constructor(a: unknown) {
      super('convolver', a);
      Convolver.last = this;
    }
  }
  const Tone = {
    Gain: class extends Node { constructor(a: unknown) { super('gain', a); } },
    Convolver,
    Noise: class extends Node { constructor(a: unknown) { super('noise', a); } },
    Merge: class extends Node { constructor(a: unknown) { super('merge', a); } },
    OfflineContext: class {
      constructor(channels: number, seconds: number, rate: number) {
        log.push(`offline ${channels} channels, ${seconds.toFixed(4)} s at ${rate}`);
      }
      render() {
        renders++;
        return new Promise((r) => finish.push(r));
      }
    },
  };
  const waited: Array<PromiseLike<unknown>> = [];
  const sound = { Tone, output: { name: 'output' }, waitFor: (p: PromiseLike<unknown>) => waited.push(p) } as unknown as SoundRuntime;
  return {
    sound,
    log,
    finish,
    waited,
    renders: () => renders,
    /** Wiring only: the render's lines left out. */
    wiring: () => log.filter((l) => !/^(offline|gain \d|approach)/.test(l)),
    voice: (name: string) => ({ dispose: () => log.push(`${name}.dispose`) }),
  };
}

const named = (x: unknown) => (x as { name: string }).name;

describe('createSoundBus (pavilion/sdk)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("wires a gain into the output and a reverb into it: Tone.Reverb's equal-power mix, cos(wet·π/2) dry and sin(wet·π/2) through the convolver", () => {
    const { sound, wiring } = fakeSound();
    const bus = createSoundBus(sound, { level: 0.8, reverb: { decay: 5, wet: 0.35 } });
    const wetLevel = Math.sin((0.35 * Math.PI) / 2);
    const dryLevel = Math.cos((0.35 * Math.PI) / 2);
    expect(wiring()).toEqual([
      'new gain1 0.8', 'gain1 -> output',
      'new gain2 1', 'new convolver3 {"normalize":true}',
      `new gain4 ${wetLevel}`, 'gain4 -> gain1',
      'gain2 -> convolver3', 'convolver3 -> gain4',
      `new gain5 ${dryLevel}`, 'gain5 -> gain1', 'gain2 -> gain5',
    ]);
    expect(named(bus.dry)).toBe('gain1');
    expect(named(bus.wet), "voices go into the reverb's input").toBe('gain2');
  });

  it('plays at level 1 by default; a fully wet reverb has no dry path; with a send, wet is a gain at that level into the reverb', () => {
    const { sound, wiring } = fakeSound();
    const bus = createSoundBus(sound, { reverb: { decay: 4.5, preDelay: 0.03, wet: 1 }, send: 0.35 });
    expect(wiring()).toEqual([
      'new gain1 1', 'gain1 -> output',
      'new gain2 1', 'new convolver3 {"normalize":true}',
      'new gain4 1', 'gain4 -> gain1',
      'gain2 -> convolver3', 'convolver3 -> gain4',
      'new gain5 0.35', 'gain5 -> gain2',
    ]);
    expect(named(bus.wet)).toBe('gain5');
  });

  it('dispose fades at once and frees the voices, then its own nodes, after the delay', () => {
    const { sound, log, voice } = fakeSound();
    const bus = createSoundBus(sound, { reverb: { decay: 6, wet: 0.45 }, send: 0.5 });
    log.length = 0;
    bus.dispose([voice('drone'), voice('wood')], 5500);
    expect(log).toEqual(['gain1.rampTo 0 0.15']);
    vi.advanceTimersByTime(500);
    expect(log, 'off the output once faded').toEqual(['gain1.rampTo 0 0.15', 'gain1.disconnect']);
    vi.advanceTimersByTime(4999);
    expect(log).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(log.slice(2)).toEqual(['drone.dispose', 'wood.dispose', 'gain6.dispose', 'gain2.dispose', 'convolver3.dispose', 'gain4.dispose', 'gain5.dispose', 'gain1.dispose']);
  });
});

describe('createSoundBus without a reverb', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is a plain gain: wet is dry, and dispose frees the voices and the gain', () => {
    const { sound, log, voice } = fakeSound();
    const bus = createSoundBus(sound, {});
    expect(log).toEqual(['new gain1 1', 'gain1 -> output']);
    expect(bus.wet).toBe(bus.dry);
    bus.dispose([voice('synth')]);
    vi.advanceTimersByTime(6000);
    expect(log.slice(2)).toEqual(['gain1.rampTo 0 0.15', 'gain1.disconnect', 'synth.dispose', 'gain1.dispose']);
  });

  it('refuses a send with no reverb to send into, saying what to do', () => {
    const { sound, log } = fakeSound();
    expect(() => createSoundBus(sound, { send: 0.3 })).toThrow(/give `reverb` options too, or leave `send` out/);
    expect(log).toEqual([]);
  });
});

describe("the bus's reverb: its impulse response cut where it is inaudible", () => {
  it('reverbSeconds: where Tone\'s decay curve reaches −60 dB (RT60), never longer than Tone\'s own preDelay + decay', () => {
    expect(REVERB_TAIL_FLOOR_DB).toBe(-60);
    // Tone's curve falls by e every ln(decay + 1) / ln(200) s: at −60 dB after that × ln(10^3).
    const at60 = (decay: number) => (Math.log(decay + 1) / Math.log(200)) * 3 * Math.log(10);
    for (const decay of [1, 4.5, 5, 6, 7, 15]) {
      expect(reverbSeconds(decay, 0.03)).toBeCloseTo(0.03 + at60(decay), 9);
      expect(reverbSeconds(decay, 0.03)).toBeLessThan(0.03 + decay);
    }
    expect(reverbSeconds(7, 0)).toBeCloseTo(2.71, 2); // echo's 7 s: the last 4.3 s are under −60 dB
    // A short decay is under the floor only at its end: rendered whole, as Tone would.
    expect(reverbSeconds(0.5, 0.01)).toBe(0.51);
    expect(reverbSeconds(0.3, 0)).toBe(0.3);
  });

  it("renders Tone's noise under Tone's curve, for the cut length, sets it on the convolver once rendered, and declares it to the screen", async () => {
    const { sound, log, finish, waited } = fakeSound();
    const bus = createSoundBus(sound, { reverb: { decay: 7, wet: 0.5, preDelay: 0 } });
    expect(log.filter((l) => /^(offline|gain \d|approach)/.test(l))).toEqual([`offline 2 channels, ${reverbSeconds(7, 0).toFixed(4)} s at 48000`, 'gain 0 at 0', 'gain 1 at 0', 'approach 0 from 0 over 7']);
    expect(waited).toEqual([bus.ready]);
    const convolver = convolverOf(sound);
    expect(convolver.buffer).toBeNull();
    let ready = false;
    void bus.ready.then(() => (ready = true));
    const buffer = { duration: 4.07 };
    finish.at(-1)!({ get: () => buffer });
    await bus.ready;
    expect(ready).toBe(true);
    expect(convolver.buffer).toBe(buffer);
  });

  it("uses Tone.Reverb's pre-delay (10 ms) when none is given", () => {
    const { sound, log } = fakeSound();
    createSoundBus(sound, { reverb: { decay: 5, wet: 0.5 } });
    expect(log).toContain(`offline 2 channels, ${reverbSeconds(5, 0.01).toFixed(4)} s at 48000`);
    expect(log).toContain('gain 1 at 0.01');
  });

  it('renders one impulse response per decay and pre-delay: a reverb made again with the same options takes it, rendered once', async () => {
    const { sound, finish, renders } = fakeSound();
    const first = createSoundBus(sound, { reverb: { decay: 4, wet: 0.4, preDelay: 0.02 } });
    const c1 = convolverOf(sound);
    // Made again before the first render is done (a run adopted while the last one still warms): it waits for that render.
    const second = createSoundBus(sound, { reverb: { decay: 4, wet: 0.9, preDelay: 0.02 } });
    const c2 = convolverOf(sound);
    expect(renders()).toBe(1);
    const buffer = { duration: 2.6 };
    finish[0]!({ get: () => buffer });
    await Promise.all([first.ready, second.ready]);
    expect(c1.buffer).toBe(buffer);
    expect(c2.buffer).toBe(buffer);
    // Later, the same options again: no render at all; other options render their own.
    const third = createSoundBus(sound, { reverb: { decay: 4, wet: 0.4, preDelay: 0.02 } });
    await third.ready;
    expect(convolverOf(sound).buffer).toBe(buffer);
    expect(renders()).toBe(1);
    createSoundBus(sound, { reverb: { decay: 5, wet: 0.4, preDelay: 0.02 } });
    expect(renders()).toBe(2);
  });

  it('a render that fails rejects ready (the screen reports it) and is rendered again next time', async () => {
    const { sound, finish, renders } = fakeSound();
    const bus = createSoundBus(sound, { reverb: { decay: 3, wet: 0.4, preDelay: 0.02 } });
    finish[0]!({ get: () => { throw new Error('offline render failed'); } });
    await expect(bus.ready).rejects.toThrow('offline render failed');
    await new Promise((r) => setTimeout(r, 0));
    createSoundBus(sound, { reverb: { decay: 3, wet: 0.4, preDelay: 0.02 } });
    expect(renders()).toBe(2);
  });
});

/** The last convolver the fake Tone made (createSoundBus keeps it inside the bus). */
function convolverOf(sound: SoundRuntime): { buffer: unknown } {
  const made = (sound.Tone as unknown as { Convolver: { last?: { buffer: unknown } } }).Convolver.last;
  if (!made) throw new Error('no convolver made');
  return made;
}
