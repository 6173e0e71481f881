import { BufferAttribute, BufferGeometry } from 'three';

/**
 * Bakes "instances" into one plain geometry: every vertex of the base shape, once per instance,
 * carrying that instance's attributes. Same shaders as instancing, but one draw without per-instance
 * overhead (software rasterisers such as SwiftShader pay a high price per instance).
 */
export function bakeInstances(
  base: { position: number[]; uv: number[]; index: number[] },
  count: number,
  attrs: Record<string, { data: Float32Array; size: number }>,
): BufferGeometry {
  const nv = base.position.length / 3;
  const position = new Float32Array(count * nv * 3);
  const uv = new Float32Array(count * nv * 2);
  const index: number[] = new Array(count * base.index.length);
  const baked: Record<string, Float32Array> = {};
  for (const [name, a] of Object.entries(attrs)) baked[name] = new Float32Array(count * nv * a.size);
  for (let i = 0; i < count; i++) {
    position.set(base.position, i * nv * 3);
    uv.set(base.uv, i * nv * 2);
    for (let k = 0; k < base.index.length; k++) index[i * base.index.length + k] = base.index[k]! + i * nv;
    for (const [name, a] of Object.entries(attrs)) {
      const src = a.data.subarray(i * a.size, i * a.size + a.size);
      const dst = baked[name]!;
      for (let v = 0; v < nv; v++) dst.set(src, (i * nv + v) * a.size);
    }
  }
  const g = new BufferGeometry();
  g.setIndex(index);
  g.setAttribute('position', new BufferAttribute(position, 3));
  g.setAttribute('uv', new BufferAttribute(uv, 2));
  for (const [name, a] of Object.entries(attrs)) g.setAttribute(name, new BufferAttribute(baked[name]!, a.size));
  return g;
}

/** A unit quad centred on the origin, facing +z. */
export const QUAD = { position: [-0.5, -0.5, 0, 0.5, -0.5, 0, -0.5, 0.5, 0, 0.5, 0.5, 0], uv: [0, 0, 1, 0, 0, 1, 1, 1], index: [0, 1, 2, 2, 1, 3] };
