/**
 * Cue tide: the bench's light piece (bench/sync). One full-wall quad whose bands of colour drift
 * with show time, so that the cue spread measures the switch and not software WebGL's frame rate.
 * The bench packs it twice (cue-tide, cue-tide-2) and alternates between the two.
 */
import { useMemo } from 'react';
import { useFrame } from '@react-three/fiber';
import { defineInstallation, useParams, useShowTime, useWall, type ManifestInput } from 'pavilion/sdk';
import manifest from './manifest.json';

const VERTEX = /* glsl */ `
varying vec2 vUv;
void main() { vUv = uv; gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0); }`;

const FRAGMENT = /* glsl */ `
uniform float uTime;
uniform float uHue;
uniform float uAspect;
varying vec2 vUv;
vec3 hsv(float h, float s, float v) { return v * mix(vec3(1.0), clamp(abs(fract(h + vec3(0.0, 2.0, 1.0) / 3.0) * 6.0 - 3.0) - 1.0, 0.0, 1.0), s); }
void main() {
  vec2 p = vec2(vUv.x * uAspect, vUv.y);
  float band = sin(p.x * 3.1 + p.y * 1.7 - uTime * 0.35) * 0.5 + 0.5;
  float swell = sin(p.x * 0.9 - p.y * 2.3 + uTime * 0.21) * 0.5 + 0.5;
  vec3 c = hsv(uHue + 0.06 * swell, 0.55, 0.16 + 0.5 * band * band);
  gl_FragColor = vec4(c, 1.0);
}`;

function Tide() {
  const time = useShowTime();
  const wall = useWall();
  const { hue } = useParams<{ hue: number }>();
  const uniforms = useMemo(() => ({ uTime: { value: 0 }, uHue: { value: hue }, uAspect: { value: wall.aspect } }), [hue, wall.aspect]);
  useFrame(() => {
    uniforms.uTime.value = time.seconds;
  });
  return (
    <mesh scale={[8 * wall.aspect, 8, 1]}>
      <planeGeometry args={[1, 1]} />
      <shaderMaterial uniforms={uniforms} vertexShader={VERTEX} fragmentShader={FRAGMENT} />
    </mesh>
  );
}

export default defineInstallation({ manifest: manifest as ManifestInput, Component: Tide });
