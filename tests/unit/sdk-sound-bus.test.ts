import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REVERB_TAIL_FLOOR_DB, createSoundBus, reverbSeconds } from '../../sdk/sound-bus';
import type { SoundRuntime } from '../../sdk/runtime';

/** A Tone stand-in that logs what is built, wired, faded and disposed. */
function fakeSound() {
  const log: string[] = [];
  let n = 0;
  class Node {
    readonly name: string;
    gain = { rampTo: (v: number, t: number) => log.push(`${this.name}.rampTo ${v} ${t}`) };
    constructor(kind: string, arg: unknown) {
      this.name = `${kind}${++n}`;
      log.push(`new ${this.name} ${JSON.stringify(arg)}`);
    }
    connect(to: { name: string }) {
      log.push(`${this.name} -> ${to.name}`);
      return this;
    }
    disconnect() {
      log.push(`${this.name}.disconnect`);
    }
    dispose() {
      log.push(`${this.name}.dispose`);
    }
  }
  const Tone = {
    Gain: class extends Node { constructor(a: unknown) { super('gain', a); } },
    Reverb: class extends Node { constructor(a: unknown) { super('reverb', a); } },
  };
  const sound = { Tone, output: { name: 'output' } } as unknown as SoundRuntime;
  return { sound, log, voice: (name: string) => ({ dispose: () => log.push(`${name}.dispose`) }) };
}

describe('createSoundBus (pavilion/sdk)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('wires a gain into the output and a reverb into the gain, passing the reverb options as given', () => {
    const { sound, log } = fakeSound();
    const bus = createSoundBus(sound, { level: 0.8, reverb: { decay: 5, wet: 0.35 } });
    expect(log).toEqual(['new gain1 0.8', 'gain1 -> output', 'new reverb2 {"decay":5,"wet":0.35}', 'reverb2 -> gain1']);
    expect((bus.dry as unknown as { name: string }).name).toBe('gain1');
    expect((bus.wet as unknown as { name: string }).name).toBe('reverb2');
  });

  it('plays at level 1 by default, and with a send, wet is a gain at that level into the reverb', () => {
    const { sound, log } = fakeSound();
    const bus = createSoundBus(sound, { reverb: { decay: 4.5, preDelay: 0.03, wet: 1 }, send: 0.35 });
    expect(log).toEqual([
      'new gain1 1', 'gain1 -> output',
      'new reverb2 {"decay":4.5,"preDelay":0.03,"wet":1}', 'reverb2 -> gain1',
      'new gain3 0.35', 'gain3 -> reverb2',
    ]);
    expect((bus.wet as unknown as { name: string }).name).toBe('gain3');
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
    expect(log.slice(2)).toEqual(['drone.dispose', 'wood.dispose', 'gain3.dispose', 'reverb2.dispose', 'gain1.dispose']);
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
  it('reverbSeconds: where Tone\'s decay curve reaches −90 dB, never longer than Tone\'s own preDelay + decay', () => {
    expect(REVERB_TAIL_FLOOR_DB).toBe(-90);
    // Tone's curve falls by e every ln(decay + 1) / ln(200) s: at −90 dB after that × ln(10^4.5).
    const at90 = (decay: number) => (Math.log(decay + 1) / Math.log(200)) * 4.5 * Math.log(10);
    for (const decay of [4.5, 5, 6, 7, 15]) {
      expect(reverbSeconds(decay, 0.03)).toBeCloseTo(0.03 + at90(decay), 9);
      expect(reverbSeconds(decay, 0.03)).toBeLessThan(0.03 + decay);
    }
    expect(reverbSeconds(7, 0)).toBeCloseTo(4.07, 2); // echo's 7 s: the last 3 s are under −90 dB
    // A short decay is under the floor only at its end: rendered whole, as Tone would.
    expect(reverbSeconds(1, 0.01)).toBe(1.01);
    expect(reverbSeconds(0.5, 0)).toBe(0.5);
  });

  it("renders Tone's noise under Tone's curve, for the cut length, and sets it on the convolver once rendered", async () => {
    const { Tone, Node, log, finish } = fakeReverbTone();
    type Reverb = InstanceType<typeof Tone.Reverb>;
    const rendered = (b: { get(): unknown }) => finish.at(-1)!(b);
    const buffer = { duration: 4.07 };
    const sound = { Tone, output: new Node(), waitFor: () => {} } as unknown as SoundRuntime;
    const bus = createSoundBus(sound, { reverb: { decay: 7, wet: 0.5, preDelay: 0 } });
    const reverb = bus.wet as unknown as Reverb;
    expect(log).toEqual([`offline 2 channels, ${reverbSeconds(7, 0).toFixed(4)} s at 48000`, 'gain 0 at 0', 'gain 1 at 0', 'approach 0 from 0 over 7']);
    expect(reverb._convolver.buffer).toBeNull();
    let ready = false;
    void reverb.ready.then(() => (ready = true));
    rendered({ get: () => buffer });
    await reverb.ready;
    await new Promise((r) => setTimeout(r, 0));
    expect(ready).toBe(true);
    expect(reverb._convolver.buffer).toBe(buffer);
    // One class per Tone module: a second bus reuses it.
    const again = createSoundBus(sound, { reverb: { decay: 5, wet: 0.5 } });
    expect(Object.getPrototypeOf(again.wet)).toBe(Object.getPrototypeOf(bus.wet));
  });
  it('renders one impulse response per decay and pre-delay: a reverb made again with the same options takes it, rendered once', async () => {
    const { Tone, Node, finish, renders: rendersOf } = fakeReverbTone();
    type Reverb = InstanceType<typeof Tone.Reverb>;
    const sound = { Tone, output: new Node(), waitFor: () => {} } as unknown as SoundRuntime;
    const first = createSoundBus(sound, { reverb: { decay: 4, wet: 0.4, preDelay: 0.02 } }).wet as unknown as Reverb;
    // Made again before the first render is done (a run adopted while the last one still warms): it waits for that render.
    const second = createSoundBus(sound, { reverb: { decay: 4, wet: 0.9, preDelay: 0.02 } }).wet as unknown as Reverb;
    expect(rendersOf()).toBe(1);
    const buffer = { duration: 2.6 };
    finish[0]!({ get: () => buffer });
    await Promise.all([first.ready, second.ready]);
    await new Promise((r) => setTimeout(r, 0));
    expect(first._convolver.buffer).toBe(buffer);
    expect(second._convolver.buffer).toBe(buffer);
    // Later, the same options again: no render at all; other options render their own.
    const third = createSoundBus(sound, { reverb: { decay: 4, wet: 0.4, preDelay: 0.02 } }).wet as unknown as Reverb;
    await third.ready;
    await new Promise((r) => setTimeout(r, 0));
    expect(third._convolver.buffer).toBe(buffer);
    expect(rendersOf()).toBe(1);
    createSoundBus(sound, { reverb: { decay: 5, wet: 0.4, preDelay: 0.02 } });
    expect(rendersOf()).toBe(2);
  });
});

