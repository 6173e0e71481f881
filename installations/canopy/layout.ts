import type { Random } from 'pavilion/sdk';

/** The camera looks up into the canopy from a little below it. */
export const CAMERA = { x: 0, y: 0, z: 10, pitch: 0.28 };
const TAN_HALF_FOV = Math.tan((20 * Math.PI) / 180);

/** The visible rectangle (with margin) of the wall at a depth z, for a wall aspect. */
export function viewAt(z: number, aspect: number, margin = 1.15) {
  const d = CAMERA.z - z;
  const hh = d * TAN_HALF_FOV * margin;
  return { cx: CAMERA.x, cy: CAMERA.y + d * Math.tan(CAMERA.pitch), hw: hh * aspect, hh, d };
}

export interface LeafSet {
  /** x, y, z, scale */
  pos: Float32Array;
  /** yaw, pitch, roll, sway */
  rot: Float32Array;
  /** phase, tone, exposure, accent */
  rnd: Float32Array;
  count: number;
}

/**
 * Places leaves in crowns: a dense ceiling, drooping lianas and a low understory, thinning into
 * the mist with depth. Deterministic for a seeded generator.
 */
export function placeLeaves(rng: Random, count: number, aspect: number): LeafSet {
  const pos = new Float32Array(count * 4);
  const rot = new Float32Array(count * 4);
  const rnd = new Float32Array(count * 4);
  let i = 0;
  const put = (x: number, y: number, z: number, s: number, exposure: number, sway: number) => {
    if (i >= count) return;
    pos.set([x, y, z, s], i * 4);
    rot.set([rng.range(0, Math.PI * 2), rng.range(-1.4, 1.4), rng.range(-0.6, 0.6), sway], i * 4);
    rnd.set([rng.next(), rng.next(), exposure, rng.next() < 0.05 ? 1 : 0], i * 4);
    i++;
  };
  while (i < count) {
    const kind = rng.next();
    // Depth: more crowns near, a few far in the mist.
    const z = 6 - 58 * Math.pow(rng.next(), 1.6);
    const v = viewAt(z, aspect);
    const x = v.cx + rng.range(-v.hw, v.hw);
    const leafSize = (0.04 * v.d + 0.22) * rng.range(0.7, 1.3);
    if (kind < 0.55) {
      // Canopy crown: upper part of the view, dense.
      const y = v.cy + v.hh * (1.1 - 0.8 * Math.pow(rng.next(), 1.4));
      const r = v.d * rng.range(0.045, 0.09);
      const n = Math.round(rng.range(40, 110));
      for (let k = 0; k < n; k++) {
        const gx = rng.gaussian(), gy = rng.gaussian(), gz = rng.gaussian();
        const edge = Math.min(1, Math.hypot(gx, gy * 1.5, gz) / 2.4);
        // Most leaves sit in their crown's shade; the outer, upper ones catch the light.
        const exposure = 0.08 + 0.92 * Math.pow(edge, 2.5) * (gy > 0 ? 1 : 0.5);
        put(x + gx * r * 1.5, y + gy * r * 0.45, z + gz * r, leafSize * rng.range(0.7, 1.2), exposure, rng.range(0.5, 1));
      }
    } else if (kind < 0.82) {
      // Liana: a drooping strand of leaves from the ceiling.
      const top = v.cy + v.hh * rng.range(0.6, 1.05);
      const len = v.hh * rng.range(0.6, 1.6);
      const n = Math.round(rng.range(18, 44));
      for (let k = 0; k < n; k++) {
        const s = k / n;
        put(x + Math.sin(s * 3 + x) * 0.15 * v.d * 0.05, top - s * len, z + rng.gaussian() * 0.2, leafSize * rng.range(0.5, 0.9), 0.15 + 0.5 * rng.next(), 1 + s * 1.5);
      }
    } else {
      // Understory: broad leaves low in the view.
      const y = v.cy - v.hh * rng.range(0.75, 1.05);
      const r = v.d * rng.range(0.04, 0.09);
      const n = Math.round(rng.range(12, 40));
      for (let k = 0; k < n; k++) {
        put(x + rng.gaussian() * r * 1.6, y + Math.abs(rng.gaussian()) * r * 0.7, z + rng.gaussian() * r, leafSize * rng.range(1.1, 1.8), 0.05 + 0.3 * rng.next(), rng.range(0.3, 0.6));
      }
    }
  }
  return { pos, rot, rnd, count };
}
