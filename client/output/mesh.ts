import type { Mat3, Vec2 } from './homography';

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

/** Segments per grid cell of the reference curve (the finest mesh the stage draws): 16, so at most 256 across a 17-point grid. */
export const WARP_SUB = 16;
/** How far the drawn mesh may stray from the reference curve, in output pixels. */
export const WARP_TOLERANCE_PX = 0.5;

/** The warp's mesh: sx × sy segments, the vertices in the picture's space after the grid (before the pin), row by row from the top. */
export interface WarpMesh {
  sx: number;
  sy: number;
  /** (sx + 1)·(sy + 1) points, x and y; vertex (i, j) is the grid's image of (i/sx, j/sy). */
  points: Float32Array;
}

/** Catmull-Rom's four weights at t (catmullRom(p0, p1, p2, p3, t) = Σ weight·p). */
function basis(t: number): [number, number, number, number] {
  const t2 = t * t, t3 = t2 * t;
  return [0.5 * (-t + 2 * t2 - t3), 0.5 * (2 - 5 * t2 + 3 * t3), 0.5 * (t + 4 * t2 - 3 * t3), 0.5 * (-t2 + t3)];
}

/** meshPoint at (i/nx, j/ny) for every i ≤ nx, j ≤ ny (x, y interleaved, row by row), the bicubic sum done with precomputed weights. */
function denseGrid(g: Grid, nx: number, ny: number): Float64Array {
  // The control points with a ring of linearly extended ones (at()), so the sums need no edge cases.
  const ec = g.cols + 2;
  const ext = new Float64Array(ec * (g.rows + 2) * 2);
  for (let j = -1; j <= g.rows; j++)
    for (let i = -1; i <= g.cols; i++) for (const axis of [0, 1] as const) ext[((j + 1) * ec + i + 1) * 2 + axis] = at(g, i, j, axis);
  const along = (n: number, count: number) =>
    Array.from({ length: n + 1 }, (_, k) => {
      const gx = (k / n) * (count - 1);
      const cell = Math.min(Math.floor(gx), count - 2);
      return { cell, w: basis(gx - cell) };
    });
  const us = along(nx, g.cols), vs = along(ny, g.rows);
  const out = new Float64Array((nx + 1) * (ny + 1) * 2);
  for (let j = 0; j <= ny; j++) {
    const { cell: cj, w: wy } = vs[j]!;
    for (let i = 0; i <= nx; i++) {
      const { cell: ci, w: wx } = us[i]!;
      let x = 0, y = 0;
      for (let r = 0; r < 4; r++) {
        let rx = 0, ry = 0;
        const row = (cj + r) * ec + ci; // control (ci − 1 + c, cj − 1 + r), shifted by the ring
        for (let c = 0; c < 4; c++) {
          rx += wx[c]! * ext[(row + c) * 2]!;
          ry += wx[c]! * ext[(row + c) * 2 + 1]!;
        }
        x += wy[r]! * rx;
        y += wy[r]! * ry;
      }
      out[(j * (nx + 1) + i) * 2] = x;
      out[(j * (nx + 1) + i) * 2 + 1] = y;
    }
  }
  return out;
}

/**
 * The coarsest triangle mesh that draws the grid's curve, seen through the corner-pin `pin` on a
 * w×h output, to within `tolPx` output pixels of the reference (WARP_SUB segments per grid cell)
 * at every point of the reference. Each grid cell gets 1, 2, 4, 8 or 16 segments along each axis
 * (the fewest triangles first): a mild bend needs a few hundred triangles, not thousands (a software
 * renderer pays per triangle, and per 2×2 block its edges cross). Computed when the settings or the
 * output's size change, never per frame.
 */
export function warpMesh(g: Grid, pin: Mat3, w: number, h: number, tolPx = WARP_TOLERANCE_PX): WarpMesh {
  const nx = (g.cols - 1) * WARP_SUB, ny = (g.rows - 1) * WARP_SUB;
  const stride = nx + 1;
  const ref = denseGrid(g, nx, ny);
  // The reference in output pixels, through the pin.
  const outX = (x: number, y: number) => ((pin[0] * x + pin[1] * y + pin[2]) / (pin[6] * x + pin[7] * y + pin[8])) * w;
  const outY = (x: number, y: number) => ((pin[3] * x + pin[4] * y + pin[5]) / (pin[6] * x + pin[7] * y + pin[8])) * h;
  const px = new Float64Array(ref.length);
  for (let k = 0; k < ref.length; k += 2) {
    px[k] = outX(ref[k]!, ref[k + 1]!);
    px[k + 1] = outY(ref[k]!, ref[k + 1]!);
  }
  const tol2 = tolPx * tolPx;
  const at = (i: number, j: number, k: number) => ref[(j * stride + i) * 2 + k]!;
  /** Whether segments of kx × ky reference steps draw the curve closely enough (triangles a-c-b and b-c-d, as drawn). */
  const fits = (kx: number, ky: number): boolean => {
    for (let j = 0; j <= ny; j++) {
      const cj = Math.min(Math.floor(j / ky), ny / ky - 1), t = (j - cj * ky) / ky;
      const j0 = cj * ky, j1 = j0 + ky;
      for (let i = 0; i <= nx; i++) {
        const ci = Math.min(Math.floor(i / kx), nx / kx - 1), s = (i - ci * kx) / kx;
        if ((s === 0 || s === 1) && (t === 0 || t === 1)) continue; // a vertex: exact
        const i0 = ci * kx, i1 = i0 + kx;
        let x: number, y: number;
        if (s + t <= 1) {
          x = at(i0, j0, 0) + s * (at(i1, j0, 0) - at(i0, j0, 0)) + t * (at(i0, j1, 0) - at(i0, j0, 0));
          y = at(i0, j0, 1) + s * (at(i1, j0, 1) - at(i0, j0, 1)) + t * (at(i0, j1, 1) - at(i0, j0, 1));
        } else {
          x = at(i1, j1, 0) + (1 - s) * (at(i0, j1, 0) - at(i1, j1, 0)) + (1 - t) * (at(i1, j0, 0) - at(i1, j1, 0));
          y = at(i1, j1, 1) + (1 - s) * (at(i0, j1, 1) - at(i1, j1, 1)) + (1 - t) * (at(i1, j0, 1) - at(i1, j1, 1));
        }
        const k = (j * stride + i) * 2;
        const dx = outX(x, y) - px[k]!, dy = outY(x, y) - px[k + 1]!;
        if (dx * dx + dy * dy > tol2) return false;
      }
    }
    return true;
  };
  const levels = [1, 2, 4, 8, 16].filter((l) => WARP_SUB % l === 0);
  const pairs = levels.flatMap((lx) => levels.map((ly) => [lx, ly] as const)).sort((a, b) => a[0] * a[1] - b[0] * b[1] || Math.max(...a) - Math.max(...b));
  const [lx, ly] = pairs.find(([lx, ly]) => fits(WARP_SUB / lx, WARP_SUB / ly)) ?? [WARP_SUB, WARP_SUB];
  const kx = WARP_SUB / lx, ky = WARP_SUB / ly;
  const sx = nx / kx, sy = ny / ky;
  const points = new Float32Array((sx + 1) * (sy + 1) * 2);
  for (let j = 0; j <= sy; j++)
    for (let i = 0; i <= sx; i++) {
      points[(j * (sx + 1) + i) * 2] = at(i * kx, j * ky, 0);
      points[(j * (sx + 1) + i) * 2 + 1] = at(i * kx, j * ky, 1);
    }
  return { sx, sy, points };
}
