import type { InputNode } from 'tone';
import type { SoundRuntime } from './runtime';

/** An oscillator's wave (the native types, which Tone's oscillators use at phase 0). */
export type Wave = 'sine' | 'square' | 'sawtooth' | 'triangle';

/** An ADSR envelope, in seconds (sustain a level from 0 to 1), shaped as Tone's Envelope shapes it. */
export interface VoiceEnvelope {
  attack: number;
  decay: number;
  sustain: number;
  release: number;
  /** Tone's attackCurve: a linear ramp (Synth's) or an exponential approach (MembraneSynth's). */
  attackCurve?: 'linear' | 'exponential';
}

export interface VoicesOptions {
  /** The oscillator's wave (Tone.Synth's `oscillator.type`); default 'triangle', as Tone's. */
  wave?: Wave;
  /** Noise instead of an oscillator (Tone.NoiseSynth's `noise.type`): play it with `hit`. */
  noise?: 'white' | 'pink' | 'brown';
  /** The amplitude envelope; default Tone.Synth's (0.005, 0.1, 0.3, 1). */
  envelope?: Partial<VoiceEnvelope>;
  /** The output level in dB (Tone's `volume`); default 0. */
  volume?: number;
  /** FM (Tone.FMSynth): a modulator at note × harmonicity bends the note by note × modulationIndex, under its own envelope. */
  fm?: { harmonicity?: number; modulationIndex?: number; wave?: Wave; envelope?: Partial<VoiceEnvelope> };
  /** A drum's pitch drop (Tone.MembraneSynth): each note starts at note × 2^octaves and falls to the note over pitchDecay s. */
  membrane?: { octaves?: number; pitchDecay?: number };
  /** A filter with its own envelope (Tone.MonoSynth's filter and filterEnvelope): from baseFrequency up `octaves` at the envelope's peak. */
  filter?: {
    type?: BiquadFilterType;
    Q?: number;
    rolloff?: -12 | -24 | -48 | -96;
    baseFrequency: number;
    octaves: number;
    /** The envelope's curve, raised to this power (MonoSynth's filterEnvelope: 2 by default, as here). */
    exponent?: number;
    envelope?: Partial<VoiceEnvelope>;
  };
  /** One note at a time (Tone's Synth, MonoSynth, MembraneSynth, NoiseSynth): a note cuts the one still sounding. */
  mono?: boolean;
  /** At most this many notes at once (Tone.PolySynth's maxPolyphony): the oldest is cut. Default 32. */
  maxPolyphony?: number;
}

/** What createVoices gives: notes built when played, gone when they end. */
export interface Voices {
  /** Connects the voices' output (a Tone.Gain at `volume`) to a Tone node (a bus's `dry` or `wet`) or an AudioParam. */
  connect(destination: InputNode): this;
  /** Plays a note of `frequency` Hz for `duration` s from audio time `at` (then its release), at `velocity` (0–1). */
  play(frequency: number, duration: number, at: number, velocity?: number): void;
  /** Plays the noise (`noise` voices) for `duration` s from `at`. */
  hit(duration: number, at: number, velocity?: number): void;
  /** Releases every note still held at `at` (default: now), as Tone's releaseAll. */
  releaseAll(at?: number): void;
  /** Notes built and not yet ended. */
  readonly sounding: number;
  /** Stops every note at once and frees the output (for a bus's dispose). */
  dispose(): void;
}

const SYNTH_ENVELOPE: VoiceEnvelope = { attack: 0.005, decay: 0.1, sustain: 0.3, release: 1, attackCurve: 'linear' };
const FM_ENVELOPE: VoiceEnvelope = { attack: 0.5, decay: 0, sustain: 1, release: 0.5, attackCurve: 'linear' };
const FILTER_ENVELOPE: VoiceEnvelope = { attack: 0.6, decay: 0.2, sustain: 0.5, release: 2, attackCurve: 'linear' };
/** Tone.MonoSynth's filter envelope's exponent. */
const FILTER_EXPONENT = 2;
/** The step of the short linear ramps an envelope raised to a power is drawn with, in seconds. */
const CURVE_STEP_S = 0.004;
/** How fast a note cut by the next (mono) or by the polyphony limit fades, in seconds: no click. */
const CUT_S = 0.005;
/** Tone.FMSynth's carrier and modulator are Synths at −10 dB: its output, and its modulation depth. */
const FM_LEVEL = Math.pow(10, -10 / 20);

