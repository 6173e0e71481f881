import { describe, expect, it } from 'vitest';
import { cornersOf, homographyFromCorners, invert, mapPoint, type Quad } from '../../client/output/homography';
import { catmullRom, identityGrid, meshPoint } from '../../client/output/mesh';
import { blendAt, blendCurve, blendWeight, overlapBlend } from '../../client/output/blend';
import { resolveOutput } from '../../client/output/resolve';
import type { DisplayView } from '../../protocol';

const quads: Quad[] = [
  [[0, 0], [1, 0], [1, 1], [0, 1]],
  [[0.5, 0], [1, 0], [1, 1], [0.5, 1]],
  [[0.1, 0.05], [0.93, 0.12], [0.88, 0.97], [0.02, 0.8]],
  [[-0.3, -0.2], [1.4, 0.1], [1.1, 1.6], [0.2, 1.2]],
  [[0.3, 0.3], [0.7, 0.25], [0.9, 0.9], [0.1, 0.7]],
];

describe('homography (corner-pin)', () => {
  it('puts the unit square\'s corners on the quad: corners → matrix → the corners again within 1e-6', () => {
    for (const q of quads) {
      const m = homographyFromCorners(q)!;
      expect(m).not.toBeNull();
      const back = cornersOf(m);
      for (let i = 0; i < 4; i++) for (let k = 0; k < 2; k++) expect(Math.abs(back[i]![k]! - q[i]![k]!)).toBeLessThan(1e-6);
    }
  });

  it('is a projective map: straight lines stay straight, and its inverse takes points back', () => {
    for (const q of quads) {
      const m = homographyFromCorners(q)!;
      const inv = invert(m)!;
      for (const [u, v] of [[0.25, 0.5], [0.7, 0.1], [0.5, 0.5]] as const) {
        const [x, y] = mapPoint(m, u, v);
        const [u2, v2] = mapPoint(inv, x, y);
        expect(Math.abs(u2 - u) + Math.abs(v2 - v)).toBeLessThan(1e-9);
      }
      // Three points on the line v = 0.3 stay on one line.
      const [a, b, c] = [0.1, 0.5, 0.9].map((u) => mapPoint(m, u, 0.3));
      const cross = (b![0] - a![0]) * (c![1] - a![1]) - (b![1] - a![1]) * (c![0] - a![0]);
      expect(Math.abs(cross)).toBeLessThan(1e-9);
    }
  });

  it('refuses crossed or flat quads', () => {
    expect(homographyFromCorners([[0, 0], [1, 0], [0, 1], [1, 1]])).toBeNull();
    expect(homographyFromCorners([[0, 0], [0.5, 0], [1, 0], [0, 1]])).toBeNull();
  });
});

describe('mesh warp (Catmull-Rom)', () => {
  it('changes nothing on an identity grid', () => {
    const g = identityGrid(5, 4);
    for (const [u, v] of [[0, 0], [0.13, 0.77], [0.5, 0.5], [1, 1], [0.99, 0.01]] as const) {
      const [x, y] = meshPoint(g, u, v);
      expect(Math.abs(x - u) + Math.abs(y - v)).toBeLessThan(1e-12);
    }
  });

  it('passes through every control point and is smooth between them', () => {
    const g = identityGrid(4, 4);
    const points = g.points.map(([x, y], k) => [x + 0.03 * Math.sin(k * 1.7), y + 0.02 * Math.cos(k * 2.3)] as [number, number]);
    const w = { cols: 4, rows: 4, points };
    for (let j = 0; j < 4; j++)
      for (let i = 0; i < 4; i++) {
        const [x, y] = meshPoint(w, i / 3, j / 3);
        expect(Math.abs(x - points[j * 4 + i]![0]) + Math.abs(y - points[j * 4 + i]![1])).toBeLessThan(1e-12);
      }
    // The slope across a cell boundary (u = 1/3) is continuous: left and right differences agree.
    const h = 1e-5;
    const [l] = meshPoint(w, 1 / 3 - h, 0.4), [c] = meshPoint(w, 1 / 3, 0.4), [r] = meshPoint(w, 1 / 3 + h, 0.4);
    expect(Math.abs((c - l) / h - (r - c) / h)).toBeLessThan(1e-3);
  });

  it('Catmull-Rom goes from p1 to p2', () => {
    expect(catmullRom(0, 1, 3, 4, 0)).toBe(1);
    expect(catmullRom(0, 1, 3, 4, 1)).toBe(3);
    expect(catmullRom(0, 1, 2, 3, 0.25)).toBeCloseTo(1.25, 12);
  });
});

