import { createSoundBus, createVoices, scheduleByShowTime, type ShowTime, type SoundRuntime } from 'pavilion/sdk';

export interface Knock {
  /** Piece seconds of the knock; x, y in wall units (height 1); the storey it hit. */
  sec: number;
  x: number;
  y: number;
  r: number;
  g: number;
  b: number;
}

/** One low chord per scene, in the order of SCENES in index.tsx. */
const CHORDS = [
  ['D2', 'A2', 'E3', 'F#3'],
  ['B1', 'F#2', 'D3', 'A3'],
  ['G1', 'D2', 'B2', 'F#3'],
  ['E2', 'B2', 'D3', 'G3'],
  ['A1', 'E2', 'C#3', 'G3'],
];
const KNOCK_NOTES = ['D4', 'E4', 'F#4', 'A4', 'B4', 'D5', 'E5'];

/**
 * A soft drone that changes chord with each scene (scheduled at the scene's show time, with
 * lookahead), and a wooden knock, pitched by storey, for each visitor's knock.
 */
export function playFacade(
  s: SoundRuntime,
  time: Readonly<ShowTime>,
  getSceneLen: () => number,
  knocks: { current: Knock[] },
): () => void {
  const { Tone } = s;
  const bus = createSoundBus(s, { reverb: { decay: 6, wet: 0.45 } });
  const droneFilter = new Tone.BiquadFilter({ type: 'lowpass', frequency: 600, Q: 0.5 }).connect(bus.wet);
  // Tone's Synth, MembraneSynth and NoiseSynth sounds, each note a few native nodes that exist
  // while it sounds (createVoices).
  const hz = (note: string) => Tone.Frequency(note).toFrequency();
  const drone = createVoices(s, {
    wave: 'sawtooth', volume: -30,
    envelope: { attack: 3, decay: 1, sustain: 0.8, release: 4 },
  }).connect(droneFilter);
  const wood = createVoices(s, {
    membrane: { pitchDecay: 0.008, octaves: 2 }, volume: -10, mono: true,
    envelope: { attack: 0.001, decay: 0.16, sustain: 0, release: 0.05 },
  }).connect(bus.wet);
  const click = createVoices(s, {
    noise: 'brown', volume: -20, mono: true, envelope: { attack: 0.001, decay: 0.03, sustain: 0 },
  }).connect(bus.wet);

  let lastScene = -1;
  let lastKnock = 0;
  const stop = scheduleByShowTime(s, time, {
    name: 'facade',
    step(w) {
      const len = getSceneLen();
      // The scene that has started (a drone with a 3 s attack needs no lookahead, and triggering
      // only in the present leaves no pending voice behind when the piece is switched off).
      const scene = Math.floor(w.now / len);
      if (scene !== lastScene) {
        const chord = CHORDS[((scene % CHORDS.length) + CHORDS.length) % CHORDS.length] ?? CHORDS[0]!;
        for (const note of chord) drone.play(hz(note), Math.max(2, len - 2), w.audioNow + 0.01, 0.6);
        lastScene = scene;
      }
      for (const k of knocks.current) {
        if (!w.once(k, k.sec, 0.3)) continue;
        // Mono synths need strictly rising start times, even when two visitors knock at once.
        const at = Math.max(w.asap(k.sec), lastKnock + 0.03);
        lastKnock = at;
        const storey = Math.max(0, Math.min(KNOCK_NOTES.length - 1, Math.floor((k.y + 0.5) * KNOCK_NOTES.length)));
        wood.play(hz(KNOCK_NOTES[storey] ?? 'A4'), 0.12, at);
        click.hit(0.02, at);
      }
    },
  });
  return () => {
    stop();
    drone.releaseAll();
    bus.dispose([drone, droneFilter, wood, click], 5500);
  };
}
