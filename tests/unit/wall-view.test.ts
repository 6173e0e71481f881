import { describe, expect, it } from 'vitest';
import { OrthographicCamera, PerspectiveCamera, Vector3, type Camera } from 'three';
import { applyWallView } from '../../client/host/wall-view';

/**
 * Spanning without a renderer: each screen's camera (wall aspect + view offset for its rectangle)
 * must put every point at the same wall pixel as one camera that sees the whole wall.
 */
type Rect = { x: number; y: number; w: number; h: number };

function cameras(kind: 'perspective' | 'orthographic', width: number, height: number, rects: Rect[]) {
  const make = (): Camera => {
    const c = kind === 'perspective' ? new PerspectiveCamera(60, 1, 0.1, 100) : new OrthographicCamera(-1, 1, 1, -1, 0.1, 100);
    c.position.set(0.3, -0.2, 5);
    c.lookAt(0, 0.1, 0);
    c.updateMatrixWorld();
    return c;
  };
  const full = make();
  applyWallView(full, { width, height, screen: { id: 'all', x: 0, y: 0, w: width, h: height } });
  const screens = rects.map((r, i) => {
    const c = make();
    applyWallView(c, { width, height, screen: { id: `s${i}`, ...r } });
    return c;
  });
  return { full, screens };
}

/** Wall pixel of a world point as seen by `cam` drawing `rect` of the wall. */
function wallPixel(cam: Camera, rect: Rect, p: Vector3): { x: number; y: number; z: number } {
  const n = p.clone().project(cam);
  return { x: rect.x + ((n.x + 1) / 2) * rect.w, y: rect.y + ((1 - n.y) / 2) * rect.h, z: n.z };
}

/** Points spread over the view: ±sx, ±sy in world units around the origin. */
function points(n: number, sx: number, sy: number): Vector3[] {
  let s = 12345;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  return Array.from({ length: n }, () => new Vector3(r() * sx, r() * sy, r() * 2));
}

const inside = (px: { x: number; y: number }, r: Rect) => px.x >= r.x && px.x <= r.x + r.w && px.y >= r.y && px.y <= r.y + r.h;

describe.each(['perspective', 'orthographic'] as const)('spanning a wall (%s camera)', (kind) => {
  const layouts: Array<[string, number, number, Rect[]]> = [
    ['3×1, edge to edge', 5760, 1080, [0, 1920, 3840].map((x) => ({ x, y: 0, w: 1920, h: 1080 }))],
    ['3×1 with 40 px bezels', 5840, 1080, [0, 1960, 3920].map((x) => ({ x, y: 0, w: 1920, h: 1080 }))],
    ['two projectors overlapping by 240 px', 3600, 1080, [{ x: 0, y: 0, w: 1920, h: 1080 }, { x: 1680, y: 0, w: 1920, h: 1080 }]],
    ['2×2', 3840, 2160, [{ x: 0, y: 0, w: 1920, h: 1080 }, { x: 1920, y: 0, w: 1920, h: 1080 }, { x: 0, y: 1080, w: 1920, h: 1080 }, { x: 1920, y: 1080, w: 1920, h: 1080 }]],
  ];

  it.each(layouts)('%s: every screen puts each point on the same wall pixel as the whole-wall camera', (_name, width, height, rects) => {
    const { full, screens } = cameras(kind, width, height, rects);
    const wall = { x: 0, y: 0, w: width, h: height };
    let seen = 0;
    const seenBy: number[] = [];
    // The orthographic camera spans the wall in wall units (one per pixel).
    for (const p of kind === 'perspective' ? points(400, 6, 2) : points(400, width / 2, height / 2)) {
      const want = wallPixel(full, wall, p);
      const on = rects.map((r, i) => (inside(want, r) ? i : -1)).filter((i) => i >= 0);
      for (const i of on) {
        const got = wallPixel(screens[i]!, rects[i]!, p);
        expect(got.x).toBeCloseTo(want.x, 4);
        expect(got.y).toBeCloseTo(want.y, 4);
        expect(got.z).toBeCloseTo(want.z, 6);
        seen++;
        seenBy.push(i);
      }
      // A point that falls in no screen's rectangle (a bezel) is outside every screen's view.
      if (!on.length)
        for (const [i, cam] of screens.entries()) {
          const n = p.clone().project(cam);
          expect(Math.abs(n.x) > 1 || Math.abs(n.y) > 1, `a bezel point is on screen ${i}`).toBe(true);
        }
    }
    expect(seen).toBeGreaterThan(200);
    // Every screen gets some of the points.
    expect(new Set(seenBy).size).toBe(rects.length);
  });

  it('a screen without the view offset would not match (the check can fail)', () => {
    const { full } = cameras(kind, 5760, 1080, []);
    const wrong = kind === 'perspective' ? new PerspectiveCamera(60, 1920 / 1080, 0.1, 100) : new OrthographicCamera(-960, 960, 540, -540, 0.1, 100);
    wrong.position.copy(full.position);
    wrong.quaternion.copy(full.quaternion);
    wrong.updateMatrixWorld();
    wrong.updateProjectionMatrix();
    const p = kind === 'perspective' ? new Vector3(-1, 0.3, 0) : new Vector3(-700, 200, 0);
    const want = wallPixel(full, { x: 0, y: 0, w: 5760, h: 1080 }, p);
    const got = wallPixel(wrong, { x: 0, y: 0, w: 1920, h: 1080 }, p);
    expect(Math.abs(got.x - want.x) + Math.abs(got.y - want.y)).toBeGreaterThan(10);
  });
});
