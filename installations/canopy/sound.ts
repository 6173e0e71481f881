import { createSoundBus, createVoices, scheduleByShowTime, type ShowTime, type SoundRuntime } from 'pavilion/sdk';
import type { CallNote } from './Creatures';
import { cycleAt } from './world';

/** Integer hash to [0, 1): every speaker of the wall draws the same events for the same slot. */
function ih(n: number): number {
  let x = (n | 0) ^ 0x9e3779b9;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

const TICK_MS = 100;
/** Seconds: how far ahead the forest is scheduled, and the grids (in piece seconds) it is drawn on. */
const LOOKAHEAD = 0.6;
const LEVEL_GRID = 0.25;
const CHIRP_SLOT = 0.125;
const BIRD_SLOT = 1.5;

/**
 * A synthesised rainforest: rain (filtered pink noise), wind in the leaves (band-passed brown
 * noise), a cicada drone by day, crickets by night, and birds. Every event is drawn from a hash
 * of its slot of piece time and scheduled by the SDK's show-time scheduler, so every speaker plays
 * the same forest; levels follow the same day cycle as the picture.
 */
export function setupForestSound(
  s: SoundRuntime,
  time: Readonly<ShowTime>,
  params: { readonly current: { speed: number } },
  calls: { current: CallNote[] },
): () => void {
  const { Tone } = s;
  // Voices play dry into `master` and send what should ring in the forest to `send`.
  const bus = createSoundBus(s, { level: 0.5, reverb: { decay: 4.5, preDelay: 0.03, wet: 1 }, send: 0.35 });
  const { dry: master, wet: send } = bus;

  const rainNoise = new Tone.Noise('pink');
  const rainHP = new Tone.BiquadFilter(700, 'highpass');
  const rainLP = new Tone.BiquadFilter(5200, 'lowpass');
  const rainGain = new Tone.Gain(0);
  rainNoise.chain(rainHP, rainLP, rainGain, master);

  const windNoise = new Tone.Noise('brown');
  const windBP = new Tone.BiquadFilter({ type: 'bandpass', frequency: 420, Q: 0.6 });
  const windGain = new Tone.Gain(0);
  windNoise.chain(windBP, windGain, master);

  const cicada = new Tone.ToneOscillatorNode(4650, 'sine');
  // A 41 Hz tremolo from 0 to 1 (Tone.LFO's, in three native nodes instead of its thirty).
  const cicadaAM = new Tone.Gain(0.5);
  const cicadaLFO = new Tone.ToneOscillatorNode(41, 'sine');
  const cicadaDepth = new Tone.Gain(0.5);
  cicadaLFO.chain(cicadaDepth, cicadaAM.gain);
  const cicadaGain = new Tone.Gain(0);
  cicada.chain(cicadaAM, cicadaGain, master);
  cicadaGain.connect(send);

  // Tone's FMSynth sound, each chirp a few native nodes that exist while it sounds (createVoices).
  const cricket = createVoices(s, {
    fm: { harmonicity: 1.02, modulationIndex: 6, envelope: { attack: 0.002, decay: 0.02, sustain: 0, release: 0.02 } },
    envelope: { attack: 0.004, decay: 0.03, sustain: 0, release: 0.02 },
    volume: -34,
    mono: true,
  });
  cricket.connect(master);
  cricket.connect(send);

  const voices = [0, 1, 2].map(() => {
    const osc = new Tone.ToneOscillatorNode(2000, 'sine');
    const env = new Tone.AmplitudeEnvelope({ attack: 0.015, decay: 0.05, sustain: 0.85, release: 0.09 });
    const gain = new Tone.Gain(0.05);
    osc.chain(env, gain, master);
    gain.connect(send);
    return { osc, env, gain };
  });

  const t0 = Tone.now() + 0.05;
  rainNoise.start(t0);
  windNoise.start(t0);
  cicada.start(t0);
  cicadaLFO.start(t0);
  for (const v of voices) v.osc.start(t0);

  // Tone's timelines refuse events scheduled before ones already queued on the same node. The
  // show-time → audio-time map moves slightly as the clock is corrected, so keep each node's
  // events in order: never before the last one scheduled on it.
  const lastAt = new Map<object, number>();
  const after = (node: object, at: number, end = at) => {
    const t = Math.max(at, (lastAt.get(node) ?? 0) + 0.001);
    lastAt.set(node, t + (end - at));
    return t;
  };

  /** One bird phrase on a voice: a list of [frequency, duration] glides. */
  const phrase = (voiceIdx: number, at: number, notes: [number, number][], level: number) => {
    const v = voices[voiceIdx]!;
    const total = notes.reduce((a, n) => a + n[1], 0);
    at = after(v, at, at + total);
    let t = at;
    v.osc.frequency.setValueAtTime(notes[0]![0], t);
    v.gain.gain.setValueAtTime(level, t);
    v.env.triggerAttackRelease(total, at);
    for (const [f, d] of notes) {
      v.osc.frequency.exponentialRampToValueAtTime(f, t + d);
      t += d;
    }
  };

  const bird = (slot: number, at: number, night: number) => {
    const r = ih(slot * 13 + 5);
    const voice = slot & 1;
    if (night > 0.6) {
      // A low owl-like hoot, twice.
      const f = 380 + r * 60;
      phrase(voice, at, [[f, 0.05], [f * 0.92, 0.32]], 0.09);
      phrase(voice, at + 0.7, [[f, 0.05], [f * 0.9, 0.4]], 0.07);
      return;
    }
    const base = 1900 + r * 1600;
    if (r < 0.35) phrase(voice, at, [[base, 0.04], [base * 1.5, 0.22], [base * 0.8, 0.16]], 0.045);
    else if (r < 0.7) {
      const notes: [number, number][] = [];
      for (let k = 0; k < 7; k++) notes.push([k % 2 ? base * 1.2 : base, 0.055]);
      phrase(voice, at, notes, 0.03);
    } else phrase(voice, at, [[base * 0.55, 0.05], [base * 1.25, 0.45], [base * 0.5, 0.08]], 0.04);
  };

  const stop = scheduleByShowTime(s, time, {
    name: 'canopy',
    lookahead: LOOKAHEAD,
    interval: TICK_MS,
    step(w) {
      for (const k of w.steps(LEVEL_GRID)) {
        const sec = k * LEVEL_GRID;
        const at = w.at(sec);
        if (at < w.audioNow) continue;
        const ramp = (p: { linearRampToValueAtTime(v: number, t: number): unknown }, value: number) => p.linearRampToValueAtTime(value, after(p, at));
        const t = sec * params.current.speed;
        const cy = cycleAt(t);
        const gust = 0.5 + 0.5 * Math.sin(-t * 0.55 + Math.sin(t * 0.071) * 2);
        ramp(rainGain.gain, 0.11 * cy.rain);
        ramp(windGain.gain, (0.05 + 0.08 * gust * gust) * (1 + cy.rain));
        ramp(windBP.frequency, 300 + 500 * gust);
        const swell = 0.5 + 0.5 * Math.sin(t * 0.09);
        ramp(cicadaGain.gain, 0.007 * cy.day * swell * swell * (1 - cy.rain));
      }
      for (const slot of w.steps(CHIRP_SLOT)) {
        const at = w.at(slot * CHIRP_SLOT);
        if (at < w.audioNow) continue;
        const cy = cycleAt(slot * CHIRP_SLOT * params.current.speed);
        const night = 1 - cy.day;
        if (ih(slot) < 0.4 * night * (1 - cy.rain)) {
          const f = 4100 + ih(slot + 77) * 900;
          for (let k = 0; k < 3; k++) cricket.play(f, 0.025, after(cricket, at + k * 0.032, at + k * 0.032 + 0.025), 0.5 + 0.5 * ih(slot + k));
        }
      }
      for (const slot of w.steps(BIRD_SLOT)) {
        const at = w.at(slot * BIRD_SLOT);
        if (at < w.audioNow) continue;
        const cy = cycleAt(slot * BIRD_SLOT * params.current.speed);
        const chance = cy.day > 0.4 ? 0.28 * (1 - cy.rain * 0.8) : 0.06;
        if (ih(slot * 3 + 1) < chance) bird(slot, at, 1 - cy.day);
      }
      // Visitors' calls: a rising three-note call in their own pitch.
      while (calls.current.length) {
        const c = calls.current.shift()!;
        const f = 700 + c.hue * 900;
        phrase(2, w.asap(c.sec + 0.06, 0.02), [[f, 0.03], [f * 1.5, 0.12], [f * 1.25, 0.1], [f * 2, 0.18]], 0.06);
      }
    },
  });

  // Fade out (no click), let the notes already scheduled (up to a second ahead) and the reverb
  // tail die away under the fade, then free everything.
  return () => {
    stop();
    bus.dispose([...voices.flatMap((v) => [v.osc, v.env, v.gain]), rainNoise, rainHP, rainLP, rainGain, windNoise, windBP, windGain, cicada, cicadaAM, cicadaLFO, cicadaDepth, cicadaGain, cricket], 3000);
  };
}
