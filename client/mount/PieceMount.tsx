import { Suspense, useEffect, useState, type ComponentType } from 'react';
import { useThree } from '@react-three/fiber';
import type { PieceRuntime, SoundRuntime } from 'pavilion/sdk';
import { ParamsContext, PieceRuntimeContext, SoundContext } from '../../sdk/runtime';
import type { ParamValues, PieceError } from '../../protocol';
import { PieceBoundary } from './ErrorBoundary';
import { Fallback } from './Fallback';
import { ownTimeout } from '../core/own-time';

/**
 * A piece that suspends (drei's useTexture, useGLTF…) this long of the page's own time
 * (client/core/own-time.ts: on a starved page, longer by the clock) is reported and replaced.
 */
export const SUSPEND_LIMIT_MS = 30_000;

export interface PieceMountProps {
  /** Changes whenever another piece (or another run of it) takes the stage. */
  mountKey: string;
  Piece: ComponentType | null;
  failed: boolean;
  runtime: PieceRuntime;
  params: ParamValues;
  sound: SoundRuntime | null;
  /** A failure the mount caught: the host reports it and marks the piece failed. */
  onError: (phase: PieceError['phase'], error: unknown) => void;
  /** The piece's tree has mounted: everything it suspends on (assets) has resolved. */
  onMounted?: () => void;
}

/**
 * Mounts one piece the way every host does (display, preview): its runtime, params and sound in
 * context, an error boundary, a Suspense boundary that gives up after SUSPEND_LIMIT_MS, the calm
 * fallback in place of a failed piece, and a fresh mount after the WebGL context comes back.
 */
export function PieceMount({ mountKey, Piece, failed, runtime, params, sound, onError, onMounted }: PieceMountProps) {
  const generation = useContextGeneration();
  if (generation < 0) return null; // context lost: nothing to draw into until it is restored
  return (
    <PieceRuntimeContext.Provider value={runtime}>
      <ParamsContext.Provider value={params}>
        <SoundContext.Provider value={sound}>
          {Piece && !failed ? (
            <PieceBoundary key={`${mountKey}#${generation}`} fallback={<Fallback />} onError={(error) => onError('render', error)}>
              <Suspense fallback={<StillLoading onTimeout={(wallMs) => onError('asset', new Error(stillLoadingMessage(wallMs)))} />}>
                <Piece />
                <Mounted onMounted={onMounted} />
              </Suspense>
            </PieceBoundary>
          ) : (
            <>
              <Fallback key={`fallback#${generation}`} />
              <Mounted onMounted={onMounted} />
            </>
          )}
        </SoundContext.Provider>
      </ParamsContext.Provider>
    </PieceRuntimeContext.Provider>
  );
}

/** Rendered after the piece inside its Suspense boundary: its effect runs once the piece has mounted. */
function Mounted({ onMounted }: { onMounted: (() => void) | undefined }) {
  useEffect(() => {
    onMounted?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return null;
}

/** What a piece still loading after SUSPEND_LIMIT_MS of the page's own time reports; `wallMs`: how long that took by the clock. */
export function stillLoadingMessage(wallMs: number): string {
  const limit = SUSPEND_LIMIT_MS / 1000;
  const wall = Math.round(wallMs / 1000);
  const starved = wall > limit + 1 ? ` (${wall} s by the clock: the page was starved or frozen for the rest)` : '';
  return `the piece was still loading after ${limit} s${starved}: a suspending loader that never finished (an asset that does not arrive, or a promise that never settles)`;
}

/** Shown while a piece suspends; reports it if it never stops. */
function StillLoading({ onTimeout }: { onTimeout: (wallMs: number) => void }) {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => ownTimeout(onTimeout, SUSPEND_LIMIT_MS), []);
  return <Fallback />;
}

/**
 * -1 while the canvas has lost its WebGL context; then a number that grows by one each time the
 * browser restores it, so the piece is mounted afresh into the new context.
 */
export function useContextGeneration(): number {
  const canvas = useThree((s) => s.gl.domElement);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let restored = 0;
    const lost = () => setGeneration(-1);
    const back = () => setGeneration(++restored);
    canvas.addEventListener('webglcontextlost', lost);
    canvas.addEventListener('webglcontextrestored', back);
    return () => {
      canvas.removeEventListener('webglcontextlost', lost);
      canvas.removeEventListener('webglcontextrestored', back);
    };
  }, [canvas]);
  return generation;
}
