import { Canvas } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import type { WebGLRenderer } from 'three';
import { PieceHost } from './PieceHost';
import { Overlays } from './Overlays';
import { displayStore } from './store';
import { startHealth, type DisplaySocket } from './session';
import { startFrameClock } from './frame';
import { reportError } from './report';
import { probeSoftware } from './quality';

const SOFTWARE = probeSoftware();
import type { ClockSync } from '../core/clock-sync';

/** The screen: one <Canvas> for the life of the page; pieces come and go inside it. */
export function DisplayApp({ socket, clock }: { socket: DisplaySocket; clock: ClockSync }) {
  const glRef = useRef<WebGLRenderer | null>(null);
  const hasView = useStore(displayStore, (s) => !!s.view);
  useEffect(() => startFrameClock(clock), [clock]);
  useEffect(() => startHealth(socket, clock, () => glRef.current), [socket, clock]);

  return (
    <>
      <Canvas
        dpr={Math.min(window.devicePixelRatio || 1, 2)}
        camera={{ position: [0, 0, 10], fov: 40, near: 0.1, far: 500 }}
        gl={{ antialias: !SOFTWARE, powerPreference: 'high-performance', preserveDrawingBuffer: false }}
        onCreated={({ gl }) => {
          glRef.current = gl;
          gl.setClearColor('#000000');
          const canvas = gl.domElement;
          canvas.addEventListener('webglcontextlost', () => reportError({ installationId: null, version: null, phase: 'context', error: new Error('WebGL context lost; waiting for the browser to restore it') }));
          canvas.addEventListener('webglcontextrestored', () => displayStore.setState((s) => ({ view: s.view ? { ...s.view } : s.view })));
        }}
      >
        {hasView && <PieceHost />}
      </Canvas>
      <Overlays clock={clock} />
    </>
  );
}
