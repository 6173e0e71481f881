import type { SoundRuntime } from 'pavilion/sdk';
import { localNow } from '../core/connection';
import { previewStore, startedAt } from './state';
import { patchTone } from '../display/tone-fixes';

let engine: { Tone: typeof import('tone'); output: import('tone').Gain } | null = null;

/** Starts Tone.js (needs the click that calls it: browsers block audio until a gesture). */
export async function startSound(): Promise<void> {
  previewStore.setState({ sound: 'starting' });
  try {
    const Tone = await import('tone');
    patchTone(Tone);
    await Tone.start();
    engine ??= { Tone, output: new Tone.Gain(0.8).toDestination() };
    previewStore.setState({ sound: Tone.getContext().state === 'running' ? 'on' : 'blocked' });
  } catch {
    previewStore.setState({ sound: 'blocked' });
  }
}

export function stopSound(): void {
  previewStore.setState({ sound: 'off' });
}

/** What the first simulated screen (the one that plays the wall's sound) gives the piece. */
export function soundRuntime(): SoundRuntime | null {
  if (!engine || previewStore.getState().sound !== 'on') return null;
  const { Tone, output } = engine;
  return {
    Tone,
    output,
    startedAt: startedAt(),
    audioTime: (showMs) => Tone.immediate() + (showMs - localNow()) / 1000,
  };
}
