import { useFrame } from '@react-three/fiber';
import type { WallGeometry } from 'pavilion/sdk';
import { applyWallView } from '../host';

/**
 * Spans the wall: before pieces draw, the camera gets the wall's aspect and a view offset for this
 * screen's rectangle, so every screen renders its part of one picture. Pieces need no code for it.
 */
export function WallCamera({ wall }: { wall: WallGeometry }) {
  useFrame((state) => {
    applyWallView(state.camera, wall);
  }, -999);
  return null;
}
