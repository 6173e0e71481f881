import { addEffect, Canvas } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { probeSoftware } from '../host';
import { ScreenStage } from './ScreenStage';
import { Overlays } from './Overlays';
import { startHealth } from './health';
import type { Screen } from './session';

/** The screen: one <Canvas> for the life of the page; pieces come and go inside it. */
export function DisplayApp({ screen }: { screen: Screen }) {
  const { host, store } = screen;
  const hasView = useStore(store, (s) => !!s.view);
  // Each frame, before pieces run: the host switches if due, applies params and advances time and input.
  useEffect(() => addEffect((timestamp) => host.frame(timestamp)), [host]);
  useEffect(() => startHealth(screen), [screen]);
  const software = useMemo(probeSoftware, []);

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
        {hasView && <ScreenStage screen={screen} />}
      </Canvas>
      <Overlays screen={screen} />
    </>
  );
}
