import { describe, expect, it } from 'vitest';
import { Vector3 } from 'three';
import { COPIES, EYE, forestPoint, intoCopy } from '../../installations/canopy/Immersive';
import { CAMERA } from '../../installations/canopy/layout';
import manifest from '../../installations/canopy/manifest.json';
import { Manifest } from '../../protocol';

describe('canopy in a VR station', () => {
  it('declares itself VR-capable', () => {
    expect(Manifest.parse(manifest).vr).toBe(true);
  });
  it('stands the viewer where the flat camera looks from, eyes 1.6 m over the floor', () => {
    const p = forestPoint(0, EYE, 0, new Vector3());
    expect(p.toArray()).toEqual([CAMERA.x, CAMERA.y, CAMERA.z]);
  });
  it("puts a light into each copy's coordinates so that it lands where it is (the copies turn round the viewer)", () => {
    const light = { x: CAMERA.x + 1, y: 2, z: CAMERA.z - 3 };
    for (let k = 0; k < COPIES; k++) {
      const local = { x: 0, y: 0, z: 0 };
      intoCopy(k, light, local);
      // Turn the copy's point back by the copy's angle: the light itself.
      const a = (k * 2 * Math.PI) / COPIES;
      const dx = local.x - CAMERA.x, dz = local.z - CAMERA.z;
      const world = new Vector3(dx, 0, dz).applyAxisAngle(new Vector3(0, 1, 0), a);
      expect(world.x + CAMERA.x).toBeCloseTo(light.x);
      expect(world.z + CAMERA.z).toBeCloseTo(light.z);
      expect(local.y).toBe(2);
    }
  });
});
