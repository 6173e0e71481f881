import { useFrame } from '@react-three/fiber';
import { useContext, useMemo } from 'react';
import { HostContext } from './context';

const vertex = /* glsl */ `
varying vec2 vUv;
void main() { vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }
`;
const fragment = /* glsl */ `
uniform float uTime;
varying vec2 vUv;
void main() {
  float w = 0.5 + 0.5 * sin(uTime * 0.15 + vUv.x * 2.0 + vUv.y * 1.3);
  vec3 a = vec3(0.03, 0.05, 0.09);
  vec3 b = vec3(0.07, 0.10, 0.16);
  gl_FragColor = vec4(mix(a, b, w), 1.0);
}
`;

/** A calm, slow gradient: what a screen shows in place of a piece that failed. */
export function Fallback() {
  const host = useContext(HostContext);
  const uniforms = useMemo(() => ({ uTime: { value: 0 } }), []);
  useFrame(() => {
    uniforms.uTime.value = ((host?.clock.showTime ?? 0) / 1000) % 10000;
  });
  return (
    <mesh frustumCulled={false} renderOrder={-1}>
      <planeGeometry args={[2, 2]} />
      <shaderMaterial vertexShader={vertex} fragmentShader={fragment} uniforms={uniforms} depthTest={false} depthWrite={false} />
    </mesh>
  );
}
