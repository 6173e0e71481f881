import type { Vec2 } from './homography';

/** A mesh warp: cols×rows control points, row by row from the top-left, in the picture's 0..1 space. */
export interface Grid {
  cols: number;
  rows: number;
  points: ReadonlyArray<Vec2>;
}

/** The grid that changes nothing: point (i, j) at (i/(cols−1), j/(rows−1)). */
export function identityGrid(cols: number, rows: number): Grid {
  const points: Vec2[] = [];
  for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) points.push([i / (cols - 1), j / (rows - 1)]);
  return { cols, rows, points };
}

export const isIdentityGrid = (g: Grid): boolean => identityGrid(g.cols, g.rows).points.every(([x, y], k) => Math.abs(g.points[k]![0] - x) < 1e-9 && Math.abs(g.points[k]![1] - y) < 1e-9);

/** Catmull-Rom through p1 and p2 (p0, p3 their neighbours), at t in 0..1. */
export function catmullRom(p0: number, p1: number, p2: number, p3: number, t: number): number {
  const t2 = t * t, t3 = t2 * t;
  return 0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t3);
}

/** A control point, extended linearly beyond the edges (so that an evenly spaced grid stays exactly linear). */
function at(g: Grid, i: number, j: number, axis: 0 | 1): number {
  const ci = Math.min(Math.max(i, 0), g.cols - 1);
  const cj = Math.min(Math.max(j, 0), g.rows - 1);
  const p = (a: number, b: number) => g.points[b * g.cols + a]![axis];
  let v = p(ci, cj);
  if (i < 0) v += (i - 0) * (p(1, cj) - p(0, cj));
  else if (i > g.cols - 1) v += (i - (g.cols - 1)) * (p(g.cols - 1, cj) - p(g.cols - 2, cj));
  if (j < 0) v += (j - 0) * (p(ci, 1) - p(ci, 0));
  else if (j > g.rows - 1) v += (j - (g.rows - 1)) * (p(ci, g.rows - 1) - p(ci, g.rows - 2));
  return v;
}

/**
 * Where the grid takes the picture's point (u, v): bicubic Catmull-Rom through the control points
 * (it passes through each of them, with a continuous slope between cells).
 */
export function meshPoint(g: Grid, u: number, v: number): [number, number] {
  const gx = Math.min(Math.max(u, 0), 1) * (g.cols - 1);
  const gy = Math.min(Math.max(v, 0), 1) * (g.rows - 1);
  const i = Math.min(Math.floor(gx), g.cols - 2);
  const j = Math.min(Math.floor(gy), g.rows - 2);
  const tx = gx - i, ty = gy - j;
  const out: [number, number] = [0, 0];
  for (const axis of [0, 1] as const) {
    const col: number[] = [];
    for (let r = -1; r <= 2; r++) col.push(catmullRom(at(g, i - 1, j + r, axis), at(g, i, j + r, axis), at(g, i + 1, j + r, axis), at(g, i + 2, j + r, axis), tx));
    out[axis] = catmullRom(col[0]!, col[1]!, col[2]!, col[3]!, ty);
  }
  return out;
}