/**
 * Tone.js's synths as notes of native nodes that exist only while they sound. A Tone.Synth is 19
 * native nodes and a Tone.FMSynth 54 (every frequency, detune and envelope a Tone.Signal: a
 * ConstantSourceNode and two Gains), all rendered every render quantum whether a note sounds or
 * not, with their parameters at audio rate; Tone.PolySynth keeps idle voices too. Here a note is
 * two native nodes (an oscillator and its envelope's Gain; four for FM or a filtered note),
 * built at `play` and disconnected when it ends, with Tone's envelope curves (a linear or
 * exponential attack; decay and release as Tone's `exponentialApproachValueAtTime`: a target
 * curve with its time constant, and a linear ramp over the last tenth) on native AudioParams.
 * Measured on a software screen, the audio thread's cost of a piece fell to a fraction
 * (docs/performance.md, "Lighter sound graphs").
 */
export function createVoices(sound: SoundRuntime, options: VoicesOptions = {}): Voices {
  const { Tone } = sound;
  const ctx = Tone.getContext();
  const env: VoiceEnvelope = { ...SYNTH_ENVELOPE, ...(options.membrane ? { attack: 0.001, attackCurve: 'exponential', decay: 0.4, sustain: 0.01, release: 1.4 } : {}), ...options.envelope };
  const output = new Tone.Gain(Tone.dbToGain(options.volume ?? 0));
  const into = output.input as unknown as AudioNode;
  const max = Math.max(1, options.maxPolyphony ?? 32);
  const live: Note[] = [];

  const end = (note: Note) => {
    const i = live.indexOf(note);
    if (i >= 0) live.splice(i, 1);
    for (const n of note.nodes) {
      try {
        n.disconnect();
      } catch {
        /* disconnected already */
      }
    }
  };

  /** Builds a note (`build` makes its sources and shaped parameters into `amp`), schedules it and keeps it until it ends. */
  const start = (at: number, duration: number, velocity: number, build: (amp: GainNode, t: number) => Built) => {
    const t = Math.max(at, ctx.currentTime);
    if (options.mono) for (const n of live) n.cut(t);
    // Tone.PolySynth drops a note past its polyphony ("Max polyphony exceeded. Note dropped.").
    else if (live.filter((n) => !n.cutAt).length >= max) return;
    const amp = ctx.createGain();
    amp.gain.value = 0;
    amp.connect(into);
    const made = build(amp, t);
    const level = options.fm ? FM_LEVEL * velocity : velocity;
    const ampTrack = new Track(amp.gain);
    const shaped: Shaped[] = [{ track: ampTrack, e: env, base: 0, peak: level }, ...(made.shaped ?? [])];
    const releaseAt = t + Math.max(0, duration);
    // The amplitude's envelope says when the note is silent; the others (FM depth, filter) follow it.
    const stopAt = shaped.map((x) => shape(x, t, releaseAt))[0]!;
    const stopAll = (when: number) => {
      for (const [s] of made.sources) stopSource(s, when);
    };
    const note: Note = {
      nodes: [...made.sources.map(([s]) => s), ...made.nodes, amp],
      stopAt,
      cutAt: null,
      release(when) {
        if (when >= note.stopAt || note.cutAt !== null) return;
        for (const x of shaped) release(x, when);
        note.stopAt = when + env.release;
        stopAll(note.stopAt);
      },
      cut(when) {
        if (when >= note.stopAt || note.cutAt !== null) return;
        ampTrack.hold(when);
        ampTrack.linear(0, when + CUT_S);
        note.cutAt = when;
        note.stopAt = when + CUT_S;
        stopAll(note.stopAt);
      },
    };
    live.push(note);
    made.sources[0]![0].onended = () => end(note);
    for (const [s, offset] of made.sources) (offset === undefined ? s.start(t) : (s as AudioBufferSourceNode).start(t, offset));
    stopAll(stopAt);
  };

  const voices: Voices = {
    connect(destination) {
      output.connect(destination);
      return voices;
    },
    play(frequency, duration, at, velocity = 1) {
      if (options.noise) throw new Error('createVoices: noise voices have no pitch; play them with hit(duration, at, velocity)');
      if (!(frequency > 0) || !Number.isFinite(frequency)) return;
      start(at, duration, velocity, (amp, t) => {
        const osc = ctx.createOscillator();
        osc.type = options.wave ?? (options.fm || options.membrane ? 'sine' : 'triangle');
        const built: Required<Built> = { sources: [[osc]], nodes: [], shaped: [] };
        if (options.membrane) {
          const octaves = options.membrane.octaves ?? 8;
          osc.frequency.setValueAtTime(frequency * Math.pow(2, octaves), t);
          osc.frequency.exponentialRampToValueAtTime(frequency, t + (options.membrane.pitchDecay ?? 0.05));
        } else osc.frequency.value = frequency;
        if (options.fm) {
          const fm = options.fm;
          const mod = ctx.createOscillator();
          mod.type = fm.wave ?? 'square';
          mod.frequency.value = frequency * (fm.harmonicity ?? 3);
          const depth = ctx.createGain();
          depth.gain.value = 0;
          mod.connect(depth);
          depth.connect(osc.frequency);
          built.sources.push([mod]);
          built.nodes.push(depth);
          built.shaped.push({ track: new Track(depth.gain), e: { ...FM_ENVELOPE, ...fm.envelope }, base: 0, peak: FM_LEVEL * velocity * frequency * (fm.modulationIndex ?? 10) });
        }
        let head: AudioNode = osc;
        if (options.filter) {
          const f = options.filter;
          const stages: BiquadFilterNode[] = [];
          for (let i = 0; i < Math.max(1, [-12, -24, -48, -96].indexOf(f.rolloff ?? -12) + 1); i++) {
            const bq = ctx.createBiquadFilter();
            bq.type = f.type ?? 'lowpass';
            bq.Q.value = f.Q ?? 1;
            head.connect(bq);
            head = bq;
            stages.push(bq);
          }
          built.nodes.push(...stages);
          // One envelope, computed once, on every stage's frequency (Tone's Filter drives its cascade from one Signal).
          const track = new Track(stages.map((bq) => bq.frequency));
          built.shaped.push({ track, e: { ...FILTER_ENVELOPE, ...f.envelope }, base: f.baseFrequency, peak: f.baseFrequency * Math.pow(2, f.octaves), exponent: f.exponent ?? FILTER_EXPONENT });
        }
        head.connect(amp);
        return built;
      });
    },
    hit(duration, at, velocity = 1) {
      const kind = options.noise;
      if (!kind) throw new Error('createVoices: hit plays noise; give `noise` in the options, or play a pitch with play()');
      start(at, duration, velocity, (amp) => {
        const src = ctx.createBufferSource();
        const buffer = noiseBuffer(sound, kind);
        src.buffer = buffer;
        src.loop = true;
        src.connect(amp);
        // Tone.Noise starts each at a random point of its buffer.
        return { sources: [[src, Math.random() * (buffer.duration - 0.001)]], nodes: [] };
      });
    },
    releaseAll(at) {
      const when = Math.max(at ?? 0, ctx.currentTime);
      for (const n of live.slice()) n.release(when);
    },
    get sounding() {
      return live.length;
    },
    dispose() {
      for (const n of live.slice()) {
        n.cut(ctx.currentTime);
        end(n);
      }
      output.dispose();
    },
  };
  return voices;
}

