import { useMemo } from 'react';
import { useThree } from '@react-three/fiber';
import type { Camera } from 'three';
import { useWall } from './hooks';
import type { WallGeometry } from './runtime';

/** The z = 0 plane as this wall's camera frames it: where a flat piece draws. */
export interface WallPlane {
  /** World width of the plane across the whole wall (not just this screen). */
  width: number;
  /** World height of the plane across the whole wall. */
  height: number;
  /** width / height: the wall's aspect. */
  aspect: number;
  /** World size of one pixel of this screen on the plane: for lines a pixel or two wide. */
  pixel: number;
  /** Width and height of the plane the camera frames at `distance` from it (a plane facing the camera). */
  at(distance: number): { width: number; height: number };
}

/** What wallPlaneOf needs of a camera: a perspective one (fov in degrees) or an orthographic one. */
export type PlaneCamera = { fov: number; distance: number } | { orthographic: true; zoom: number };

/**
 * The world size of the z = 0 plane for a wall, pure. `camera.distance` is the camera's distance
 * from the plane (camera.position.z for the host's camera); `pixelsHigh` is this screen's canvas
 * height in pixels.
 */
export function wallPlaneOf(camera: PlaneCamera, wall: Pick<WallGeometry, 'aspect' | 'height' | 'screen'>, pixelsHigh: number): WallPlane {
  const aspect = wall.aspect;
  const tanHalf = 'fov' in camera ? Math.tan((camera.fov * Math.PI) / 360) : 0;
  const at = (distance: number) => {
    const height = 'fov' in camera ? 2 * distance * tanHalf : wall.height / Math.max(camera.zoom, 1e-9);
    return { width: height * aspect, height };
  };
  const { width, height } = at('fov' in camera ? camera.distance : 0);
  // This screen shows screen.h / wall.height of the wall's height over its canvas.
  const shownHigh = wall.height > 0 ? (height * wall.screen.h) / wall.height : height;
  return { width, height, aspect, pixel: shownHigh / Math.max(1, pixelsHigh), at };
}

function planeCamera(camera: Camera): PlaneCamera {
  const c = camera as Camera & { isOrthographicCamera?: boolean; zoom?: number; fov?: number };
  if (c.isOrthographicCamera) return { orthographic: true, zoom: c.zoom ?? 1 };
  const fov = typeof c.fov === 'number' ? c.fov : 40;
  return { fov, distance: camera.position.z };
}

/**
 * The world size of the z = 0 plane for this wall's camera: `width` × `height` covers the whole
 * wall, so a mesh scaled to it fills every screen of the wall with one picture. `pixel` is the
 * world size of one of this screen's pixels. Re-renders when the canvas or the wall changes.
 */
export function useWallPlane(): WallPlane {
  const wall = useWall();
  const camera = useThree((s) => s.camera);
  const pixelsHigh = useThree((s) => s.size.height);
  const view = planeCamera(camera);
  const key = 'fov' in view ? `p${view.fov}:${view.distance}` : `o${view.zoom}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => wallPlaneOf(view, wall, pixelsHigh), [key, wall.aspect, wall.height, wall.screen.h, pixelsHigh]);
}
