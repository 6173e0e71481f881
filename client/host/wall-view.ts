import { OrthographicCamera, PerspectiveCamera, type Camera } from 'three';
import type { WallGeometry } from 'pavilion/sdk';

/**
 * Points a piece's camera at this screen's part of the wall: the camera frames the whole wall
 * (its aspect, or for an orthographic camera one wall unit per pixel), and a view offset cuts out
 * this screen's rectangle. Screens whose rectangles tile the wall (with gaps for bezels, or
 * overlapping for projector blends) therefore show one picture. Pure: tested without a renderer.
 */
export function applyWallView(cam: Camera, wall: Pick<WallGeometry, 'width' | 'height' | 'screen'>): void {
  const { width, height, screen } = wall;
  if (cam instanceof PerspectiveCamera) cam.aspect = width / height;
  else if (cam instanceof OrthographicCamera) {
    cam.left = -width / 2;
    cam.right = width / 2;
    cam.top = height / 2;
    cam.bottom = -height / 2;
  } else return;
  cam.setViewOffset(width, height, screen.x, screen.y, screen.w, screen.h);
  cam.updateProjectionMatrix();
}
