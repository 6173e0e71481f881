import { Canvas } from '@react-three/fiber';
import { useMemo } from 'react';
import type { ScreenRect, SoundRuntime } from 'pavilion/sdk';
import { simulatedGeometry } from '../host';
import { HostStage, useHostSnapshot } from '../mount';
import type { PreviewPage } from './page';

export interface SimWall {
  width: number;
  height: number;
  screens: ScreenRect[];
}

/**
 * One simulated screen: its own <Canvas> (as a real screen has), the wall camera for its rectangle,
 * and the host's piece mounted exactly as on a screen.
 */
export function Stage({ page, wall, screen, sound }: { page: PreviewPage; wall: SimWall; screen: ScreenRect; sound: SoundRuntime | null }) {
  return (
    <div className="stage" style={{ aspectRatio: `${screen.w} / ${screen.h}` }} data-screen={screen.id}>
      <Canvas
        dpr={1}
        camera={{ position: [0, 0, 10], fov: 40, near: 0.1, far: 500 }}
        gl={{ antialias: true, preserveDrawingBuffer: false }}
        onCreated={({ gl }) => gl.setClearColor('#000000')}
      >
        <StageContent page={page} wall={wall} screen={screen} sound={sound} />
      </Canvas>
    </div>
  );
}

function StageContent({ page, wall, screen, sound }: { page: PreviewPage; wall: SimWall; screen: ScreenRect; sound: SoundRuntime | null }) {
  const snap = useHostSnapshot(page.host);
  const geometry = useMemo(() => simulatedGeometry('preview', wall.width, wall.height, screen, wall.screens), [wall, screen]);
  return <HostStage host={page.host} snap={snap} wall={geometry} screen={screen.id} sound={sound} idle="fallback" />;
}
