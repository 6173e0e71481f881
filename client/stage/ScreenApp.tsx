import { addEffect, Canvas } from '@react-three/fiber';
import { lazy, Suspense, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { geometryOf, probeSoftware } from '../host';
import { HostStage, useHostSnapshot } from '../mount';
import { OutputStage } from '../mount/OutputStage';
import { useSoundRuntime } from './audio';
import { startHealth } from './health';
import { startThumbnails } from './thumbnails';
import type { StageScreen } from './screen';
import { useStageLights } from './lights';
import { LightsContext } from '../../sdk/lights';

// VR stations (client/xr, docs/vr.md): loaded only by a screen whose view says it is one.
const XrStage = lazy(() => import('../xr').then((m) => ({ default: m.XrStage })));
const XrOverlay = lazy(() => import('../xr').then((m) => ({ default: m.XrOverlay })));

/** The screen's picture: one <Canvas> for the life of the stage; pieces come and go inside it. */
export function ScreenApp({ screen }: { screen: StageScreen }) {
  const { host, store, bridge } = screen;
  const hasView = useStore(store, (s) => !!s.view);
  // Each frame, before pieces run: the host switches if due, applies params and advances time and input.
  useEffect(() => addEffect((timestamp) => host.frame(timestamp)), [host]);
  useEffect(() => startHealth(screen), [screen]);
  // A VR station in a session mirrors what the viewer sees instead of its canvas (client/xr/mirror.ts).
  useEffect(() => startThumbnails(bridge, () => screen.xr?.thumbnails() ?? null), [bridge, screen]);
  const software = useMemo(probeSoftware, []);
  // A VR station (docs/vr.md): the same canvas and host, with the XR session around the stage.
  const vr = useStore(store, (s) => s.view?.screen.kind === 'vr');

  return (
    <>
      <Canvas
        dpr={Math.min(window.devicePixelRatio || 1, 2)}
        camera={{ position: [0, 0, 10], fov: 40, near: 0.1, far: 500 }}
        gl={{ antialias: !software, powerPreference: 'high-performance', preserveDrawingBuffer: false }}
        onCreated={({ gl }) => {
          gl.setClearColor('#000000');
          const canvas = gl.domElement;
          canvas.addEventListener('webglcontextlost', () =>
            host.report({ installationId: null, version: null, phase: 'context', error: new Error('WebGL context lost; waiting for the browser to restore it') }),
          );
          canvas.addEventListener('webglcontextrestored', () => store.setState((s) => ({ view: s.view ? { ...s.view } : s.view })));
        }}
      >
        {hasView && (vr ? <Suspense fallback={null}><XrStage screen={screen}><ScreenStage screen={screen} /></XrStage></Suspense> : <ScreenStage screen={screen} />)}
      </Canvas>
      <StageOverlays screen={screen} />
      {vr && <Suspense fallback={null}><XrOverlay screen={screen} /></Suspense>}
    </>
  );
}

/** The host's run on screen, spanning this screen's part of the wall, with the wall's sound if this screen plays it. */
function ScreenStage({ screen }: { screen: StageScreen }) {
  const view = useStore(screen.store, (s) => s.view);
  const snap = useHostSnapshot(screen.host);
  const wall = useMemo(() => (view ? geometryOf(view) : null), [view]);
  // Each run gets its own bus on this runtime (client/mount/RunSlot.tsx), warmed silent before its cue.
  const sound = useSoundRuntime(screen, 0);
  const lights = useStageLights(screen); // the piece's useLights(), sent on while this screen plays the wall's sound
  if (!view || !wall) return null;
  return (
    <LightsContext.Provider value={lights}>
      <HostStage host={screen.host} snap={snap} wall={wall} screen={view.screen.id} sound={sound} />
      {/* After the compositor: corner-pin, warp, blend, colour, mask, test patterns (docs/projection.md). */}
      <OutputStage view={view} />
    </LightsContext.Provider>
  );
}

/** What the stage itself draws over its canvas: the preload bar, and the sound button (it needs a tap inside this frame). */
function StageOverlays({ screen }: { screen: StageScreen }) {
  const { host, store, sound } = screen;
  const preload = useSyncExternalStore(
    (fn) => host.subscribe(fn),
    () => host.snapshot().progress,
  );
  const audio = useStore(store, (s) => s.view?.audio ?? false);
  const blocked = useStore(store, (s) => s.soundBlocked);
  return (
    <>
      {preload && preload.progress < 1 && (
        <div className="preload" aria-label={`loading ${preload.installationId}`}>
          <div style={{ width: `${Math.round(preload.progress * 100)}%` }} />
        </div>
      )}
      {audio && blocked && (
        <button className="sound-button" onClick={() => void sound.unlock()}>
          Tap to enable sound
        </button>
      )}
    </>
  );
}