/**
 * Tone as createSoundBus's reverb reaches it: nodes that log their gain automation into `log`,
 * Tone.Reverb's shape (its constructor sets its state, then renders: `generate`), and an
 * OfflineContext that logs its size and leaves each render for the test to finish (`finish`).
 */
function fakeReverbTone() {
  const log: string[] = [];
  const finish: Array<(b: { get(): unknown }) => void> = [];
  let renders = 0;
  class Node {
    gain = {
      setValueAtTime: (v: number, t: number) => log.push(`gain ${v} at ${t}`),
      exponentialApproachValueAtTime: (v: number, t: number, ramp: number) => log.push(`approach ${v} from ${t} over ${ramp}`),
    };
    constructor(readonly opts?: { context?: unknown }) {}
    connect() {
      return this;
    }
    toDestination() {
      return this;
    }
    start() {
      return this;
    }
  }
  class Reverb extends Node {
    _convolver = { buffer: null as unknown };
    _decay: number;
    _preDelay: number;
    ready: Promise<void> = Promise.resolve();
    context = { sampleRate: 48000 };
    constructor(o: { decay: number; preDelay?: number }) {
      super();
      this._decay = o.decay;
      this._preDelay = o.preDelay ?? 0.01;
      void this.generate();
    }
    generate(): Promise<this> {
      log.push("Tone's own generate");
      return Promise.resolve(this);
    }
  }
  const Tone = {
    Gain: Node,
    Noise: Node,
    Merge: Node,
    Reverb,
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
  return { Tone, Node, log, finish, renders: () => renders };
}
