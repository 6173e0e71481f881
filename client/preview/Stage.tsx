import { Canvas, useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import type { WebGLRenderer } from 'three';
import type { PieceRuntime, ScreenRect, SoundRuntime, WallGeometry } from 'pavilion/sdk';
import { PieceMount } from '../display/PieceMount';
import { WallCamera } from '../display/WallCamera';
import { resolveQuality } from '../display/quality';
import { previewStore, previewTime, previewVisitors, reportPreviewError } from './state';

/** Renderers of the simulated screens, for the GPU memory readout. */
export const renderers = new Map<string, WebGLRenderer>();

export interface SimWall {
  width: number;
  height: number;
  screens: ScreenRect[];
}

/**
 * One simulated screen: its own <Canvas> (as a real screen has), the wall camera for its rectangle,
 * and the piece mounted with the same host semantics as the display.
 */
export function Stage({ wall, screen, sound }: { wall: SimWall; screen: ScreenRect; sound: SoundRuntime | null }) {
  return (
    <div className="stage" style={{ aspectRatio: `${screen.w} / ${screen.h}` }} data-screen={screen.id}>
      <Canvas
        dpr={1}
        camera={{ position: [0, 0, 10], fov: 40, near: 0.1, far: 500 }}
        gl={{ antialias: true, preserveDrawingBuffer: false }}
        onCreated={({ gl }) => gl.setClearColor('#000000')}
      >
        <StageContent wall={wall} screen={screen} sound={sound} />
      </Canvas>
    </div>
  );
}

function StageContent({ wall, screen, sound }: { wall: SimWall; screen: ScreenRect; sound: SoundRuntime | null }) {
  const gl = useThree((s) => s.gl);
  const size = useThree((s) => s.size);
  const piece = useStore(previewStore, (s) => s.piece);
  const module = useStore(previewStore, (s) => s.module);
  const params = useStore(previewStore, (s) => s.params);
  const failed = useStore(previewStore, (s) => s.failed);
  const run = useStore(previewStore, (s) => s.run);

  useEffect(() => {
    renderers.set(screen.id, gl);
    return () => void renderers.delete(screen.id);
  }, [gl, screen.id]);

  const geometry = useMemo<WallGeometry>(
    () => ({ wallId: 'preview', width: wall.width, height: wall.height, aspect: wall.width / wall.height, screen, screens: wall.screens }),
    [wall, screen],
  );
  const quality = resolveQuality(params.quality, gl, size.width * size.height * gl.getPixelRatio() ** 2);
  const id = piece?.id ?? 'preview';
  const runtime = useMemo<PieceRuntime>(
    () => ({
      installationId: id,
      manifest: module?.manifest ?? { id, title: id, artist: '', description: '', params: {} },
      time: previewTime,
      wall: geometry,
      params,
      visitors: previewVisitors,
      seed: `preview:${id}:${run}`,
      quality,
      sound,
      reportProgress(loaded, total) {
        previewStore.setState({ progress: total > 0 && loaded < total ? loaded / total : null });
      },
      reportError: (phase, error) => reportPreviewError(screen.id, phase, error, false),
      fail: (phase, error) => reportPreviewError(screen.id, phase, error, true),
    }),
    [id, module, geometry, params, run, quality, sound, screen.id],
  );

  return (
    <>
      <WallCamera wall={geometry} />
      <PieceMount
        mountKey={`${id}:${run}`}
        Piece={module?.Component ?? null}
        failed={failed || !module}
        runtime={runtime}
        params={params}
        sound={sound}
        onError={(phase, error) => reportPreviewError(screen.id, phase, error)}
      />
    </>
  );
}
