/**
 * The calibration view's geometry (framework-free): where the corner-pin and the mesh warp put the
 * picture's points on the output, and back (a grid point is dragged in output coordinates and
 * stored in the pinned picture's own 0..1 space), resampling a grid to another size, inserting a
 * mask point, and the settings as the server keeps them (it drops parts that are the identity).
 */
import { IDENTITY_CORNERS, POINT_MAX, POINT_MIN, type Corners, type OutputGrid, type OutputSettings } from '../../../protocol';
import { homographyFromCorners, IDENTITY, invert, mapPoint, type Mat3, type Vec2 } from '../../output/homography';
import { identityGrid, isIdentityGrid, meshPoint } from '../../output/mesh';

export type Point = [number, number];

/** Coordinates kept within the protocol's range; `round`: to 1/10000 (a pointer's position, well under a projector pixel). */
export const clampPoint = (x: number, y: number, round = false): Point => {
  const c = (v: number) => Math.min(POINT_MAX, Math.max(POINT_MIN, round ? Math.round(v * 10000) / 10000 : v));
  return [c(x), c(y)];
};

/** The corner-pin's matrix (picture 0..1 → output 0..1); the identity while the corners cross. */
export const pinOf = (corners: Corners): Mat3 => homographyFromCorners(corners) ?? IDENTITY;

/** Where a picture point lands on the output: through the corner-pin (grid points are in the picture's space). */
export const toOutput = (pin: Mat3, p: Vec2): Point => mapPoint(pin, p[0], p[1]);

/** The picture point that lands on an output point (the inverse corner-pin), kept in range. */
export function toPicture(pin: Mat3, p: Vec2): Point {
  const inv = invert(pin) ?? IDENTITY;
  const [x, y] = mapPoint(inv, p[0], p[1]);
  return clampPoint(x, y);
}

/** The grid `cols`×`rows` following the warp of `from` (the identity when there is none): a new size keeps the shape. */
export function resampleGrid(from: OutputGrid | null, cols: number, rows: number): OutputGrid {
  const id = identityGrid(cols, rows);
  if (!from || isIdentityGrid(from)) return { cols, rows, points: id.points.map(([x, y]): Point => [x, y]) };
  const points = id.points.map(([u, v]): Point => {
    const [x, y] = meshPoint(from, u, v);
    // Snap what is the identity to it exactly (the server then keeps no grid where nothing bends).
    return Math.abs(x - u) < 1e-6 && Math.abs(y - v) < 1e-6 ? [u, v] : clampPoint(x, y, true);
  });
  return { cols, rows, points };
}

/** The grid with point `i` moved to `p` (picture space). */
export const moveGridPoint = (g: OutputGrid, i: number, p: Point): OutputGrid => ({ ...g, points: g.points.map((q, k) => (k === i ? p : q)) });

/** A new mask point goes into the edge nearest to it, so that the polygon grows where it was tapped. */
export function insertMaskPoint(mask: ReadonlyArray<Vec2>, p: Point): Point[] {
  const pts = mask.map(([x, y]): Point => [x, y]);
  if (pts.length < 2) return [...pts, p];
  let best = 0, bestD = Infinity;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i]!, b = pts[(i + 1) % pts.length]!;
    const d = distanceToSegment(p, a, b);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  pts.splice(best + 1, 0, p);
  return pts;
}

function distanceToSegment(p: Vec2, a: Vec2, b: Vec2): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const t = len ? Math.min(1, Math.max(0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len)) : 0;
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** A first mask: the whole screen, to drag in from its corners (and add points to). */
export const FULL_MASK: Point[] = [[0, 0], [1, 0], [1, 1], [0, 1]];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The settings as the server keeps them: parts that are the identity are dropped (server/show/output-commands.ts). */
export function normalize(o: OutputSettings): OutputSettings {
  const out: OutputSettings = { ...o };
  if (out.corners && same(out.corners, IDENTITY_CORNERS)) delete out.corners;
  if (out.grid && isIdentityGrid(out.grid)) delete out.grid;
  if (out.blend && Object.keys(out.blend).length === 0) delete out.blend;
  if (out.brightness === 1) delete out.brightness;
  if (out.gain && out.gain.every((g) => g === 1)) delete out.gain;
  if (out.black === 0) delete out.black;
  for (const k of Object.keys(out) as Array<keyof OutputSettings>) if (out[k] === undefined) delete out[k];
  return out;
}

/** An SVG path through the warped picture's grid lines (in the pad's units: W×H), `lines` per side when there is no grid. */
export function warpLines(pin: Mat3, grid: OutputGrid | null, W: number, H: number): string {
  const parts: string[] = [];
  const poly = (pts: Point[]) => parts.push(pts.map(([x, y], k) => `${k ? 'L' : 'M'}${(x * W).toFixed(1)},${(y * H).toFixed(1)}`).join(''));
  if (!grid) {
    for (let k = 1; k < 4; k++) {
      const t = k / 4;
      poly([toOutput(pin, [t, 0]), toOutput(pin, [t, 1])]);
      poly([toOutput(pin, [0, t]), toOutput(pin, [1, t])]);
    }
    return parts.join('');
  }
  const steps = Math.max(16, (Math.max(grid.cols, grid.rows) - 1) * 4);
  const along = (fixed: number, vertical: boolean) => {
    const pts: Point[] = [];
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      pts.push(toOutput(pin, vertical ? meshPoint(grid, fixed, t) : meshPoint(grid, t, fixed)));
    }
    poly(pts);
  };
  for (let i = 0; i < grid.cols; i++) along(i / (grid.cols - 1), true);
  for (let j = 0; j < grid.rows; j++) along(j / (grid.rows - 1), false);
  return parts.join('');
}
