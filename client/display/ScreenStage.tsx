import { useMemo } from 'react';
import { useStore } from 'zustand';
import { geometryOf } from '../host';
import { HostStage, useHostSnapshot } from '../mount';
import { useSoundRuntime } from './audio';
import type { Screen } from './session';

/**
 * The screen's stage inside its persistent <Canvas>: the host's run on screen, spanning this
 * screen's part of the wall, with the wall's sound if this screen plays it.
 */
export function ScreenStage({ screen }: { screen: Screen }) {
  const view = useStore(screen.store, (s) => s.view);
  const snap = useHostSnapshot(screen.host);
  const wall = useMemo(() => (view ? geometryOf(view) : null), [view]);
  const run = snap.run;
  const sound = useSoundRuntime(screen, run && !run.failed ? run.startedAt : null);
  if (!view || !wall) return null;
  return <HostStage host={screen.host} snap={snap} wall={wall} screen={view.screen.id} sound={sound} />;
}
