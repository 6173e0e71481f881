import { useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import type { SoundRuntime, WallGeometry } from 'pavilion/sdk';
import { buildRuntime, type HostSnapshot, type PieceHost } from '../host';
import { HostContext } from './context';
import { Fallback } from './Fallback';
import { PieceMount } from './PieceMount';
import { WallCamera } from './WallCamera';

export interface HostStageProps {
  host: PieceHost;
  /** The host's state (useHostSnapshot, once per <Canvas>). */
  snap: HostSnapshot;
  /** This screen's part of the wall. */
  wall: WallGeometry;
  /** This screen's id (errors and memory readouts name it). */
  screen: string;
  /** The sound runtime, on the screen that plays the wall's sound; else null. */
  sound: SoundRuntime | null;
  /** What to draw while no piece runs: nothing, or the calm fallback. */
  idle?: 'nothing' | 'fallback';
}

/**
 * One screen of a host, inside its <Canvas>: the wall camera for its rectangle, and the run on
 * screen mounted with its runtime (quality resolved for this canvas), error boundary and fallback.
 */
export function HostStage({ host, snap, wall, screen, sound, idle = 'nothing' }: HostStageProps) {
  const gl = useThree((s) => s.gl);
  const size = useThree((s) => s.size);
  useEffect(() => host.attachRenderer(screen, gl), [host, screen, gl]);
  const quality = host.qualityFor(gl, size.width * size.height * gl.getPixelRatio() ** 2);
  const { run, params } = snap;
  const runtime = useMemo(() => (run ? buildRuntime(run, run.shared, { wall, params, quality, sound }) : null), [run, wall, params, quality, sound]);
  return (
    <HostContext.Provider value={host}>
      <WallCamera wall={wall} />
      {run && runtime ? (
        <PieceMount
          mountKey={run.key}
          Piece={run.module?.Component ?? null}
          failed={run.failed}
          runtime={runtime}
          params={params}
          sound={sound}
          onError={(phase, error) => host.fail(phase, error, run.key, screen)}
        />
      ) : (
        idle === 'fallback' && <Fallback />
      )}
    </HostContext.Provider>
  );
}