/** What a note is made of: its sources (with a buffer offset), its other nodes, and the parameters its envelopes shape besides its amplitude. */
interface Built {
  sources: Array<[AudioScheduledSourceNode, number?]>;
  nodes: AudioNode[];
  shaped?: Shaped[];
}

/** A parameter under an envelope: `base` at rest, `peak` at the top of the attack. */
interface Shaped {
  track: Track;
  e: VoiceEnvelope;
  base: number;
  peak: number;
  /** Tone's FrequencyEnvelope exponent: the envelope (0–1) raised to it before it is scaled; 1 by default. */
  exponent?: number;
}

interface Note {
  nodes: AudioNode[];
  /** When its sources stop (audio time). */
  stopAt: number;
  /** When it was cut (by the next mono note, or dispose); null while it plays out. */
  cutAt: number | null;
  release(when: number): void;
  cut(when: number): void;
}

interface Ev {
  type: 'set' | 'linear' | 'target';
  t: number;
  v: number;
  /** A target's time constant. */
  tc: number;
}

/**
 * The automation of an AudioParam of a note (or of several driven alike), kept here too so that its value can be read at any
 * time, and held there: what Tone's Param does for Tone's envelopes. Chromium's own
 * cancelAndHoldAtTime held a decaying target curve at the wrong value (an audible dip at the end of
 * every decay), so it is never used: a hold is the value computed here, set at that time.
 */
