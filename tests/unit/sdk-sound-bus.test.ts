import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSoundBus } from '../../sdk/sound-bus';
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
    vi.advanceTimersByTime(5499);
    expect(log).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(log.slice(1)).toEqual(['gain1.disconnect', 'drone.dispose', 'wood.dispose', 'gain3.dispose', 'reverb2.dispose', 'gain1.dispose']);
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
