import { useCallback } from 'react';
import { useStore } from 'zustand';
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
  const ref = useCallback(
    (iframe: HTMLIFrameElement | null) => {
      if (!iframe) return;
      const link = relay.link?.origin === origin ? relay.link : relay.connect(origin);
      link.attach(iframe);
    },
    [relay, origin],
  );
  return (
    <iframe
      ref={ref}
      className="stage"
      title="piece"
      src={`${origin}/stage`}
      // Its own origin stays (allow-same-origin keeps the stage origin, never this page's): no popups, no top navigation, no forms.
      sandbox="allow-scripts allow-same-origin"
      allow="autoplay; fullscreen"
      referrerPolicy="no-referrer"
      onLoad={() => relay.frameLoaded()}
    />
  );
}
