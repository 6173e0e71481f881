import { describe, expect, it } from 'vitest';
import { patchTone } from '../../client/host/tone-fixes';

/** A PolySynth stand-in with Tone 15's voice bookkeeping: voices made on demand, notes ahead deferred. */
function fakeTone() {
  const made: string[] = [];
  class Voice {
    constructor(readonly o: { onsilence?: unknown }) {
      made.push('voice');
    }
    connect() {
      return this;
    }
  }
  class PolySynth {
    disposed = false;
    maxPolyphony = 3;
    options = {};
    context = {};
    output = {};
    voice = Voice;
    _voices: Voice[] = [];
    _availableVoices: Voice[] = [];
    deferred: Array<{ notes: unknown[]; time: number }> = [];
    clock = 10;
    now() {
      return this.clock;
    }
    _makeVoiceAvailable(v: Voice) {
      this._availableVoices.push(v);
    }
    _scheduleEvent(type: string, notes: unknown[], time: number) {
      if (type === 'attack' && time > this.now()) this.deferred.push({ notes, time });
    }
  }
  return { Tone: { PolySynth } as unknown as Parameters<typeof patchTone>[0], PolySynth, made };
}

describe('patchTone: a PolySynth note scheduled ahead makes its voices when it is scheduled', () => {
  it('makes the voices a future chord lacks now, idle in the pool, within maxPolyphony; none for a note due now', () => {
    const { Tone, PolySynth, made } = fakeTone();
    patchTone(Tone);
    patchTone(Tone); // once only
    const poly = new PolySynth();
    poly._scheduleEvent('attack', ['C4', 'E4'], 12);
    expect(made).toHaveLength(2);
    expect(poly._availableVoices).toHaveLength(2);
    expect(poly.deferred).toHaveLength(1); // the note itself still waits for its time, as in Tone
    poly._scheduleEvent('attack', ['G4'], 12.5); // two idle voices in the pool already
    expect(made).toHaveLength(2);
    poly._availableVoices.length = 0;
    poly._scheduleEvent('attack', ['A4', 'B4', 'C5'], 13); // only one more fits in maxPolyphony 3
    expect(made).toHaveLength(3);
    poly._scheduleEvent('attack', ['D4'], 9); // due now: Tone makes its voice itself
    poly._scheduleEvent('release', ['D4'], 14);
    expect(made).toHaveLength(3);
  });
});
