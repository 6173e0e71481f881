import { describe, expect, it } from 'vitest';
import { wallPlaneOf } from '../../sdk/wall-plane';

const rect = (x: number, y: number, w: number, h: number) => ({ id: 's', x, y, w, h });

describe('wallPlaneOf: the world size of the z = 0 plane for a wall', () => {
  // The host's camera: fov 40, 10 units from the plane.
  const cam = { fov: 40, distance: 10 };

  it('spans the whole wall: height from the fov and distance, width from the wall aspect', () => {
    const wall = { aspect: 5760 / 1080, height: 1080, screen: rect(0, 0, 1920, 1080) };
    const p = wallPlaneOf(cam, wall, 270);
    expect(p.height).toBeCloseTo(2 * 10 * Math.tan((20 * Math.PI) / 180), 12);
    expect(p.height).toBeCloseTo(7.2794, 4);
    expect(p.width).toBeCloseTo(p.height * (16 / 3), 12);
    expect(p.aspect).toBe(wall.aspect);
    // One row of screens: a pixel is the plane's height over the canvas height.
    expect(p.pixel).toBeCloseTo(p.height / 270, 12);
    expect(p.at(5).height).toBeCloseTo(p.height / 2, 12);
    expect(p.at(5).width).toBeCloseTo(p.width / 2, 12);
  });

  it('sizes a pixel by the part of the wall this screen shows (a 2×2 wall: half the height)', () => {
    const wall = { aspect: 3840 / 2160, height: 2160, screen: rect(1920, 1080, 1920, 1080) };
    const p = wallPlaneOf(cam, wall, 1080);
    expect(p.pixel).toBeCloseTo(p.height / 2 / 1080, 12);
  });

  it('handles an orthographic camera (wall units) and a zero-height canvas', () => {
    const wall = { aspect: 2, height: 1000, screen: rect(0, 0, 2000, 1000) };
    const p = wallPlaneOf({ orthographic: true, zoom: 2 }, wall, 0);
    expect(p.height).toBe(500);
    expect(p.width).toBe(1000);
    expect(p.pixel).toBe(500);
  });
});
