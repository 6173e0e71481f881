import { useLayoutEffect, useMemo, useRef } from 'react';
import { Euler, Matrix4, Quaternion, Vector3, type InstancedMesh } from 'three';
import { glsl, shaderPair, useRandom, useWall } from 'pavilion/sdk';
import { viewAt } from './layout';
import { GLSL_COMMON, type SharedUniforms } from './world';

const MIST = /* glsl */ `
${GLSL_COMMON}
${glsl.noise}
uniform float uOctaves;
uniform float uSeed;
uniform float uAmount;
// Drifting mist at a point of its layer: colour and opacity.
vec4 mistAt(vec3 world, vec2 uv) {
  vec2 p = world.xy * 0.06 + vec2(uSeed, uSeed * 0.37);
  vec2 drift = vec2(uTime * 0.012, -uTime * 0.004);
  float n = 0.0, a = 0.55, tot = 0.0;
  for (int i = 0; i < 4; i++) {
    if (float(i) >= uOctaves) break;
    n += a * vnoise(p + drift * (1.0 + float(i)));
    tot += a;
    p = p * 2.07 + 3.1;
    a *= 0.5;
  }
  n /= tot;
  float m = smoothstep(0.35, 0.85, n);
  // Thicker low down; light scattered forward from the sun.
  vec3 dir = normalize(world - cameraPosition);
  float low = smoothstep(0.5, -0.2, dir.y);
  float fwd = pow(max(dot(dir, uSunDir), 0.0), 4.0);
  vec3 col = uFogColor * (1.05 + 0.2 * uDay) + uSunColor * fwd * 0.45 * uDay;
  float alpha = m * uAmount * (0.45 + 0.55 * low) * (1.0 + uRain * 0.8) * smoothstep(1.0, 0.55, uv.y) * smoothstep(0.0, 0.2, uv.y);
  return vec4(col, clamp(alpha, 0.0, 0.85));
}
`;
// At low quality the mist is evaluated per vertex of a divided plane (it is soft anyway).
const mistVertex = /* glsl */ `
${MIST}
varying vec3 vWorld;
varying vec2 vUv;
varying vec4 vMist;
void main() {
  vUv = uv;
  vec4 w = modelMatrix * vec4(position, 1.0);
  vWorld = w.xyz;
#ifdef PER_VERTEX
  vMist = mistAt(w.xyz, uv);
#endif
  gl_Position = projectionMatrix * viewMatrix * w;
}
`;
const mistFragment = /* glsl */ `
${MIST}
varying vec3 vWorld;
varying vec2 vUv;
varying vec4 vMist;
void main() {
#ifdef PER_VERTEX
  gl_FragColor = vMist;
#else
  gl_FragColor = mistAt(vWorld, vUv);
#endif
  #include <colorspace_fragment>
}
`;

/** Layers of drifting mist between the crowns. */
export function Mist({ u, layers, octaves, perVertex }: { u: SharedUniforms; layers: number; octaves: number; perVertex: boolean }) {
  const wall = useWall();
  const depths = [-8, -24, -42].slice(0, layers);
  return (
    <>
      {depths.map((z, i) => {
        const v = viewAt(z, wall.aspect, 1.25);
        return (
          <mesh key={`${z}:${perVertex}`} position={[v.cx, v.cy - v.hh * 0.3, z]} renderOrder={2 - i} frustumCulled={false}>
            <planeGeometry args={[v.hw * 2, v.hh * 1.4, perVertex ? 64 : 1, perVertex ? 16 : 1]} />
            <shaderMaterial
              args={[
                {
                  uniforms: { ...u, uOctaves: { value: octaves }, uSeed: { value: i * 17.3 }, uAmount: { value: 0.55 - i * 0.1 } },
                  vertexShader: mistVertex,
                  fragmentShader: mistFragment,
                  transparent: true,
                  depthWrite: false,
                  defines: perVertex ? { PER_VERTEX: 1 } : {},
                },
              ]}
            />
          </mesh>
        );
      })}
    </>
  );
}

/** The trunk's shaders, after the varyings the vertex shader hands the fragment shader. */
const trunk = shaderPair(
  'varying vec3 vNormal; varying vec3 vWorld; varying float vDist; varying vec2 vUv;',
  /* glsl */ `
void main() {
  vUv = uv;
  mat4 m = modelMatrix * instanceMatrix;
  vec4 w = m * vec4(position, 1.0);
  vWorld = w.xyz;
  vNormal = normalize(mat3(m) * normal);
  vec4 mv = viewMatrix * w;
  vDist = -mv.z;
  gl_Position = projectionMatrix * mv;
}
`,
  /* glsl */ `
${GLSL_COMMON}
${glsl.noise}
void main() {
  float ridges = vnoise(vec2(vUv.x * 40.0, vWorld.y * 0.6));
  vec3 bark = mix(uLeafDark, uFogColor, 0.25) * (0.6 + 0.7 * ridges);
  vec3 n = normalize(vNormal);
  float rim = pow(clamp(dot(n, normalize(vec3(uSunDir.x, 0.0, uSunDir.z + 0.6))), 0.0, 1.0), 2.0);
  float moss = smoothstep(0.55, 0.9, vnoise(vec2(vUv.x * 9.0, vWorld.y * 0.25)));
  vec3 col = mix(bark, uLeafLight * 0.35, moss * 0.5) + uSunColor * rim * 0.25 * uDay;
  gl_FragColor = vec4(applyFog(col, vDist), 1.0);
  #include <colorspace_fragment>
}
`,
);

/** Tall trunks rising out of the mist into the canopy. */
export function Trunks({ u, count }: { u: SharedUniforms; count: number }) {
  const wall = useWall();
  const rng = useRandom(`trunks:${count}`);
  const ref = useRef<InstancedMesh>(null);
  const matrices = useMemo(() => {
    const out: Matrix4[] = [];
    for (let i = 0; i < count; i++) {
      const z = -7 - 48 * Math.pow(rng.next(), 0.7);
      const v = viewAt(z, wall.aspect);
      const r = rng.range(0.006, 0.02) * v.d;
      const x = v.cx + rng.range(-v.hw, v.hw);
      const h = v.hh * 4;
      const q = new Quaternion().setFromEuler(new Euler(rng.range(-0.05, 0.05), 0, rng.range(-0.07, 0.07)));
      out.push(new Matrix4().compose(new Vector3(x, v.cy - v.hh * 1.2 + h / 2, z), q, new Vector3(r, h, r)));
    }
    return out;
  }, [rng, count, wall.aspect]);
  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    matrices.forEach((m, i) => mesh.setMatrixAt(i, m));
    mesh.instanceMatrix.needsUpdate = true;
  }, [matrices]);
  const uniforms = useMemo(() => ({ ...u }), [u]);
  return (
    <instancedMesh ref={ref} args={[undefined, undefined, count]} frustumCulled={false}>
      <cylinderGeometry args={[0.35, 1, 1, 8, 1, true]} />
      <shaderMaterial args={[{ uniforms, ...trunk }]} />
    </instancedMesh>
  );
}