describe('soft-edge blend', () => {
  it('follows b<0.5 ? a·(2b)^p : 1−(1−a)·(2(1−b))^p, monotone from 0 to 1, then gamma', () => {
    expect(blendCurve(0, 2)).toBe(0);
    expect(blendCurve(0.5, 2)).toBe(0.5);
    expect(blendCurve(1, 2)).toBe(1);
    expect(blendCurve(0.25, 2)).toBeCloseTo(0.125, 12);
    expect(blendCurve(0.75, 2)).toBeCloseTo(0.875, 12);
    expect(blendCurve(0.3, 1)).toBeCloseTo(0.3, 12);
    let prev = -1;
    for (let i = 0; i <= 100; i++) {
      const w = blendWeight(i / 100, 3, 2.2);
      expect(w).toBeGreaterThanOrEqual(prev);
      prev = w;
    }
    expect(blendWeight(0.25, 2, 2)).toBeCloseTo(Math.sqrt(0.125), 12);
    // Two projectors' light (code value^gamma) adds up to one across the overlap.
    for (const b of [0.1, 0.3, 0.5, 0.8]) expect(blendWeight(b, 2, 2.2) ** 2.2 + blendWeight(1 - b, 2, 2.2) ** 2.2).toBeCloseTo(1, 9);
  });

  it('applies on each side, and is 1 outside the bands', () => {
    const e = { left: 0.25, right: 0, top: 0, bottom: 0.1 };
    expect(blendAt(e, 0.5, 0.5, 2, 1)).toBe(1);
    expect(blendAt(e, 0.125, 0.5, 2, 1)).toBeCloseTo(0.5, 12);
    expect(blendAt(e, 0, 0.5, 2, 1)).toBe(0);
    expect(blendAt(e, 0.5, 0.95, 2, 1)).toBeCloseTo(0.5, 12);
  });

  it('defaults to the overlap of neighbours in the wall layout', () => {
    const a = { x: 0, y: 0, w: 1920, h: 1080 };
    const b = { x: 1620, y: 0, w: 1920, h: 1080 };
    expect(overlapBlend(a, [b])).toEqual({ left: 0, right: 300, top: 0, bottom: 0 });
    expect(overlapBlend(b, [a])).toEqual({ left: 300, right: 0, top: 0, bottom: 0 });
    expect(overlapBlend(a, [{ x: 1920, y: 0, w: 1920, h: 1080 }])).toEqual({ left: 0, right: 0, top: 0, bottom: 0 });
    expect(overlapBlend(a, [{ x: 0, y: 980, w: 1920, h: 1080 }])).toEqual({ left: 0, right: 0, top: 0, bottom: 100 });
  });
});

describe('resolveOutput', () => {
  const view = (screen: Partial<DisplayView['screen']>, others: Array<{ id: string; rect: { x: number; y: number; w: number; h: number } }> = []): DisplayView =>
    ({
      screen: { id: 's1', wallId: 'w', rect: { x: 0, y: 0, w: 1920, h: 1080 }, known: true, blackout: false, ...screen },
      wall: { screens: [{ id: 's1', rect: screen.rect ?? { x: 0, y: 0, w: 1920, h: 1080 } }, ...others] },
    }) as unknown as DisplayView;

  it('is the identity with no settings, no pattern and no overlap', () => {
    expect(resolveOutput(view({})).identity).toBe(true);
    expect(resolveOutput(null).identity).toBe(true);
    expect(resolveOutput(view({ pattern: 'white' })).identity).toBe(false);
    expect(resolveOutput(view({ output: { brightness: 0.9 } })).identity).toBe(false);
  });

  it('turns blend widths in layout units into fractions, the overlap filling sides left unset', () => {
    const r = resolveOutput(view({ output: { blend: { left: 480, gamma: 1 } } }, [{ id: 's2', rect: { x: 1620, y: 0, w: 1920, h: 1080 } }]));
    expect(r.edges).toEqual({ left: 0.25, right: 300 / 1920, top: 0, bottom: 0 });
    expect(r.gamma).toBe(1);
    expect(r.identity).toBe(false);
  });

  it('ignores crossed corners and says why', () => {
    const r = resolveOutput(view({ output: { corners: [[0, 0], [1, 0], [0, 1], [1, 1]] } }));
    expect(r.problem).toContain('crossed');
    expect(r.identity).toBe(true);
  });
});
