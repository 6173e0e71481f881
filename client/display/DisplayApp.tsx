import { useCallback } from 'react';
import { useStore } from 'zustand';
import { StageIframe } from '../shared/StageIframe';
import { Overlays } from './Overlays';
import type { Screen } from './session';

/**
 * The screen: the stage frame (the pieces run there, on the stage origin, out of reach of this
 * page's key and socket; docs/security.md) and this page's overlays above it.
 */
export function DisplayApp({ screen }: { screen: Screen }) {
  const origin = useStore(screen.store, (s) => s.stageOrigin);
  return (
    <>
      {origin && <StageFrame screen={screen} origin={origin} />}
      <Overlays screen={screen} />
    </>
  );
}

function StageFrame({ screen, origin }: { screen: Screen; origin: string }) {
  const { relay } = screen;
  const link = useCallback(() => (relay.link?.origin === origin ? relay.link : relay.connect(origin)), [relay, origin]);
  return <StageIframe origin={origin} link={link} className="stage" title="piece" onLoad={() => relay.frameLoaded()} xr />;
}
