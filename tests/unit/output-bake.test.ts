import { describe, expect, it } from 'vitest';
import { blendAt, blendLut } from '../../client/output/blend';
import { homographyFromCorners, IDENTITY, mapPoint, type Mat3 } from '../../client/output/homography';
import { identityGrid, meshPoint, warpMesh, WARP_SUB, type Grid, type WarpMesh } from '../../client/output/mesh';

/**
 * What the output pass bakes when the settings change instead of working out per pixel or per
 * frame (docs/performance.md, "bench:projection"): the blend's lookup texture, and the warp's mesh,
 * as coarse as the picture allows.
 */
describe('blendLut (the soft edges as a lookup texture)', () => {
  const e = { left: 0.25, right: 0.1, top: 0.2, bottom: 0 };
  const w = 96, h = 54;
  const lut = blendLut(e, 2, 2.2, w, h);

  it('holds blendAt at each texel\'s centre, to 1/255, row 0 at the picture\'s top', () => {
    expect(lut.length).toBe(w * h * 2);
    let worst = 0;
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++) worst = Math.max(worst, Math.abs(lut[(j * w + i) * 2]! / 255 - blendAt(e, (i + 0.5) / w, (j + 0.5) / h, 2, 2.2)));
    expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-9);
    // The top band darkens row 0, not the last row.
    expect(lut[(0 * w + w / 2) * 2]!).toBeLessThan(40);
    expect(lut[((h - 1) * w + w / 2) * 2]!).toBe(255);
  });

  it('marks where the black lift applies: outside every band', () => {
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++) {
        const u = (i + 0.5) / w, v = (j + 0.5) / h;
        const inBand = u < e.left || 1 - u < e.right || v < e.top;
        expect(lut[(j * w + i) * 2 + 1], `texel ${i},${j}`).toBe(inBand ? 0 : 255);
      }
  });

  it('is monotone across a band, from 0 to 1', () => {
    const row = Math.floor(h / 2);
    const x = blendLut({ left: 0.5, right: 0, top: 0, bottom: 0 }, 2, 1, 200, 3);
    let prev = -1;
    for (let i = 0; i < 200; i++) {
      const v = x[(row % 3) * 200 * 2 + i * 2]!;
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
    expect(x[(row % 3) * 200 * 2]!).toBeLessThan(2);
    expect(prev).toBe(255);
  });
});

describe('warpMesh (the grid\'s curve as few triangles as the output allows)', () => {
  /** Where the drawn mesh puts the picture's point (u, v): the triangle it falls in (a-c-b or b-c-d), interpolated, then the pin. */
  const drawn = (m: WarpMesh, pin: Mat3, u: number, v: number): [number, number] => {
    const ci = Math.min(Math.floor(u * m.sx), m.sx - 1), cj = Math.min(Math.floor(v * m.sy), m.sy - 1);
    const s = u * m.sx - ci, t = v * m.sy - cj;
    const p = (i: number, j: number, k: number) => m.points[(j * (m.sx + 1) + i) * 2 + k]!;
    const q = [0, 1].map((k) =>
      s + t <= 1
        ? p(ci, cj, k) + s * (p(ci + 1, cj, k) - p(ci, cj, k)) + t * (p(ci, cj + 1, k) - p(ci, cj, k))
        : p(ci + 1, cj + 1, k) + (1 - s) * (p(ci, cj + 1, k) - p(ci + 1, cj + 1, k)) + (1 - t) * (p(ci + 1, cj, k) - p(ci + 1, cj + 1, k)),
    );
    return mapPoint(pin, q[0]!, q[1]!);
  };
  /** The largest distance, in output pixels, between the drawn mesh and the exact curve at many points. */
  const worstPx = (g: Grid, pin: Mat3, w: number, h: number, m: WarpMesh) => {
    let worst = 0;
    for (let j = 0; j <= 97; j++)
      for (let i = 0; i <= 97; i++) {
        const u = i / 97, v = j / 97;
        const [ex, ey] = meshPoint(g, u, v);
        const [x, y] = mapPoint(pin, ex, ey);
        const [dx, dy] = drawn(m, pin, u, v);
        worst = Math.max(worst, Math.hypot((dx - x) * w, (dy - y) * h));
      }
    return worst;
  };
  const bent = (cols: number, rows: number, amount: number): Grid => {
    const g = identityGrid(cols, rows);
    return { cols, rows, points: g.points.map(([x, y], k) => [x + amount * Math.sin(k * 1.7) * (x > 0 && x < 1 ? 1 : 0), y + amount * Math.cos(k * 2.3) * (y > 0 && y < 1 ? 1 : 0)] as [number, number]) };
  };
  const pin = homographyFromCorners([[0.03, 0.02], [0.98, 0], [0.96, 0.97], [0.01, 1]])!;

  it('passes through the grid\'s points, and stays within about half an output pixel of the curve', () => {
    for (const [g, w, h] of [[bent(5, 5, 0.02), 480, 270], [bent(5, 4, 0.03), 1920, 1080], [bent(9, 9, 0.01), 960, 540], [bent(3, 3, 0.08), 1920, 1080]] as const) {
      const m = warpMesh(g, pin, w, h);
      expect(worstPx(g, pin, w, h, m), `${g.cols}×${g.rows} at ${w}×${h}`).toBeLessThan(0.75);
      // Each control point is a vertex, where it is.
      expect(m.sx % (g.cols - 1)).toBe(0);
      expect(m.sy % (g.rows - 1)).toBe(0);
      for (let j = 0; j < g.rows; j++)
        for (let i = 0; i < g.cols; i++) {
          const k = (j * (m.sy / (g.rows - 1)) * (m.sx + 1) + i * (m.sx / (g.cols - 1))) * 2;
          expect(m.points[k]!).toBeCloseTo(g.points[j * g.cols + i]![0], 6);
          expect(m.points[k + 1]!).toBeCloseTo(g.points[j * g.cols + i]![1], 6);
        }
    }
  });

  it('draws a mild bend with far fewer triangles than the reference, and more on a larger output', () => {
    // The bench's grid: the middle columns moved 2 % right.
    const g: Grid = { cols: 5, rows: 5, points: Array.from({ length: 25 }, (_, k) => [(k % 5) / 4 + (k % 5 > 0 && k % 5 < 4 ? 0.02 : 0), Math.floor(k / 5) / 4] as [number, number]) };
    const small = warpMesh(g, pin, 480, 270);
    const large = warpMesh(g, pin, 3840, 2160);
    const reference = (4 * WARP_SUB) ** 2;
    expect(small.sx * small.sy).toBeLessThanOrEqual(reference / 8);
    expect(large.sx * large.sy).toBeGreaterThan(small.sx * small.sy);
    // It bends only across: one segment per cell down.
    expect(small.sy).toBe(4);
    expect(worstPx(g, pin, 3840, 2160, large)).toBeLessThan(0.75);
  });

  it('draws an unbent grid as one segment per cell', () => {
    const m = warpMesh(identityGrid(4, 3), IDENTITY, 1920, 1080);
    expect([m.sx, m.sy]).toEqual([3, 2]);
  });
});