export class Track {
  private readonly events: Ev[] = [];

  private readonly params: readonly AudioParam[];

  /** `param`: the AudioParam it drives (or several, driven alike), or null for an envelope only read here (`valueAt`). */
  constructor(param: AudioParam | readonly AudioParam[] | null) {
    this.params = param === null ? [] : Array.isArray(param) ? param : [param as AudioParam];
  }

  set(v: number, t: number): void {
    this.events.push({ type: 'set', t, v, tc: 0 });
    for (const p of this.params) p.setValueAtTime(v, t);
  }

  linear(v: number, t: number): void {
    this.events.push({ type: 'linear', t, v, tc: 0 });
    for (const p of this.params) p.linearRampToValueAtTime(v, t);
  }

  target(v: number, t: number, tc: number): void {
    this.events.push({ type: 'target', t, v, tc });
    for (const p of this.params) p.setTargetAtTime(v, t, tc);
  }

  /** The value at audio time `time`, as the Web Audio rules compute it from these events. */
  valueAt(time: number, upto = this.events.length): number {
    let i = -1;
    for (let k = 0; k < upto && this.events[k]!.t <= time; k++) i = k;
    if (i < 0) return this.params[0]?.value ?? 0;
    const next = i + 1 < upto ? this.events[i + 1]! : null;
    const prev = this.events[i]!;
    if (next?.type === 'linear') {
      const v0 = prev.type === 'target' ? this.valueAt(prev.t, i + 1) : prev.v;
      return v0 + ((next.v - v0) * (time - prev.t)) / Math.max(1e-9, next.t - prev.t);
    }
    if (prev.type === 'target') {
      const from = this.valueAt(prev.t, i);
      return prev.v + (from - prev.v) * Math.exp(-(time - prev.t) / prev.tc);
    }
    return prev.v;
  }

  /** Holds the value it has at `when`, cancelling what comes after (Tone's cancelAndHoldAtTime). */
  hold(when: number): void {
    const v = this.valueAt(when);
    const first = this.events.findIndex((e) => e.t >= when);
    const ramping = first >= 0 && this.events[first]!.type === 'linear';
    if (first >= 0) this.events.length = first;
    for (const p of this.params) p.cancelScheduledValues(when);
    if (ramping) this.linear(v, when);
    else this.set(v, when);
  }

  /** Tone's `exponentialApproachValueAtTime`: a target curve with its time constant, then a linear ramp over the last tenth. */
  approach(value: number, start: number, ramp: number): void {
    this.target(value, start, Math.log(ramp + 1) / Math.log(200));
    const tenth = start + ramp * 0.9;
    this.set(this.valueAt(tenth), tenth);
    this.linear(value, start + ramp);
  }
}

/**
 * Schedules one note's envelope, from `base` to `peak` and back, as Tone's Envelope (its
 * triggerAttack at `t` on a silent voice, its triggerRelease at `releaseAt`): returns when it is silent.
 */
function shape(x: Shaped, t: number, releaseAt: number): number {
  if ((x.exponent ?? 1) !== 1) return shapeCurved(x, t, releaseAt);
  const { track, e, base, peak } = x;
  track.set(base, t);
  if (e.attack < 1 / 48_000) track.set(peak, t);
  else if (e.attackCurve === 'exponential') track.approach(peak, t, e.attack);
  else track.linear(peak, t + e.attack);
  const decayEnd = t + e.attack + e.decay;
  if (e.decay > 0 && e.sustain < 1) track.approach(base + (peak - base) * e.sustain, t + e.attack, e.decay);
  // A note whose sustain is silent ends with its decay (Tone stops its oscillator there).
  if (e.sustain === 0 && decayEnd <= releaseAt) return decayEnd;
  release(x, releaseAt);
  return releaseAt + e.release;
}

