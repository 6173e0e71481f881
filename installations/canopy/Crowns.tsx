import { useMemo } from 'react';
import { glsl, shaderPair } from 'pavilion/sdk';
import { viewAt } from './layout';
import { useScatter } from './scatter';
import { bakeInstances, QUAD } from './geometry';
import { GLSL_COMMON, type SharedUniforms } from './world';

/** The crown's shaders: both read the forest's shared GLSL and the varyings the vertex shader hands the fragment shader. */
const shaders = shaderPair(
  `${GLSL_COMMON}\nvarying vec2 vP; varying float vSeed; varying float vExposure; varying float vDist;`,
  /* glsl */ `
attribute vec4 aCrown; // centre, radius
attribute vec2 aSeed;  // seed, exposure
void main() {
  vec3 right = vec3(viewMatrix[0][0], viewMatrix[1][0], viewMatrix[2][0]);
  vec3 up = vec3(viewMatrix[0][1], viewMatrix[1][1], viewMatrix[2][1]);
  float r = aCrown.w;
  vec3 c = aCrown.xyz;
  float gust = gustAt(c, uTime);
  c.x += sin(uTime * 0.35 + aSeed.x * 6.28) * r * 0.035 * gust;
  c.y += sin(uTime * 0.27 + aSeed.x * 4.0) * r * 0.015 * gust;
  vP = position.xy * 2.0;
  vSeed = aSeed.x;
  vExposure = aSeed.y;
  vec3 w = c + right * position.x * r * 3.2 + up * position.y * r * 1.9;
  vec4 mv = viewMatrix * vec4(w, 1.0);
  vDist = -mv.z;
  gl_Position = projectionMatrix * mv;
}
`,
  /* glsl */ `
${glsl.noise}
void main() {
  vec2 p = vP;
  float s = vSeed * 37.0;
  float edge = 0.6 + 0.34 * vnoise(p * 2.2 + s);
  float r = length(p * vec2(1.0, p.y < 0.0 ? 1.25 : 1.0));
  float leafy = vnoise(p * 9.0 + s + uTime * 0.05);
  float inside = edge - r + (leafy - 0.5) * 0.3;
  if (inside < 0.0) discard;
  // A few holes where the sky shows through, near the edge.
  if (leafy > 0.86 - 0.2 * smoothstep(0.25, 0.0, inside)) discard;
  // The upper rim catches the sky; inside the crown it is shade, with a few bright clumps.
  float rim = smoothstep(0.22, 0.0, inside) * (0.35 + 0.65 * smoothstep(-0.4, 0.8, p.y));
  float clump = smoothstep(0.62, 0.9, vnoise(p * 4.0 + s * 2.3)) * 0.5;
  float lit = (rim + clump) * vExposure * (0.25 + 0.75 * uDay) * (0.6 + 0.4 * leafy);
  vec3 col = mix(uLeafDark, uLeafLight * 0.8, clamp(lit, 0.0, 1.0));
  gl_FragColor = vec4(applyFog(col, vDist), 1.0);
  #include <colorspace_fragment>
}
`,
);

/** Distant tree crowns: leafy silhouettes layered into the mist, behind the instanced leaves. */
export function Crowns({ u, count }: { u: SharedUniforms; count: number }) {
  const geometry = useScatter('crowns', count, (rng, aspect) => {
    const crown = new Float32Array(count * 4);
    const seed = new Float32Array(count * 2);
    for (let i = 0; i < count; i++) {
      const z = -12 - 62 * Math.pow(rng.next(), 0.8);
      const v = viewAt(z, aspect);
      const far = (-12 - z) / 62;
      // A ceiling: crowns crowd the top of the view, the farthest lower down (seen toward the horizon).
      const y = v.cy + v.hh * (1.25 - 0.55 * Math.pow(rng.next(), 1.5) - 0.45 * far);
      crown.set([v.cx + ((i + rng.next()) / count * 2 - 1) * v.hw, y, z, v.d * rng.range(0.1, 0.19)], i * 4);
      seed.set([rng.next(), rng.range(0.4, 1)], i * 2);
    }
    return bakeInstances(QUAD, count, { aCrown: { data: crown, size: 4 }, aSeed: { data: seed, size: 2 } });
  });
  const uniforms = useMemo(() => ({ ...u }), [u]);
  return (
    <mesh geometry={geometry} frustumCulled={false}>
      <shaderMaterial args={[{ uniforms, ...shaders }]} />
    </mesh>
  );
}
