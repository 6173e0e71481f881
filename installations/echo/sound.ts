import { createSoundBus, createVoices, scheduleByShowTime, type ShowTime, type SoundRuntime } from 'pavilion/sdk';
import type { Timing, WordSpec } from './layout';

const SCALE = [0, 3, 5, 7, 10];

/**
 * Each echo is a soft FM blip that sounds when the echo appears, each repeat quieter and a
 * little flatter than the last, like tape. The SDK's show-time scheduler plays the echoes of the
 * next ~250 ms at the audio time of their show time.
 */
export function playEchoes(
  s: SoundRuntime,
  time: Readonly<ShowTime>,
  words: { current: WordSpec[] },
  getTiming: () => Timing,
): () => void {
  const { Tone } = s;
  const bus = createSoundBus(s, { reverb: { decay: 7, wet: 0.5 } });
  const filter = new Tone.BiquadFilter({ type: 'lowpass', frequency: 2600, Q: 0.4 }).connect(bus.wet);
  // Tone's FMSynth sound, each blip a few native nodes that exist while it sounds (createVoices).
  const synth = createVoices(s, {
    volume: -16, maxPolyphony: 16,
    fm: { harmonicity: 2.01, modulationIndex: 5, envelope: { attack: 0.002, decay: 0.2, sustain: 0, release: 0.3 } },
    envelope: { attack: 0.004, decay: 0.35, sustain: 0, release: 0.5 },
  }).connect(filter);
  const hum = new Tone.ToneOscillatorNode(55, 'sine');
  const humLevel = new Tone.Gain(Tone.dbToGain(-34)).connect(filter);
  hum.connect(humLevel).start();

  const stop = scheduleByShowTime(s, time, {
    name: 'echo',
    step(w) {
      const tm = getTiming();
      for (const word of words.current) {
        for (let j = 0; j < tm.count; j++) {
          const onset = word.birth + j * tm.delay;
          if (!w.once(`${word.key}:${j}`, onset, 0.15)) continue;
          const deg = SCALE[word.seed % SCALE.length] ?? 0;
          const midi = 62 + deg + 12 * ((word.seed >>> 5) % 2) - (word.visitor ? 0 : 12);
          const hz = 440 * Math.pow(2, (midi - 69) / 12) * Math.pow(2, (-j * 9) / 1200);
          const vel = Math.pow(tm.decay, j) * (word.visitor ? 0.9 : 0.45);
          if (vel > 0.03) synth.play(hz, 0.25, w.asap(onset), vel);
        }
      }
    },
  });
  return () => {
    stop();
    bus.dispose([hum, humLevel, synth, filter], 2500);
  };
}
