import { useMemo, useRef } from 'react';
import { AdditiveBlending, BufferAttribute, BufferGeometry, InstancedBufferAttribute, InstancedBufferGeometry, PlaneGeometry, type LineSegments } from 'three';
import { useFrame, useThree } from '@react-three/fiber';
import { glsl } from 'pavilion/sdk';
import { viewAt } from './layout';
import { useScatter } from './scatter';
import { GLSL_COMMON, type SharedUniforms } from './world';

const rayVertex = /* glsl */ `
${GLSL_COMMON}
attribute vec3 aTop;
attribute vec4 aShape; // width, length, seed, strength
varying vec2 vUv;
varying float vSeed;
varying float vStrength;
void main() {
  vUv = uv;
  vSeed = aShape.z;
  vStrength = aShape.w;
  // The shaft's top through the mesh's transform (the identity on a wall; a copy of the forest turned round a VR viewer).
  vec3 top = (modelMatrix * vec4(aTop, 1.0)).xyz;
  vec3 axis = normalize(vec3(-uSunDir.x * 0.9, -1.6, 0.15));
  vec3 toCam = normalize(cameraPosition - top);
  vec3 across = normalize(cross(axis, toCam));
  float along = 0.5 - position.y;
  vec3 w = top + axis * along * aShape.y + across * position.x * aShape.x * (1.0 + along * 1.2);
  gl_Position = projectionMatrix * viewMatrix * vec4(w, 1.0);
}
`;
const rayFragment = /* glsl */ `
${GLSL_COMMON}
${glsl.noise}
varying vec2 vUv;
varying float vSeed;
varying float vStrength;
void main() {
  float along = 1.0 - vUv.y;
  float e = 1.0 - abs(vUv.x - 0.5) * 2.0;
  e = e * e * (3.0 - 2.0 * e);
  float fall = smoothstep(0.0, 0.12, along) * pow(1.0 - along, 1.6);
  float flicker = 0.55 + 0.45 * sin(uTime * 0.17 + vSeed * 6.28) * sin(uTime * 0.11 + vSeed * 17.0);
  // Dust glinting in the beam.
  vec2 dp = vec2(vUv.x * 10.0 + vSeed * 50.0, vUv.y * 70.0 + uTime * 0.8);
  float dust = step(0.93, hash12(floor(dp))) * smoothstep(0.45, 0.0, length(fract(dp) - 0.5));
  float a = e * fall * (flicker * 0.75 + dust * 0.9) * vStrength;
  vec3 col = uSunColor * a * 0.45 * (0.15 + 0.85 * uDay) * (1.0 - 0.85 * uRain);
  gl_FragColor = vec4(col, 1.0);
  #include <colorspace_fragment>
}
`;

/** Shafts of light falling through gaps in the canopy, slanting with the sun. */
export function Rays({ u, count }: { u: SharedUniforms; count: number }) {
  const geometry = useScatter('rays', count, (rng, aspect) => {
    const plane = new PlaneGeometry(1, 1, 1, 1);
    const g = new InstancedBufferGeometry();
    g.setIndex(plane.index);
    g.setAttribute('position', plane.getAttribute('position'));
    g.setAttribute('uv', plane.getAttribute('uv'));
    const top = new Float32Array(count * 3);
    const shape = new Float32Array(count * 4);
    for (let i = 0; i < count; i++) {
      const z = rng.range(-34, -6);
      const v = viewAt(z, aspect, 1);
      top.set([v.cx + v.hw * ((i + rng.range(0.1, 0.9)) / count * 2 - 1), v.cy + v.hh * 1.05, z], i * 3);
      shape.set([v.d * rng.range(0.03, 0.09), v.hh * rng.range(1.6, 2.6), rng.next(), rng.range(0.5, 1)], i * 4);
    }
    g.setAttribute('aTop', new InstancedBufferAttribute(top, 3));
    g.setAttribute('aShape', new InstancedBufferAttribute(shape, 4));
    g.instanceCount = count;
    plane.dispose();
    return g;
  });
  const uniforms = useMemo(() => ({ ...u }), [u]);
  return (
    <mesh geometry={geometry} frustumCulled={false} renderOrder={5}>
      <shaderMaterial args={[{ uniforms, vertexShader: rayVertex, fragmentShader: rayFragment, transparent: true, depthWrite: false, blending: AdditiveBlending }]} />
    </mesh>
  );
}

