import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { SoundRuntime } from 'pavilion/sdk';
import type { StageScreen } from './screen';

/** The sound runtime for the run on screen (started at `startedAt`), or null if this screen plays no sound. */
export function useSoundRuntime({ store, sound: engine, clock }: StageScreen, startedAt: number | null): SoundRuntime | null {
  const audio = useStore(store, (s) => s.view?.audio ?? false);
  const volume = useStore(store, (s) => (s.view ? (s.view.screen.blackout ? 0 : s.view.volume) : 0));
  const blocked = useStore(store, (s) => s.soundBlocked);
  const [ready, setReady] = useState(engine.ready);

  useEffect(() => {
    if (!audio) return;
    const off = engine.onReady(() => setReady(true));
    void engine.ensure();
    return off;
  }, [audio, engine]);

  useEffect(() => {
    engine.setVolume(audio ? volume : 0, 0.3);
  }, [audio, volume, ready, engine]);

  return useMemo(() => {
    if (!audio || !ready || blocked || startedAt === null) return null;
    return engine.runtime(startedAt, (showMs) => clock.toLocalTime(showMs));
  }, [audio, ready, blocked, startedAt, engine, clock]);
}
