import { useFrame } from '@react-three/fiber';
import { OrthographicCamera, PerspectiveCamera } from 'three';
import type { WallGeometry } from 'pavilion/sdk';

/**
 * Spans the wall: before pieces draw, the camera gets the wall's aspect and a view offset for this
 * screen's rectangle, so every screen renders its part of one picture. Pieces need no code for it.
 */
export function WallCamera({ wall }: { wall: WallGeometry }) {
  useFrame((state) => {
    const cam = state.camera;
    const { width, height, screen } = wall;
    if (cam instanceof PerspectiveCamera) cam.aspect = width / height;
    else if (cam instanceof OrthographicCamera) {
      cam.left = -width / 2;
      cam.right = width / 2;
      cam.top = height / 2;
      cam.bottom = -height / 2;
    }
    cam.setViewOffset(width, height, screen.x, screen.y, screen.w, screen.h);
    cam.updateProjectionMatrix();
  }, -999);
  return null;
}
