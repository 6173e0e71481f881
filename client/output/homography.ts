/** A 3×3 matrix, row-major: [a, b, c, d, e, f, g, h, i]. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];
export type Vec2 = readonly [number, number];
/** Top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Vec2, Vec2, Vec2, Vec2];

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
export const UNIT_SQUARE: Quad = [[0, 0], [1, 0], [1, 1], [0, 1]];

/**
 * The homography that takes the unit square (u, v in 0..1, top-left origin) onto a quad, corner for
 * corner (Heckbert's square-to-quad): x = (a·u + b·v + c) / (g·u + h·v + 1), y likewise with d, e, f.
 * Null when the quad is degenerate (three corners on a line, or crossed): no picture fits it.
 */
export function homographyFromCorners(q: Quad): Mat3 | null {
  if (!isConvex(q)) return null;
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
  const dx3 = x0 - x1 + x2 - x3;
  const dy3 = y0 - y1 + y2 - y3;
  if (Math.abs(dx3) < 1e-12 && Math.abs(dy3) < 1e-12) return [x1 - x0, x2 - x1, x0, y1 - y0, y2 - y1, y0, 0, 0, 1];
  const dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
  const det = dx1 * dy2 - dx2 * dy1;
  if (Math.abs(det) < 1e-12) return null;
  const g = (dx3 * dy2 - dx2 * dy3) / det;
  const h = (dx1 * dy3 - dx3 * dy1) / det;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

/** Where the homography takes (u, v). */
export function mapPoint(m: Mat3, u: number, v: number): [number, number] {
  const w = m[6] * u + m[7] * v + m[8];
  return [(m[0] * u + m[1] * v + m[2]) / w, (m[3] * u + m[4] * v + m[5]) / w];
}

/** The corners a homography puts the unit square's corners at (the inverse of homographyFromCorners). */
export function cornersOf(m: Mat3): [Vec2, Vec2, Vec2, Vec2] {
  return [mapPoint(m, 0, 0), mapPoint(m, 1, 0), mapPoint(m, 1, 1), mapPoint(m, 0, 1)];
}

/** The inverse matrix (output → picture), or null when singular. */
export function invert(m: Mat3): Mat3 | null {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-15) return null;
  const s = 1 / det;
  return [A * s, -(b * i - c * h) * s, (b * f - c * e) * s, B * s, (a * i - c * g) * s, -(a * f - c * d) * s, C * s, -(a * h - b * g) * s, (a * e - b * d) * s];
}

/** A quad whose corners turn the same way all round, with some area: one a picture can be pinned to. */
export function isConvex(q: Quad): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = q[i]!;
    const [bx, by] = q[(i + 1) % 4]!;
    const [cx, cy] = q[(i + 2) % 4]!;
    const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (Math.abs(cross) < 1e-9) return false;
    const s = Math.sign(cross);
    if (sign && s !== sign) return false;
    sign = s;
  }
  return true;
}

export const isIdentityQuad = (q: Quad): boolean => q.every(([x, y], i) => Math.abs(x - UNIT_SQUARE[i]![0]) < 1e-9 && Math.abs(y - UNIT_SQUARE[i]![1]) < 1e-9);
