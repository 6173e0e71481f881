/** Rectangles in the wall layout's units. */
export interface Rect { x: number; y: number; w: number; h: number }
/** Blend widths per side, as fractions of the screen (0..0.5). */
export interface Edges { left: number; right: number; top: number; bottom: number }

/** The blend's midpoint value (the standard curve's `a`). */
export const BLEND_A = 0.5;

/** The standard soft-edge curve at b in 0..1 (0 at the outer edge, 1 at the inner): b<0.5 ? a·(2b)^p : 1−(1−a)·(2(1−b))^p. */
export function blendCurve(b: number, power: number, a = BLEND_A): number {
  const x = Math.min(Math.max(b, 0), 1);
  return x < 0.5 ? a * Math.pow(2 * x, power) : 1 - (1 - a) * Math.pow(2 * (1 - x), power);
}

/** The curve, then gamma: the factor a pixel value is multiplied by (so that light, not code values, adds up to one). */
export function blendWeight(b: number, power: number, gamma: number): number {
  return Math.pow(blendCurve(b, power), 1 / gamma);
}

/** The weight at the picture's point (u, v) (0..1, top-left origin), all four sides together. */
export function blendAt(e: Edges, u: number, v: number, power: number, gamma: number): number {
  const side = (d: number, w: number) => (w > 0 && d < w ? blendWeight(d / w, power, gamma) : 1);
  return side(u, e.left) * side(1 - u, e.right) * side(v, e.top) * side(1 - v, e.bottom);
}

/**
 * The blend a screen gets from the wall's layout when none is set: on each side, the width by which
 * a neighbour's rectangle overlaps it (in the layout's units).
 */
export function overlapBlend(rect: Rect, others: ReadonlyArray<Rect>): { left: number; right: number; top: number; bottom: number } {
  const out = { left: 0, right: 0, top: 0, bottom: 0 };
  const eps = 1e-6;
  for (const o of others) {
    const x0 = Math.max(rect.x, o.x), x1 = Math.min(rect.x + rect.w, o.x + o.w);
    const y0 = Math.max(rect.y, o.y), y1 = Math.min(rect.y + rect.h, o.y + o.h);
    if (x1 - x0 <= eps || y1 - y0 <= eps) continue;
    const w = x1 - x0, h = y1 - y0;
    // A side-by-side overlap spans (most of) the height; one above or below spans the width.
    if (h >= w) {
      if (o.x < rect.x - eps && Math.abs(x0 - rect.x) < eps) out.left = Math.max(out.left, w);
      if (o.x + o.w > rect.x + rect.w + eps && Math.abs(x1 - rect.x - rect.w) < eps) out.right = Math.max(out.right, w);
    }
    if (w >= h) {
      if (o.y < rect.y - eps && Math.abs(y0 - rect.y) < eps) out.top = Math.max(out.top, h);
      if (o.y + o.h > rect.y + rect.h + eps && Math.abs(y1 - rect.y - rect.h) < eps) out.bottom = Math.max(out.bottom, h);
    }
  }
  return out;
}

/**
 * The soft edges and where the black lift applies, as a w×h lookup texture for the output pass
 * (two bytes a texel, row 0 at the picture's top): byte 0 is the blend weight of all four sides
 * (blendAt, rounded to 1/255), byte 1 is 255 outside every band (where the black level is lifted)
 * and 0 inside one. Texel (i, j) holds the values at the picture's point ((i + ½)/w, (j + ½)/h), so
 * that at the picture's own size each pixel gets exactly its weight. Built when the settings or the
 * size change; the pass then reads one texel per pixel instead of evaluating the curve.
 */
export function blendLut(e: Edges, power: number, gamma: number, w: number, h: number): Uint8Array {
  const axis = (n: number, lo: number, hi: number) => {
    const weight = new Float64Array(n);
    const band = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const t = (i + 0.5) / n;
      let v = 1;
      if (lo > 0 && t < lo) (v *= blendWeight(t / lo, power, gamma)), (band[i] = 1);
      if (hi > 0 && 1 - t < hi) (v *= blendWeight((1 - t) / hi, power, gamma)), (band[i] = 1);
      weight[i] = v;
    }
    return { weight, band };
  };
  const x = axis(w, e.left, e.right), y = axis(h, e.top, e.bottom);
  const out = new Uint8Array(w * h * 2);
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      const k = (j * w + i) * 2;
      out[k] = Math.round(x.weight[i]! * y.weight[j]! * 255);
      out[k + 1] = x.band[i] || y.band[j] ? 0 : 255;
    }
  return out;
}