const moteVertex = /* glsl */ `
${GLSL_COMMON}
attribute vec4 aSeed; // phase, rate, size, firefly
uniform float uViewH;
uniform vec3 uMote;
uniform vec3 uFirefly;
varying vec3 vCol;
void main() {
  float ph = aSeed.x * 6.2832;
  float t = uTime;
  vec3 p = position + vec3(sin(t * 0.11 * aSeed.y + ph) * 1.4, sin(t * 0.07 * aSeed.y + ph * 2.0) * 0.9, cos(t * 0.09 * aSeed.y + ph) * 1.1);
  p += windAt(position * 0.2, t * 0.3, 1.0) * 0.5;
  vec4 mv = modelViewMatrix * vec4(p, 1.0);
  float dist = -mv.z;
  float night = 1.0 - uDay;
  float blink = pow(max(0.0, sin(uSec * (0.5 + aSeed.y * 0.7) + ph * 3.0)), 5.0);
  float ff = aSeed.w * night * (0.15 + 0.85 * blink);
  vec3 dir = normalize(p - cameraPosition);
  float glint = 0.35 + 0.65 * pow(max(dot(dir, uSunDir), 0.0), 3.0);
  float spore = (1.0 - aSeed.w * 0.7) * uDay * (1.0 - uRain) * glint * 0.55;
  vCol = (uMote * spore + uFirefly * ff * 1.6) * exp(-dist * uFogDensity * 0.6);
  float px = aSeed.z * (1.0 + ff) * projectionMatrix[1][1] * 0.5 * uViewH / dist;
  gl_PointSize = clamp(px, 1.5, 48.0);
  gl_Position = projectionMatrix * mv;
}
`;
const moteFragment = /* glsl */ `
varying vec3 vCol;
void main() {
  float d = length(gl_PointCoord - 0.5);
  float a = exp(-d * d * 22.0) + smoothstep(0.12, 0.0, d) * 0.6;
  gl_FragColor = vec4(vCol * a, 1.0);
  #include <colorspace_fragment>
}
`;

/** Spores drifting in the light by day; fireflies blinking by night. */
export function Motes({ u, count }: { u: SharedUniforms; count: number }) {
  const geometry = useScatter('motes', count, (rng, aspect) => {
    const pos = new Float32Array(count * 3);
    const seed = new Float32Array(count * 4);
    for (let i = 0; i < count; i++) {
      const firefly = rng.next() < 0.45 ? 1 : 0;
      const z = firefly ? rng.range(-26, 7) : rng.range(-40, 7);
      const v = viewAt(z, aspect);
      const y = firefly ? v.cy + v.hh * rng.range(-1, 0.4) : v.cy + v.hh * rng.range(-1, 1);
      pos.set([v.cx + rng.range(-v.hw, v.hw), y, z], i * 3);
      seed.set([rng.next(), rng.range(0.5, 1.5), rng.range(0.03, 0.08) * (firefly ? 1.6 : 1), firefly], i * 4);
    }
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(pos, 3));
    g.setAttribute('aSeed', new BufferAttribute(seed, 4));
    return g;
  });
  const viewH = useThree((s) => s.size.height * s.viewport.dpr);
  const uniforms = useMemo(() => ({ ...u, uViewH: { value: viewH } }), [u, viewH]);
  return (
    <points geometry={geometry} frustumCulled={false} renderOrder={6}>
      <shaderMaterial args={[{ uniforms, vertexShader: moteVertex, fragmentShader: moteFragment, transparent: true, depthWrite: false, blending: AdditiveBlending }]} />
    </points>
  );
}

const rainVertex = /* glsl */ `
${GLSL_COMMON}
attribute vec4 aDrop;  // x, z, top, height
attribute vec2 aFall;  // phase, speed
varying float vA;
void main() {
  float y = aDrop.z - mod(aFall.x * aDrop.w + uSec * aFall.y, aDrop.w);
  float slant = 0.25 * gustAt(vec3(aDrop.x, y, aDrop.y), uTime);
  float len = 0.35 + 0.02 * (10.0 - aDrop.y);
  vec3 p = vec3(aDrop.x + position.y * len * slant, y + position.y * len, aDrop.y);
  vec4 mv = modelViewMatrix * vec4(p, 1.0);
  vA = uRain * (0.25 + 0.75 * position.y) * exp(-(-mv.z) * uFogDensity * 0.8);
  gl_Position = projectionMatrix * mv;
}
`;
const rainFragment = /* glsl */ `
uniform vec3 uSkyHor;
varying float vA;
void main() {
  gl_FragColor = vec4(mix(uSkyHor, vec3(1.0), 0.5) * vA * 0.5, 1.0);
  #include <colorspace_fragment>
}
`;

/** Rain streaks, visible only while the forest's rain passes. */
export function Rain({ u, count }: { u: SharedUniforms; count: number }) {
  const geometry = useScatter('rain', count, (rng, aspect) => {
    const pos = new Float32Array(count * 6);
    const drop = new Float32Array(count * 8);
    const fall = new Float32Array(count * 4);
    for (let i = 0; i < count; i++) {
      const z = rng.range(-30, 8);
      const v = viewAt(z, aspect);
      const d = [v.cx + rng.range(-v.hw, v.hw), z, v.cy + v.hh, v.hh * 2];
      const f = [rng.next(), rng.range(9, 14)];
      pos.set([0, 0, 0, 0, 1, 0], i * 6);
      drop.set([...d, ...d], i * 8);
      fall.set([...f, ...f], i * 4);
    }
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(pos, 3));
    g.setAttribute('aDrop', new BufferAttribute(drop, 4));
    g.setAttribute('aFall', new BufferAttribute(fall, 2));
    return g;
  });
  const uniforms = useMemo(() => ({ ...u }), [u]);
  const ref = useRef<LineSegments>(null);
  useFrame(() => {
    if (ref.current) ref.current.visible = u.uRain.value > 0.001;
  });
  return (
    <lineSegments ref={ref} geometry={geometry} frustumCulled={false} renderOrder={7}>
      <shaderMaterial args={[{ uniforms, vertexShader: rainVertex, fragmentShader: rainFragment, transparent: true, depthWrite: false, blending: AdditiveBlending }]} />
    </lineSegments>
  );
}
