import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import type { DisplayView } from '../../protocol';
import { OutputPass, resolveOutput, type PatternInfo } from '../output';

/**
 * The screen's output stage (docs/projection.md), around the compositor (which draws at priority 1):
 * when the screen has output settings, the frame is composed into the stage's target instead of the
 * canvas (priority 0.5, OutputPass.begin), then one extra full-screen pass (priority 2) draws it, or
 * the test pattern drawn instead of the piece, through the corner-pin, mesh warp, soft edges, colour,
 * black level and mask onto the canvas. The identity redirects, draws and allocates nothing.
 */
export function OutputStage({ view }: { view: DisplayView }) {
  const gl = useThree((s) => s.gl);
  const pass = useMemo(() => new OutputPass(gl), [gl]);
  useEffect(() => () => pass.dispose(), [pass]);
  const out = useMemo(() => resolveOutput(view), [view]);
  const info: PatternInfo = useMemo(() => ({ screenId: view.screen.id, wallId: view.screen.wallId, rect: view.screen.rect }), [view.screen.id, view.screen.wallId, view.screen.rect]);
  useFrame(() => pass.begin(out), 0.5);
  useFrame(() => {
    if (out.identity) {
      if (pass.allocated) pass.release();
      return;
    }
    pass.render(out, info);
  }, 2);
  return null;
}
