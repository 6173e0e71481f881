import { useCallback, type CSSProperties } from 'react';
import type { StageLink } from './stage-link';

/**
 * The stage frame element both pages embed: `/stage` on the stage origin. Its own origin stays
 * (allow-same-origin keeps the stage origin, never the page's): no popups, no top navigation, no
 * forms. `link()` gives the bridge the frame talks on (made once per origin by the page).
 */
export function StageIframe({ origin, link, className, title, style, onLoad, xr = false }: { origin: string; link: () => StageLink; className: string; title: string; style?: CSSProperties; onLoad?: () => void; xr?: boolean }) {
  const ref = useCallback((iframe: HTMLIFrameElement | null) => void (iframe && link().attach(iframe)), [link]);
  return (
    <iframe
      ref={ref}
      className={className}
      title={title}
      // A screen's stage may run a VR session (docs/vr.md): WebXR in a frame needs xr-spatial-tracking
      // delegated to it; `xr=emulate` on the page's address asks the stage for the emulator (tests).
      src={`${origin}/stage${xr && new URLSearchParams(window.location.search).get('xr') === 'emulate' ? '?xr=emulate' : ''}`}
      sandbox="allow-scripts allow-same-origin"
      allow={xr ? "autoplay; fullscreen; xr-spatial-tracking" : "autoplay; fullscreen"}
      referrerPolicy="no-referrer"
      {...(style ? { style } : {})}
      {...(onLoad ? { onLoad } : {})}
    />
  );
}
