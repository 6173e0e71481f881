import { describe, expect, it } from 'vitest';
import { Euler, Quaternion, Vector3 } from 'three';
import { COPIES, EYE, copiesInView, forestPoint, intoCopy } from '../../installations/canopy/Immersive';
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
  it('draws only the copies a headset can see: not the ones behind the viewer, all of them looking up or down', () => {
    const look = (yawDeg: number, pitchDeg = 0) => {
      const q = new Quaternion().setFromEuler(new Euler((pitchDeg * Math.PI) / 180, (yawDeg * Math.PI) / 180, 0, 'YXZ'));
      return copiesInView(q);
    };
    expect(COPIES).toBe(5);
    // Ahead (copy 0 at -z): copies 2 and 3 (144° either side) are behind.
    expect(look(0)).toEqual([true, true, false, false, true]);
    // Facing copy 1 (turned 72° to the left, as the copies turn): copies 3 and 4 are behind.
    expect(look(72)).toEqual([true, true, true, false, false]);
    // Between two copies, the far one alone is behind.
    expect(look(180)).toEqual([false, true, true, true, true]);
    // Looking up into the crowns, or down, every copy may be in view.
    expect(look(0, 45)).toEqual([true, true, true, true, true]);
    expect(look(0, -45)).toEqual([true, true, true, true, true]);
    // Never fewer than the copies within a headset's widest view (110°) of where the head looks, whatever the heading.
    for (let yaw = 0; yaw < 360; yaw += 5) {
      const seen = look(yaw);
      for (let k = 0; k < COPIES; k++) {
        const off = Math.abs(((((k * 72 - yaw) % 360) + 540) % 360) - 180);
        if (off - 37.5 <= 55) expect(seen[k], `copy ${k} at heading ${yaw}°`).toBe(true);
      }
      expect(seen.filter(Boolean).length).toBeLessThan(COPIES);
    }
  });
});
