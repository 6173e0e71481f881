import { useEffect, useMemo, useRef } from 'react';
import { AdditiveBlending, BackSide, BufferAttribute, BufferGeometry, type Points } from 'three';
import { useFrame } from '@react-three/fiber';
import { glsl, useRandom } from 'pavilion/sdk';
import { CAMERA } from './layout';
import { GLSL_COMMON, type SharedUniforms } from './world';

// The sky is shaded per vertex on a finely divided sphere: it is smooth anyway, and a per-pixel
// full-screen pass is the most expensive thing a software rasteriser does.
const skyVertex = /* glsl */ `
${GLSL_COMMON}
${glsl.noise}
uniform float uHaze;
uniform vec3 uSkyTop;
uniform vec3 uSkyHor;
varying vec3 vCol;
void main() {
  vec4 w = modelMatrix * vec4(position, 1.0);
  vec3 dir = normalize(w.xyz - cameraPosition);
  vec3 col = mix(uSkyHor, uSkyTop, smoothstep(0.0, 0.75, dir.y));
  col = mix(col, uFogColor, smoothstep(0.05, -0.3, dir.y));
  float sd = max(dot(dir, uSunDir), 0.0);
  col += uSunColor * (pow(sd, 24.0) * 0.5 + pow(sd, 6.0) * 0.3 + pow(sd, 2.0) * 0.12) * (0.35 + 0.65 * uDay) * (1.0 - 0.6 * uRain);
  // Drifting haze low in the forest (at low quality, in place of the mist layers).
  if (uHaze > 0.5) {
    float az = atan(dir.x, -dir.z);
    float n = vnoise(vec2(az * 5.0 + uTime * 0.03, dir.y * 9.0 - uTime * 0.01)) * 0.65 + vnoise(vec2(az * 11.0 - uTime * 0.02, dir.y * 19.0)) * 0.35;
    float band = smoothstep(0.45, 0.0, dir.y) * smoothstep(-0.35, -0.05, dir.y);
    col = mix(col, uFogColor * 1.25 + uSunColor * 0.08 * uDay, smoothstep(0.4, 0.8, n) * band * (0.6 + 0.4 * uRain));
  }
  vCol = mix(col, uFogColor, 0.12 + 0.4 * uRain);
  gl_Position = projectionMatrix * viewMatrix * w;
}
`;
const skyFragment = /* glsl */ `
varying vec3 vCol;
void main() {
  gl_FragColor = vec4(vCol, 1.0);
  #include <colorspace_fragment>
}
`;

// The sun (or moon) disc: one small billboard.
const sunVertex = /* glsl */ `
${GLSL_COMMON}
varying vec2 vP;
void main() {
  vP = position.xy * 2.0;
  vec3 right = vec3(viewMatrix[0][0], viewMatrix[1][0], viewMatrix[2][0]);
  vec3 up = vec3(viewMatrix[0][1], viewMatrix[1][1], viewMatrix[2][1]);
  vec3 c = cameraPosition + uSunDir * 180.0;
  gl_Position = projectionMatrix * viewMatrix * vec4(c + (right * position.x + up * position.y) * 22.0, 1.0);
}
`;
const sunFragment = /* glsl */ `
${GLSL_COMMON}
varying vec2 vP;
void main() {
  float r = length(vP);
  float a = smoothstep(0.14, 0.11, r) * 1.2 + exp(-r * r * 14.0) * 0.35;
  gl_FragColor = vec4(uSunColor * a * (0.4 + 0.6 * uDay) * (1.0 - 0.8 * uRain), 1.0);
  #include <colorspace_fragment>
}
`;

// Stars between the leaves at night.
const starVertex = /* glsl */ `
${GLSL_COMMON}
attribute float aTwinkle;
varying float vA;
void main() {
  vec4 w = modelMatrix * vec4(position, 1.0);
  vA = (1.0 - uDay) * (1.0 - uRain) * (0.55 + 0.45 * sin(uSec * (1.3 + aTwinkle * 2.5) + aTwinkle * 40.0));
  gl_PointSize = 1.5 + aTwinkle * 1.5;
  gl_Position = projectionMatrix * viewMatrix * w;
}
`;
const starFragment = /* glsl */ `
varying float vA;
void main() {
  float d = length(gl_PointCoord - 0.5);
  gl_FragColor = vec4(vec3(0.85, 0.92, 1.0) * vA * smoothstep(0.5, 0.1, d), 1.0);
  #include <colorspace_fragment>
}
`;

/** The sky beyond the leaves: gradient, a sun (or moon) that crosses the wall, stars at night. */
export function Sky({ u, stars, haze }: { u: SharedUniforms; stars: number; haze: boolean }) {
  const uniforms = useMemo(() => ({ ...u, uHaze: { value: haze ? 1 : 0 } }), [u, haze]);
  const rng = useRandom(`stars:${stars}`);
  const starGeometry = useMemo(() => {
    const pos = new Float32Array(stars * 3);
    const tw = new Float32Array(stars);
    for (let i = 0; i < stars; i++) {
      const az = rng.range(-Math.PI, Math.PI);
      const el = Math.asin(rng.range(0.12, 0.98));
      pos.set([Math.cos(el) * Math.sin(az) * 190, Math.sin(el) * 190, -Math.cos(el) * Math.cos(az) * 190], i * 3);
      tw[i] = rng.next();
    }
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(pos, 3));
    g.setAttribute('aTwinkle', new BufferAttribute(tw, 1));
    return g;
  }, [rng, stars]);
  useEffect(() => () => starGeometry.dispose(), [starGeometry]);
  const starsRef = useRef<Points>(null);
  useFrame(() => {
    if (starsRef.current) starsRef.current.visible = u.uDay.value < 0.6;
  });
  const at: [number, number, number] = [CAMERA.x, CAMERA.y, CAMERA.z];
  return (
    <>
      <mesh position={at} renderOrder={-10} frustumCulled={false}>
        <sphereGeometry args={[200, 48, 24]} />
        <shaderMaterial args={[{ uniforms, vertexShader: skyVertex, fragmentShader: skyFragment, side: BackSide, depthWrite: false }]} />
      </mesh>
      <mesh renderOrder={-9} frustumCulled={false}>
        <planeGeometry args={[1, 1]} />
        <shaderMaterial args={[{ uniforms, vertexShader: sunVertex, fragmentShader: sunFragment, transparent: true, depthWrite: false, blending: AdditiveBlending }]} />
      </mesh>
      <points ref={starsRef} geometry={starGeometry} position={at} renderOrder={-9} frustumCulled={false}>
        <shaderMaterial args={[{ uniforms, vertexShader: starVertex, fragmentShader: starFragment, transparent: true, depthWrite: false, blending: AdditiveBlending }]} />
      </points>
    </>
  );
}
