import { createSoundBus, createVoices, scheduleByShowTime, type ShowTime, type SoundRuntime } from 'pavilion/sdk';
import { midiToHz, stepSeconds, type Step } from './score';

export interface Pulse {
  /** Piece seconds of the beat the strobe fires on. */
  sec: number;
  r: number;
  g: number;
  b: number;
}

/**
 * Plays the score with the SDK's show-time scheduler: every 50 ms it schedules the steps of the
 * next ~250 ms at the audio time of their show time, so notes land with the picture's cuts.
 * Returns the dispose function useSound expects.
 */
export function playScore(
  s: SoundRuntime,
  timeline: Step[],
  time: Readonly<ShowTime>,
  getBpm: () => number,
  pulses: { current: Pulse[] },
): () => void {
  const { Tone } = s;

  const bus = createSoundBus(s, { level: 0.8, reverb: { decay: 5, wet: 0.35 } });
  const { dry, wet: reverb } = bus;
  // Tone.FeedbackDelay (0.3 s, feedback 0.38, wet 0.28) in five native nodes: a delay line fed
  // back through a Gain, and its equal-power mix of dry and wet as fixed Gains (Tone's CrossFade
  // runs three ConstantSourceNodes and a wave shaper for a mix that never moves).
  const delayIn = new Tone.Gain(1);
  const delay = new Tone.Delay({ delayTime: 0.3, maxDelay: 1 });
  const feedback = new Tone.Gain(0.38);
  const delayWet = new Tone.Gain(Math.sin((0.28 * Math.PI) / 2)).connect(reverb);
  const delayDry = new Tone.Gain(Math.cos((0.28 * Math.PI) / 2)).connect(reverb);
  delayIn.fan(delayDry, delay);
  delay.fan(feedback, delayWet);
  feedback.connect(delay);

  // Tone's MembraneSynth, NoiseSynth, MonoSynth, Synth and PolySynth sounds, each note a few native
  // nodes that exist while it sounds (createVoices).
  const kick = createVoices(s, {
    membrane: { pitchDecay: 0.045, octaves: 6 }, volume: -5, mono: true,
    envelope: { attack: 0.001, decay: 0.38, sustain: 0, release: 0.1 },
  }).connect(dry);
  const hatFilter = new Tone.BiquadFilter({ type: 'highpass', frequency: 7500 }).connect(reverb);
  const hat = createVoices(s, {
    noise: 'white', volume: -24, mono: true,
    envelope: { attack: 0.001, decay: 0.045, sustain: 0, release: 0.02 },
  }).connect(hatFilter);
  const bass = createVoices(s, {
    wave: 'sawtooth', volume: -14, mono: true,
    filter: { Q: 3, type: 'lowpass', rolloff: -24, baseFrequency: 90, octaves: 3.2, envelope: { attack: 0.002, decay: 0.18, sustain: 0.2, release: 0.2 } },
    envelope: { attack: 0.004, decay: 0.2, sustain: 0.4, release: 0.15 },
  }).connect(dry);
  const lead = createVoices(s, {
    wave: 'square', volume: -22, mono: true,
    envelope: { attack: 0.003, decay: 0.16, sustain: 0.1, release: 0.3 },
  }).connect(delayIn);
  const padFilter = new Tone.BiquadFilter({ type: 'lowpass', frequency: 1100, Q: 0.6 }).connect(reverb);
  const pad = createVoices(s, {
    wave: 'triangle', volume: -20,
    envelope: { attack: 0.6, decay: 0.4, sustain: 0.7, release: 1.6 },
  }).connect(padFilter);
  const strobeNoise = createVoices(s, {
    noise: 'pink', volume: -14, mono: true,
    envelope: { attack: 0.002, decay: 0.7, sustain: 0, release: 0.2 },
  }).connect(reverb);
  const strobeBoom = createVoices(s, { membrane: { pitchDecay: 0.2, octaves: 3 }, volume: -8, mono: true }).connect(reverb);

  let lastStrobe = 0;
  const stop = scheduleByShowTime(s, time, {
    name: 'laser-score',
    step(w) {
      const dt = stepSeconds(getBpm());
      delay.delayTime.value = dt * 3;
      for (const k of w.steps(dt)) {
        const at = w.at(k * dt);
        if (k < 0 || at < w.audioNow) continue;
        const st = timeline[k % timeline.length] as Step;
        if (st.kick) kick.play(42, 0.3, at);
        if (st.hat) hat.hit(0.04, at, k % 4 === 2 ? 1 : 0.55);
        if (st.bass !== null) bass.play(midiToHz(st.bass), dt * 1.6, at);
        if (st.lead !== null) lead.play(midiToHz(st.lead), dt * 1.2, at);
        if (st.pad) for (const note of st.pad) pad.play(midiToHz(note), dt * 15, at, 0.5);
      }
      for (const p of pulses.current) {
        if (!w.once(p, p.sec, 2)) continue;
        const at = w.asap(p.sec);
        // Several visitors may ask for the same beat: one strobe is enough (and mono synths need rising times).
        if (at < lastStrobe + 0.05) continue;
        lastStrobe = at;
        strobeNoise.hit(0.5, at);
        strobeBoom.play(55, 0.4, at);
      }
    },
  });

  return () => {
    stop();
    pad.releaseAll();
    bus.dispose([kick, hat, hatFilter, bass, lead, pad, padFilter, strobeNoise, strobeBoom, delayIn, delay, feedback, delayWet, delayDry], 4500);
  };
}
