/**
 * GLSL chunks the pieces share. Paste them into a shader with a template string:
 *   fragmentShader: `${glsl.noise}\n${glsl.output}\nvoid main() { gl_FragColor = toOutput(vec3(vnoise(vUv * 8.0))); }`
 * Each chunk defines functions (or a whole vertex shader) and no uniforms; include a chunk once
 * per shader.
 */

/**
 * A whole vertex shader for a plane mesh scaled to the wall (see useWallPlane): it passes the
 * plane's `vUv` (0..1 across the mesh) and `vWorld` (world x, y), so a fragment shader can draw one
 * picture across every screen of the wall.
 */
const fullscreenVertex = /* glsl */ `
varying vec2 vUv;
varying vec2 vWorld;
void main() {
  vUv = uv;
  vWorld = (modelMatrix * vec4(position, 1.0)).xy;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

/**
 * Hashes and value noise, the same on every GPU: `hash11(float)`, `hash12(vec2)`, `hash13(vec3)`
 * in [0, 1) (Dave Hoskins' hash without sine), and `vnoise(vec2)`, smooth value noise in [0, 1].
 * `vnoise` draws its lattice from `hash12`; to keep the grain of another vec2 → float hash, define
 * `VNOISE_HASH` as its name before the chunk (`#define VNOISE_HASH myHash`, declared above it).
 */
const noise = /* glsl */ `
float hash11(float p) { p = fract(p * 0.1031); p *= p + 33.33; p *= p + p; return fract(p); }
float hash12(vec2 p) { vec3 p3 = fract(vec3(p.xyx) * 0.1031); p3 += dot(p3, p3.yzx + 33.33); return fract((p3.x + p3.y) * p3.z); }
float hash13(vec3 p3) { p3 = fract(p3 * 0.1031); p3 += dot(p3, p3.zyx + 31.32); return fract((p3.x + p3.y) * p3.z); }
#ifndef VNOISE_HASH
#define VNOISE_HASH hash12
#endif
float vnoise(vec2 p) {
  vec2 i = floor(p), f = fract(p);
  vec2 u = f * f * (3.0 - 2.0 * f);
  return mix(mix(VNOISE_HASH(i), VNOISE_HASH(i + vec2(1.0, 0.0)), u.x), mix(VNOISE_HASH(i + vec2(0.0, 1.0)), VNOISE_HASH(i + 1.0), u.x), u.y);
}
`;

/**
 * `vec4 toOutput(vec3 c)`: writes a colour authored as a display value (what a colour picker
 * shows) through the renderer's output transform, so the picture is the same whether it goes
 * straight to the screen or through a bloom composer (which works in linear light). End a
 * fragment shader with `gl_FragColor = toOutput(colour);`.
 */
const output = /* glsl */ `
vec4 toOutput(vec3 c) { return linearToOutputTexel(vec4(pow(max(c, 0.0), vec3(2.2)), 1.0)); }
`;

/** Shared GLSL: `glsl.fullscreenVertex`, `glsl.noise` and `glsl.output`. */
export const glsl = { fullscreenVertex, noise, output } as const;

/** A vertex and a fragment shader, as three.js's ShaderMaterial takes them. */
export interface ShaderPair {
  vertexShader: string;
  fragmentShader: string;
}

/**
 * A vertex and a fragment shader that share declarations, written once: `shared` (the varyings
 * the vertex shader hands the fragment shader, uniforms or chunks both read) goes at the top of
 * each. Spread the result into a material:
 *   const stem = shaderPair('varying float vT;', vertexSource, fragmentSource);
 *   new ShaderMaterial({ ...stem, uniforms });
 */
export function shaderPair(shared: string, vertexShader: string, fragmentShader: string): ShaderPair {
  return { vertexShader: `${shared}\n${vertexShader}`, fragmentShader: `${shared}\n${fragmentShader}` };
}
