import { useContext, useEffect, useMemo, useRef } from 'react';
import type { ParamValues } from '../protocol';
import { ParamsContext, PieceRuntimeContext, SoundContext, type PieceRuntime, type ShowTime, type SoundRuntime, type VisitorsFrame, type WallGeometry } from './runtime';
import { createRandom, type Random } from './random';

function useRuntime(hook: string): PieceRuntime {
  const rt = useContext(PieceRuntimeContext);
  if (!rt) throw new Error(`${hook}() must be called inside a piece rendered by Pavilion (display, preview or test host)`);
  return rt;
}

/** The show time of the frame being drawn. A live object: read `.seconds` inside useFrame. */
export function useShowTime(): Readonly<ShowTime> {
  return useRuntime('useShowTime').time;
}

/** The piece's current params (re-renders when the technician changes them). */
export function useParams<P extends ParamValues = ParamValues>(): P {
  return useContext(ParamsContext) as P;
}

/** The wall's size and this screen's rectangle in it. The camera already spans the wall. */
export function useWall(): WallGeometry {
  return useRuntime('useWall').wall;
}

/**
 * A seeded random generator, the same on every screen of the wall. Draw from it during render or
 * in useMemo (in the same order on every screen), never per frame.
 */
export function useRandom(seed: string | number = 0): Random {
  const rt = useRuntime('useRandom');
  return useMemo(() => createRandom(`${rt.seed}:${seed}`), [rt.seed, seed]);
}

/** Visitors on this wall and this frame's input events. A live object: read it inside useFrame. */
export function useVisitors(): Readonly<VisitorsFrame> {
  return useRuntime('useVisitors').visitors;
}

/**
 * The quality level this screen renders at: the wall's setting (control panel, `wall.quality`), or
 * for 'auto' what the host picks ('low' in software rendering). Scale particle counts and effects by it.
 */
export function useQuality(): 'low' | 'medium' | 'high' {
  return useRuntime('useQuality').quality;
}

/**
 * Runs `setup` when this screen plays the wall's sound (after audio is unlocked); the function it
 * returns disposes every node it made. Schedule with `sound.audioTime(showMs)` so every speaker
 * of the wall plays on the same beat as the picture.
 */
export function useSound(setup: (sound: SoundRuntime) => (() => void) | void, deps: unknown[] = []): void {
  const sound = useContext(SoundContext);
  const rt = useRuntime('useSound');
  const setupRef = useRef(setup);
  setupRef.current = setup;
  useEffect(() => {
    if (!sound) return;
    // A piece whose sound throws is taken off this screen (the fallback replaces it), and reported.
    const broken = (e: unknown) => (rt.fail ? rt.fail('audio', e) : rt.reportError('audio', e));
    let dispose: (() => void) | void;
    try {
      dispose = setupRef.current(sound);
    } catch (e) {
      broken(e);
    }
    return () => {
      try {
        dispose?.();
      } catch (e) {
        rt.reportError('audio', e);
      }
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sound, ...deps]);
}

/** Report asset loading progress (bytes), shown on the screen while the piece preloads. */
export function useProgress(): PieceRuntime['reportProgress'] {
  return useRuntime('useProgress').reportProgress;
}
