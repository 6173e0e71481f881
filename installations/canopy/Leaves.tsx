import { useEffect, useMemo } from 'react';
import { BufferAttribute, DoubleSide, InstancedBufferAttribute, InstancedBufferGeometry } from 'three';
import { useRandom, useWall } from 'pavilion/sdk';
import { placeLeaves } from './layout';
import { GLSL_COMMON, MAX_LIGHTS, MAX_RIPPLES, type SharedUniforms } from './world';

/** A leaf: a pointed blade along +y, a midrib down x = 0 (uv.x = 0.5). */
function leafBlade(rows: number) {
  const pos: number[] = [];
  const uv: number[] = [];
  const idx: number[] = [];
  for (let r = 0; r <= rows; r++) {
    const v = r / rows;
    const w = 0.3 * Math.pow(Math.sin(Math.PI * Math.min(1, v * 1.08)), 0.7) * (1 - 0.25 * v);
    for (const s of [-1, 0, 1]) {
      pos.push(s * w, v, 0);
      uv.push(0.5 + s * 0.5, v);
    }
    if (r < rows) {
      const a = r * 3;
      idx.push(a, a + 3, a + 1, a + 1, a + 3, a + 4, a + 1, a + 4, a + 2, a + 2, a + 4, a + 5);
    }
  }
  return { pos: new Float32Array(pos), uv: new Float32Array(uv), idx };
}

const vertexShader = /* glsl */ `
${GLSL_COMMON}
attribute vec4 aPos;
attribute vec4 aRot;
attribute vec4 aRnd;
uniform vec4 uCre[${MAX_LIGHTS}];
uniform vec3 uCreCol[${MAX_LIGHTS}];
uniform float uCreN;
uniform vec4 uRip[${MAX_RIPPLES}];
uniform vec3 uRipCol[${MAX_RIPPLES}];
varying vec2 vUv;
varying float vDist;
varying float vLight;
varying vec3 vGlow;
varying float vTone;
varying float vAccent;

mat3 rotXYZ(vec3 a) {
  float cx = cos(a.x), sx = sin(a.x), cy = cos(a.y), sy = sin(a.y), cz = cos(a.z), sz = sin(a.z);
  mat3 rx = mat3(1.0, 0.0, 0.0, 0.0, cx, sx, 0.0, -sx, cx);
  mat3 ry = mat3(cy, 0.0, -sy, 0.0, 1.0, 0.0, sy, 0.0, cy);
  mat3 rz = mat3(cz, sz, 0.0, -sz, cz, 0.0, 0.0, 0.0, 1.0);
  return ry * rx * rz;
}

void main() {
  vUv = uv;
  vec3 base = aPos.xyz;
  float t = uTime;
  vec3 wind = windAt(base * 0.35, t * 0.6);
  float gust = gustAt(base, t);
  float phase = aRnd.x * 6.2832;

  // Ripples of light from visitors' calls: a ring expanding through the foliage.
  vec3 glow = vec3(0.0);
  vec3 kick = vec3(0.0);
  for (int i = 0; i < ${MAX_RIPPLES}; i++) {
    float age = uSec - uRip[i].w;
    if (age < 0.0 || age > 7.0) continue;
    vec3 d = base - uRip[i].xyz;
    float dist = length(d);
    float ring = exp(-pow((dist - age * 7.0) * 0.45, 2.0)) * (1.0 - age / 7.0);
    glow += uRipCol[i] * ring * 2.2;
    kick += d / max(dist, 0.001) * ring * 0.35;
  }
  // Light from the visitors' creatures.
  for (int i = 0; i < ${MAX_LIGHTS}; i++) {
    if (float(i) >= uCreN) break;
    vec3 d = base - uCre[i].xyz;
    glow += uCreCol[i] * uCre[i].w * 1.6 / (1.0 + dot(d, d) * 1.2);
  }
  vGlow = glow;

  // Flutter about the stem, stronger in gusts; the whole leaf drifts with the curl wind.
  float flutter = sin(t * (2.2 + aRnd.y * 1.5) + phase + base.x * 0.3) * 0.35 * gust;
  vec3 ang = aRot.xyz + vec3(flutter, flutter * 0.6, 0.2 * sin(t * 1.3 + phase));
  vec3 p = position;
  p.z += abs(p.x) * 0.6;                          // fold along the midrib
  p.z -= p.y * p.y * (0.25 + 0.25 * gust);         // droop and curl toward the tip
  p *= aPos.w;
  vec3 world = base + rotXYZ(ang) * p;
  world += (wind * 0.18 * aRot.w + kick) * aPos.w * (1.0 + uv.y);

  vec4 mv = modelViewMatrix * vec4(world, 1.0);
  vDist = -mv.z;
  // Leaves high in the crowns and on the sun's side glow through; the light dapples as they move.
  float dapple = 0.55 + 0.45 * sin(base.x * 1.7 + base.y * 1.3 + t * 0.9 + flutter * 3.0);
  float sunSide = 0.65 + 0.35 * clamp(dot(normalize(base - cameraPosition), uSunDir) * 1.5, -1.0, 1.0);
  vLight = aRnd.z * sunSide * (0.25 + 0.75 * uDay) * dapple;
  vTone = aRnd.y;
  vAccent = aRnd.w;
  gl_Position = projectionMatrix * mv;
}
`;