/** Tone's triggerRelease: holds the value at `when`, then approaches `base` over the release. */
function release(x: Shaped, when: number): void {
  if ((x.exponent ?? 1) !== 1) return releaseCurved(x, when);
  const { track, e, base } = x;
  track.hold(when);
  if (e.release < 1 / 48_000) track.set(base, when);
  else track.approach(base, when, e.release);
}

/** The envelope (0–1) behind each parameter shaped with an exponent. */
const unitEnvelopes = new WeakMap<Shaped, Track>();

/**
 * An envelope raised to a power (Tone's FrequencyEnvelope with an exponent: base + (peak − base) ×
 * envelope^exponent), which no AudioParam automation draws: the envelope is computed here, from 0
 * to 1 on a Track of its own, and drawn on the parameter as short linear ramps (CURVE_STEP_S).
 */
function shapeCurved(x: Shaped, t: number, releaseAt: number): number {
  const unit = new Track(null);
  unitEnvelopes.set(x, unit);
  const end = shape({ track: unit, e: x.e, base: 0, peak: 1 }, t, releaseAt);
  x.track.set(curved(x, unit.valueAt(t)), t);
  draw(x, unit, t, end);
  return end;
}

function releaseCurved(x: Shaped, when: number): void {
  const unit = unitEnvelopes.get(x);
  if (!unit) return;
  release({ track: unit, e: x.e, base: 0, peak: 1 }, when);
  x.track.hold(when);
  draw(x, unit, when, when + x.e.release);
}

const curved = (x: Shaped, v: number) => x.base + (x.peak - x.base) * Math.pow(Math.max(0, v), x.exponent ?? 1);

function draw(x: Shaped, unit: Track, from: number, to: number): void {
  for (let at = from + CURVE_STEP_S; at < to + CURVE_STEP_S; at += CURVE_STEP_S) {
    const tt = Math.min(at, to);
    x.track.linear(curved(x, unit.valueAt(tt)), tt);
  }
}

/** Stops a source at `at`, later calls replacing earlier ones (a released or cut note). */
function stopSource(s: AudioScheduledSourceNode, at: number): void {
  try {
    s.stop(at);
  } catch {
    /* ended already */
  }
}

const NOISE_SECONDS = 3;
const noises = new WeakMap<object, Map<string, AudioBuffer>>();

/** Tone.Noise's noise of this colour (its generators: white, Paul Kellett's pink, integrated brown), one buffer per page. */
function noiseBuffer(sound: SoundRuntime, kind: 'white' | 'pink' | 'brown'): AudioBuffer {
  const ctx = sound.Tone.getContext();
  const cache = noises.get(sound.Tone) ?? new Map<string, AudioBuffer>();
  noises.set(sound.Tone, cache);
  const made = cache.get(kind);
  if (made && made.sampleRate === ctx.sampleRate) return made;
  const buffer = ctx.createBuffer(2, Math.round(ctx.sampleRate * NOISE_SECONDS), ctx.sampleRate);
  for (let c = 0; c < 2; c++) {
    const d = buffer.getChannelData(c);
    let last = 0;
    let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    for (let i = 0; i < d.length; i++) {
      const white = Math.random() * 2 - 1;
      if (kind === 'white') d[i] = white;
      else if (kind === 'brown') {
        last = (last + 0.02 * white) / 1.02;
        d[i] = last * 3.5;
      } else {
        b0 = 0.99886 * b0 + white * 0.0555179;
        b1 = 0.99332 * b1 + white * 0.0750759;
        b2 = 0.969 * b2 + white * 0.153852;
        b3 = 0.8665 * b3 + white * 0.3104856;
        b4 = 0.55 * b4 + white * 0.5329522;
        b5 = -0.7616 * b5 - white * 0.016898;
        d[i] = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362) * 0.11;
        b6 = white * 0.115926;
      }
    }
  }
  cache.set(kind, buffer);
  return buffer;
}
