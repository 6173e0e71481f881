import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { DoubleSide, Euler, Matrix4, type ShaderMaterial } from 'three';
import { bakeInstances } from './geometry';
import { useRandom, useWall } from 'pavilion/sdk';
import { placeLeaves } from './layout';
import { GLSL_COMMON, MAX_LIGHTS, MAX_RIPPLES, type SharedUniforms } from './world';

/** What the leaf's vertex shader hands its fragment shader. */
const VARYINGS = /* glsl */ `
varying vec2 vUv;
varying float vDist;
varying float vLight;
varying vec3 vGlow;
varying float vTone;
varying float vAccent;
`;

const vertexShader = /* glsl */ `
${GLSL_COMMON}
attribute vec4 aPos;    // centre, size
attribute vec4 aRight;  // leaf's across axis, sway
attribute vec4 aUp;     // leaf's stem-to-tip axis, phase
attribute vec4 aRnd;    // -, tone, exposure, accent
uniform vec4 uCre[${MAX_LIGHTS}];
uniform vec3 uCreCol[${MAX_LIGHTS}];
uniform vec4 uRip[${MAX_RIPPLES}];
uniform vec3 uRipCol[${MAX_RIPPLES}];
${VARYINGS}

void main() {
  vUv = uv;
  vec3 base = aPos.xyz;
  float t = uTime;
  float gust = gustAt(base, t);
  vec3 wind = windAt(base * 0.35, t * 0.6, gust);
  float phase = aUp.w * 6.2832;

  // Ripples of light from visitors' calls: a ring expanding through the foliage.
  vec3 glow = vec3(0.0);
  vec3 kick = vec3(0.0);
  // Loop bounds are compile-time (LIGHTS: 0 without visitors): a software rasteriser runs every
  // iteration of a loop whatever its exit condition.
#if LIGHTS > 0
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
  for (int i = 0; i < LIGHTS; i++) {
    vec3 d = base - uCre[i].xyz;
    glow += uCreCol[i] * uCre[i].w * 1.1 / (1.0 + dot(d, d) * 5.0);
  }
#endif
  vGlow = glow;

  // Flutter about the stem, stronger in gusts; the whole leaf drifts with the curl wind.
  float flutter = sin(t * (2.2 + aRnd.y * 1.5) + phase + base.x * 0.3) * 0.45 * gust;
  vec3 right = aRight.xyz;
  vec3 n = cross(right, aUp.xyz);
  vec3 up = normalize(aUp.xyz + n * flutter);
  float s = aPos.w;
  vec3 world = base + (right * position.x * 0.62 + up * position.y) * s;
  world += n * position.y * position.y * (0.15 + 0.2 * gust) * s;      // droop toward the tip
  world += (wind * 0.18 * aRight.w + kick) * s * (1.0 + position.y);

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
uniform vec3 uAccent;
uniform vec3 uFirefly;
${VARYINGS}

void main() {
  // The blade: a pointed leaf drawn in the quad, with a midrib and side veins.
  float w = 0.5 * pow(max(sin(3.14159 * pow(vUv.y, 0.8)), 0.0), 0.9) * (1.0 - 0.35 * vUv.y);
  float across = abs(vUv.x - 0.5) / max(w, 0.001);
  if (across > 1.0) discard;
  float vein = smoothstep(0.12, 0.0, across) * 0.55 + smoothstep(0.05, 0.0, abs(fract(vUv.y * 5.0 + across * 1.4) - 0.5) * across) * 0.2;
  vec3 light = mix(uLeafLight, uAccent, vAccent * 0.8) * (0.8 + 0.4 * vTone);
  float l = clamp(vLight * (0.7 + 0.6 * vUv.y) * (1.0 - 0.4 * across), 0.0, 1.3);
  vec3 col = mix(uLeafDark, light, l);
  col = mix(col, col * 1.35 + uSunColor * 0.05, vein * l);
  col += vGlow * (0.55 + 0.45 * vein);
  // At night a few leaves glow along their veins, like bioluminescent fungi.
  col += uFirefly * vein * smoothstep(0.78, 1.0, vTone) * (1.0 - uDay) * 0.35;
  col = applyFog(col, vDist);
  gl_FragColor = vec4(col, 1.0);
  #include <colorspace_fragment>
}
`;

export function Leaves({ u, count, hq, lights }: { u: SharedUniforms; count: number; hq: boolean; lights: { current: number } }) {
  const wall = useWall();
  const rng = useRandom(`leaves:${count}:${wall.aspect.toFixed(3)}`);
  const geometry = useMemo(() => {
    const set = placeLeaves(rng, count, wall.aspect);
    const right = new Float32Array(count * 4);
    const up = new Float32Array(count * 4);
    const m = new Matrix4();
    const e = new Euler();
    for (let i = 0; i < set.count; i++) {
      const r = set.rot.subarray(i * 4, i * 4 + 4);
      m.makeRotationFromEuler(e.set(r[1]!, r[0]!, r[2]!, 'YXZ'));
      const el = m.elements;
      right.set([el[0]!, el[1]!, el[2]!, r[3]!], i * 4);
      up.set([el[4]!, el[5]!, el[6]!, set.rnd[i * 4]!], i * 4);
    }
    // A quad; the fragment shader cuts the pointed blade (fewer vertices beat fewer fragments here).
    const blade = { position: [-0.5, 0, 0, 0.5, 0, 0, -0.5, 1, 0, 0.5, 1, 0], uv: [0, 0, 1, 0, 0, 1, 1, 1], index: [0, 1, 2, 2, 1, 3] };
    return bakeInstances(blade, set.count, {
      aPos: { data: set.pos, size: 4 },
      aRight: { data: right, size: 4 },
      aUp: { data: up, size: 4 },
      aRnd: { data: set.rnd, size: 4 },
    });
  }, [rng, count, wall.aspect]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const uniforms = useMemo(() => ({ ...u }), [u]);
  const material = useRef<ShaderMaterial>(null);
  useFrame(() => {
    const m = material.current;
    if (m && m.defines.LIGHTS !== lights.current) {
      m.defines.LIGHTS = lights.current;
      m.needsUpdate = true;
    }
  });
  return (
    <mesh geometry={geometry} frustumCulled={false}>
      <shaderMaterial ref={material} key={hq ? 'hq' : 'lq'} args={[{ uniforms, vertexShader, fragmentShader, side: DoubleSide, defines: { LIGHTS: 0, ...(hq ? { HQ: 1 } : {}) } }]} />
    </mesh>
  );
}