const fragmentShader = /* glsl */ `
${GLSL_COMMON}
uniform vec3 uLeafDark;
uniform vec3 uLeafLight;
uniform vec3 uAccent;
varying vec2 vUv;
varying float vDist;
varying float vLight;
varying vec3 vGlow;
varying float vTone;
varying float vAccent;

void main() {
  float across = abs(vUv.x - 0.5) * 2.0;
  float vein = smoothstep(0.12, 0.0, across) * 0.55 + smoothstep(0.05, 0.0, abs(fract(vUv.y * 5.0 + across * 1.4) - 0.5) * across) * 0.2;
  vec3 light = mix(uLeafLight, uAccent, vAccent * 0.8) * (0.8 + 0.4 * vTone);
  float l = clamp(vLight * (0.7 + 0.6 * vUv.y) * (1.0 - 0.4 * across), 0.0, 1.3);
  vec3 col = mix(uLeafDark, light, l);
  col = mix(col, col * 1.35 + uSunColor * 0.05, vein * l);
  col += vGlow * (0.55 + 0.45 * vein);
  col = applyFog(col, vDist);
  gl_FragColor = vec4(col, 1.0);
  #include <colorspace_fragment>
}
`;

export function Leaves({ u, count }: { u: SharedUniforms; count: number }) {
  const wall = useWall();
  const rng = useRandom(`leaves:${count}:${wall.aspect.toFixed(3)}`);
  const geometry = useMemo(() => {
    const set = placeLeaves(rng, count, wall.aspect);
    const blade = leafBlade(6);
    const g = new InstancedBufferGeometry();
    g.setIndex(blade.idx);
    g.setAttribute('position', new BufferAttribute(blade.pos, 3));
    g.setAttribute('uv', new BufferAttribute(blade.uv, 2));
    g.setAttribute('aPos', new InstancedBufferAttribute(set.pos, 4));
    g.setAttribute('aRot', new InstancedBufferAttribute(set.rot, 4));
    g.setAttribute('aRnd', new InstancedBufferAttribute(set.rnd, 4));
    g.instanceCount = set.count;
    return g;
  }, [rng, count, wall.aspect]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const uniforms = useMemo(() => ({ ...u }), [u]);
  return (
    <mesh geometry={geometry} frustumCulled={false}>
      <shaderMaterial args={[{ uniforms, vertexShader, fragmentShader, side: DoubleSide }]} />
    </mesh>
  );
}
