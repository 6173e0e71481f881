import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { SoundRuntime } from 'pavilion/sdk';
import type { ClockSync } from '../core/clock-sync';
import { displayStore } from './store';
import { patchTone } from './tone-fixes';

type ToneModule = typeof import('tone');

interface AudioEngine {
  Tone: ToneModule;
  output: import('tone').Gain;
  /** Smoothed (audio context time − local performance time), in seconds. */
  audioMinusLocal: number;
}

let engine: AudioEngine | null = null;
let enginePromise: Promise<AudioEngine> | null = null;
let clockRef: ClockSync | null = null;
const listeners = new Set<() => void>();

export function setAudioClock(clock: ClockSync): void {
  clockRef = clock;
}

/** Loads Tone.js (its own chunk) and tries to start audio; blocked until a gesture if the browser says so. */
function ensureEngine(): Promise<AudioEngine> {
  if (!enginePromise)
    enginePromise = import('tone').then(async (Tone) => {
      patchTone(Tone); // Tone 15 leaks native nodes on dispose (tone-fixes.ts)
      const output = new Tone.Gain(0).toDestination();
      const e: AudioEngine = { Tone, output, audioMinusLocal: 0 };
      const resample = () => {
        const ctx = Tone.getContext().rawContext as AudioContext;
        if (typeof ctx.getOutputTimestamp !== 'function') {
          e.audioMinusLocal = ctx.currentTime - (performance.timeOrigin + performance.now()) / 1000;
          return;
        }
        const ts = ctx.getOutputTimestamp();
        if (ts.contextTime === undefined || ts.performanceTime === undefined || ts.performanceTime === 0) return;
        const sample = ts.contextTime - (performance.timeOrigin + ts.performanceTime) / 1000;
        // Re-mapped continuously: the audio clock drifts from the system clock (~17 ppm).
        e.audioMinusLocal = e.audioMinusLocal === 0 ? sample : e.audioMinusLocal + 0.2 * (sample - e.audioMinusLocal);
      };
      setInterval(resample, 500);
      await tryStart(Tone);
      resample();
      engine = e;
      for (const l of listeners) l();
      return e;
    });
  return enginePromise;
}

async function tryStart(Tone: ToneModule): Promise<void> {
  const started = Promise.race([Tone.start().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 800))]);
  const ok = (await started) && Tone.getContext().state === 'running';
  displayStore.setState({ soundBlocked: !ok });
}

/** Called from the "tap to enable sound" button: a user gesture. */
export async function unlockAudio(): Promise<void> {
  const e = await ensureEngine();
  await tryStart(e.Tone);
}

/** The sound runtime for the piece on screen, or null if this screen plays no sound. */
export function useSoundRuntime(startedAt: number | null): SoundRuntime | null {
  const audio = useStore(displayStore, (s) => s.view?.audio ?? false);
  const volume = useStore(displayStore, (s) => (s.view ? (s.view.screen.blackout ? 0 : s.view.volume) : 0));
  const blocked = useStore(displayStore, (s) => s.soundBlocked);
  const [ready, setReady] = useState(engine !== null);

  useEffect(() => {
    if (!audio) return;
    const l = () => setReady(true);
    listeners.add(l);
    void ensureEngine();
    return () => void listeners.delete(l);
  }, [audio]);

  useEffect(() => {
    if (engine) engine.output.gain.rampTo(audio ? volume : 0, 0.3);
  }, [audio, volume, ready]);

  return useMemo(() => {
    if (!audio || !ready || !engine || blocked || startedAt === null || !clockRef) return null;
    const e = engine;
    const clock = clockRef;
    return {
      Tone: e.Tone,
      output: e.output,
      startedAt,
      audioTime(showMs: number) {
        const local = showMs - clock.estimate().offsetMs;
        return local / 1000 + e.audioMinusLocal;
      },
    };
  }, [audio, ready, blocked, startedAt]);
}
