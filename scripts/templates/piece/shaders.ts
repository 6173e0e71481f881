import { glsl, shaderPair } from 'pavilion/sdk';

/** Glow rings remembered at once (a Glow press starts one). */
export const RINGS = 8;

/** Shared by the lanterns: where a ring of light is at `uTime`, and how bright it makes a point. */
const RING_GLOW = /* glsl */ `
uniform vec4 uRings[${RINGS}]; // x, y, start seconds, unused
float ringGlow(vec2 p) {
  float g = 0.0;
  for (int i = 0; i < ${RINGS}; i++) {
    float age = uTime - uRings[i].z;
    float d = distance(p, uRings[i].xy);
    g += step(0.0, age) * exp(-age * 0.7) * exp(-pow((d - age * 2.2) * 1.6, 2.0));
  }
  return g;
}`;

/**
 * Each lantern's position is a closed-form function of show time and its seed: no state, so every
 * screen of the wall draws the same lantern in the same place. shaderPair writes what the vertex
 * shader hands the fragment shader (the varyings) once, at the top of both.
 */
export const LANTERN = shaderPair(
  'varying float vGlow; varying float vSoft; varying vec2 vUv;',
  /* glsl */ `
uniform float uTime;
uniform float uSpeed;
uniform vec2 uSize;
attribute vec4 aSeed; // x, phase, rate, size
${RING_GLOW}
void main() {
  float rise = fract(aSeed.y + uTime * uSpeed * 0.018 * aSeed.z);
  float sway = sin(uTime * 0.23 * aSeed.z + aSeed.y * 37.0) * 0.35 + sin(uTime * 0.071 + aSeed.x * 11.0) * 0.5;
  vec2 p = vec2((aSeed.x - 0.5) * uSize.x * 1.05 + sway, (rise - 0.5) * uSize.y * 1.2);
  float life = smoothstep(0.0, 0.12, rise) * smoothstep(1.0, 0.65, rise); // fade in low, out high
  float flicker = 0.8 + 0.2 * sin(uTime * (3.0 + 4.0 * aSeed.z) + aSeed.y * 90.0);
  vSoft = smoothstep(0.1, 0.42, aSeed.w); // big ones are near and out of focus: soft and dim
  vGlow = (life * flicker + 1.6 * ringGlow(p)) * mix(1.0, 0.35, vSoft);
  vUv = uv;
  vec4 mv = modelViewMatrix * vec4(p, 0.0, 1.0);
  mv.xy += position.xy * aSeed.w * vec2(1.0, 1.3) * (1.0 + 0.5 * min(vGlow, 2.0)); // a quad facing the camera
  gl_Position = projectionMatrix * mv;
}`,
  /* glsl */ `
uniform vec3 uColor;
uniform vec3 uHot;
void main() {
  float r = length(vUv - 0.5) * 2.0;
  float core = exp(-r * r * mix(14.0, 3.0, vSoft));
  float halo = exp(-r * r * 2.2) * 0.4;
  vec3 c = mix(uColor, uHot, clamp(core * vGlow - 0.4, 0.0, 1.0));
  gl_FragColor = vec4(c, (core + halo) * clamp(vGlow, 0.0, 2.5));
}`,
);

/** A visitor's lantern: bigger, in the visitor's colour, with a halo ring. */
export const VISITOR = shaderPair(
  'varying vec3 vColor; varying vec2 vUv;',
  /* glsl */ `
attribute vec3 aOffset; // x, y, size
attribute vec3 aColor;
void main() {
  vColor = aColor;
  vUv = uv;
  vec4 mv = modelViewMatrix * vec4(aOffset.xy, 0.2, 1.0);
  mv.xy += position.xy * aOffset.z * 2.0;
  gl_Position = projectionMatrix * mv;
}`,
  /* glsl */ `
void main() {
  float r = length(vUv - 0.5) * 2.0;
  float a = exp(-r * r * 14.0) + 0.5 * exp(-pow((r - 0.62) * 9.0, 2.0)) + 0.15 * exp(-r * r * 3.0);
  gl_FragColor = vec4(mix(vColor, vec3(1.0), exp(-r * r * 40.0)), a);
}`,
);

/** The night sky behind (drawn with the SDK's glsl.fullscreenVertex): the palette's sky colour, darker towards the top, a warm drifting haze low down. */
export const SKY_FRAGMENT = /* glsl */ `
${glsl.noise}
uniform vec3 uSky;
uniform vec3 uColor;
uniform float uTime;
varying vec2 vUv;
void main() {
  float haze = exp(-vUv.y * 5.0) * (0.16 + 0.06 * vnoise(vec2(vUv.x * 4.0 + uTime * 0.05, uTime * 0.02)));
  gl_FragColor = vec4(uSky * (1.2 - vUv.y * 0.7) + uColor * haze, 1.0);
}`;
