import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import type { DisplayView } from '../../protocol';
import { OutputPass, resolveOutput, type PatternInfo } from '../output';

/**
 * The screen's output stage (docs/projection.md), after the compositor (priority 2: the compositor
 * draws at 1): when the screen has output settings or a test pattern, one extra full-screen pass
 * takes the composed frame (or the pattern, drawn instead of the piece) through the corner-pin,
 * mesh warp, soft edges, colour, black level and mask. The identity draws and allocates nothing.
 */
export function OutputStage({ view }: { view: DisplayView }) {
  const gl = useThree((s) => s.gl);
  const pass = useMemo(() => new OutputPass(gl), [gl]);
  useEffect(() => () => pass.dispose(), [pass]);
  const out = useMemo(() => resolveOutput(view), [view]);
  const info: PatternInfo = useMemo(() => ({ screenId: view.screen.id, wallId: view.screen.wallId, rect: view.screen.rect }), [view.screen.id, view.screen.wallId, view.screen.rect]);
  useFrame(() => {
    if (out.identity) {
      if (pass.allocated) pass.release();
      return;
    }
    pass.render(out, info);
  }, 2);
  return null;
}
