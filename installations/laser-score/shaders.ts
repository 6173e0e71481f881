/** GLSL for Laser Score: beams, haze cones, glow sprites and the hazy room behind them. */

import { glsl, shaderPair } from 'pavilion/sdk';

/** What the haze shaders share: their clock, value noise, toOutput (colours are authored as display values) and the smoke. */
const HAZE = /* glsl */ `
uniform float uTime;
// The haze's own grain: value noise over this hash.
float hash21(vec2 p) { p = fract(p * vec2(123.34, 456.21)); p += dot(p, p + 45.32); return fract(p.x * p.y); }
#define VNOISE_HASH hash21
${glsl.noise}
${glsl.output}
// Drifting haze: two octaves of value noise, rising slowly.
float smoke(vec2 p, float t) {
  float n = vnoise(p * 0.55 + vec2(t * 0.05, -t * 0.16));
  n = n * 0.65 + 0.35 * vnoise(p * 1.7 + vec2(-t * 0.11, -t * 0.3));
  return n;
}
`;

/**
 * Thin beams. Per instance: aBeam = (originX, originY, angle, length), aCol = (rgb, fade length).
 * Each pair below starts with what its vertex shader hands its fragment shader.
 */
export const beam = shaderPair(
  'varying vec2 vLocal; varying vec2 vWorld; varying vec4 vCol; uniform float uCore;',
  /* glsl */ `
attribute vec4 aBeam;
attribute vec4 aCol;
void main() {
  vec2 dir = vec2(sin(aBeam.z), cos(aBeam.z));
  vec2 perp = vec2(dir.y, -dir.x);
  float along = (position.y + 0.5) * aBeam.w;
  float across = position.x * uCore * 16.0;
  vec2 p = aBeam.xy + dir * along + perp * across;
  vLocal = vec2(across, along);
  vWorld = p;
  vCol = aCol;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 0.0, 1.0);
}
`,
  /* glsl */ `
${HAZE}
void main() {
  float d = abs(vLocal.x) / uCore;
  float core = exp(-d * d);
  float glow = exp(-d * 0.45) * 0.22;
  float s = smoke(vWorld, uTime);
  float fade = smoothstep(0.0, 0.25, vLocal.y) * exp(-vLocal.y / max(vCol.a, 0.001));
  float sm = s * s * 2.2;
  vec3 c = vCol.rgb * (core * (0.3 + sm) + glow * sm) * fade;
  gl_FragColor = toOutput(c);
}
`,
);

/** Haze cones (sheets of light between a fan's beams). aCone = (ox, oy, angle, spread), aCol = (rgb, length). */
export const cone = shaderPair(
  'varying float vT; varying float vAlong; varying vec2 vWorld; varying vec4 vCol;',
  /* glsl */ `
attribute vec4 aCone;
attribute vec4 aCol;
void main() {
  float t = position.x * 2.0;
  float ang = aCone.z + t * aCone.w * 0.5;
  float along = (position.y + 0.5) * aCol.a;
  vec2 p = aCone.xy + vec2(sin(ang), cos(ang)) * along;
  vT = t;
  vAlong = along / aCol.a;
  vWorld = p;
  vCol = aCol;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 0.0, 1.0);
}
`,
  /* glsl */ `
${HAZE}
void main() {
  float edge = smoothstep(1.0, 0.55, abs(vT));
  float s = smoke(vWorld * 1.3, uTime);
  float fade = smoothstep(0.0, 0.08, vAlong) * (1.0 - vAlong) * (1.0 - vAlong);
  gl_FragColor = toOutput(vCol.rgb * edge * fade * s * s * 1.6);
}
`,
);

/** Round glow sprites: emitter flares, visitors' laser dots. aSprite = (x, y, size, unused), aCol = rgb. */
export const sprite = shaderPair(
  'varying vec2 vUv; varying vec3 vCol;',
  /* glsl */ `
attribute vec4 aSprite;
attribute vec3 aCol;
void main() {
  vUv = position.xy * 2.0;
  vCol = aCol;
  vec2 p = aSprite.xy + position.xy * aSprite.z;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 0.0, 1.0);
}
`,
  /* glsl */ `
${glsl.output}
void main() {
  float r = length(vUv);
  float g = exp(-r * r * 30.0) * 1.4 + exp(-r * 6.0) * 0.35;
  g *= smoothstep(1.0, 0.7, r);
  gl_FragColor = toOutput(vCol * g);
}
`,
);

/** The room: faint haze lit by the beams' overall level, a warm floor line and the strobe wash. */
export const roomFragment = /* glsl */ `
uniform vec2 uSize;
uniform vec3 uTint;
uniform vec3 uStrobe;
uniform float uLevel;
varying vec2 vWorld;
${HAZE}
void main() {
  vec2 q = vWorld / uSize + 0.5;
  float s = smoke(vWorld * 0.8, uTime);
  float floorGlow = exp(-q.y * 9.0);
  vec3 c = uTint * (0.025 + 0.09 * uLevel) * s * (0.4 + 1.2 * floorGlow);
  c += uTint * floorGlow * 0.05 * (0.5 + uLevel);
  c += uStrobe * (0.35 + 0.65 * s);
  gl_FragColor = toOutput(c);
}
`;
