import { addEffect, Canvas } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import type { ScreenRect, SoundRuntime } from 'pavilion/sdk';
import { simulatedGeometry } from '../host';
import { HostStage, useHostSnapshot } from '../mount';
import type { StagePreviewRun } from './preview';

interface SimWall {
  width: number;
  height: number;
  screens: ScreenRect[];
}

const SINGLE: SimWall = { width: 1920, height: 1080, screens: [{ id: 'preview-1', x: 0, y: 0, w: 1920, h: 1080 }] };
const SPAN: SimWall = {
  width: 5760,
  height: 1080,
  screens: [0, 1, 2].map((i) => ({ id: `preview-${i + 1}`, x: i * 1920, y: 0, w: 1920, h: 1080 })),
};

/** The preview's simulated screens: one <Canvas> each (as real screens have), one host and one clock for all. */
export function PreviewStage({ preview }: { preview: StagePreviewRun }) {
  const { host, store, sound: engine } = preview;
  const span = useStore(store, (s) => s.state?.span ?? false);
  const soundOn = useStore(store, (s) => s.soundOn);
  const snap = useHostSnapshot(host);
  // One runtime; each run gets its own bus on it (client/mount/RunSlot.tsx), with its own start.
  const sound = useMemo<SoundRuntime | null>(() => (soundOn ? engine.runtime(0, (showMs) => showMs) : null), [soundOn, engine]);
  useEffect(() => addEffect((timestamp) => host.frame(timestamp)), [host]);
  const wall = span ? SPAN : SINGLE;
  return (
    <div className={`stages ${span ? 'span' : 'single'}`}>
      {wall.screens.map((screen, i) => (
        <div key={screen.id} className="sim" data-screen={screen.id}>
          <Canvas dpr={1} camera={{ position: [0, 0, 10], fov: 40, near: 0.1, far: 500 }} gl={{ antialias: true, preserveDrawingBuffer: false }} onCreated={({ gl }) => gl.setClearColor('#000000')}>
            <SimScreen preview={preview} wall={wall} screen={screen} sound={i === 0 ? sound : null} />
          </Canvas>
        </div>
      ))}
    </div>
  );
}

function SimScreen({ preview, wall, screen, sound }: { preview: StagePreviewRun; wall: SimWall; screen: ScreenRect; sound: SoundRuntime | null }) {
  const snap = useHostSnapshot(preview.host);
  const geometry = useMemo(() => simulatedGeometry('preview', wall.width, wall.height, screen, wall.screens), [wall, screen]);
  return <HostStage host={preview.host} snap={snap} wall={geometry} screen={screen.id} sound={sound} idle="fallback" />;
}
