/** GLSL for Echo: the oscilloscope trace that rings where echoes land, and the tape-grid room. */

import { shaderPair } from 'pavilion/sdk';

export const MAX_RIPPLES = 48;

/** A ribbon along the wall; each echo is a ripple on it. position.x in [-0.5, 0.5], position.y = ±0.5. */
export const traceVertex = /* glsl */ `
uniform vec4 uEcho[${MAX_RIPPLES}];
uniform vec3 uEchoCol[${MAX_RIPPLES}];
uniform int uCount;
uniform float uW, uY, uGain, uThick, uTime; // wall width, trace height, ripple gain, line thickness
uniform vec3 uBase;
varying float vSide;
varying vec3 vCol;
void main() {
  float x = position.x * uW;
  float d = 0.0;
  vec3 col = uBase * 0.35;
  for (int i = 0; i < ${MAX_RIPPLES}; i++) {
    if (i >= uCount) break;
    vec4 e = uEcho[i];
    float dx = x - e.x;
    float sig = 0.35 + e.z * 1.4;
    float w = e.y * exp(-dx * dx / (sig * sig));
    d += w * sin(dx * e.w - e.z * 7.0);
    col += uEchoCol[i] * w * 5.0;
  }
  // The line is never quite still: a slow carrier hum.
  d += 0.012 * sin(x * 1.3 + uTime * 0.7) + 0.008 * sin(x * 3.7 - uTime * 1.1);
  vSide = position.y * 2.0;
  vCol = col;
  vec2 p = vec2(x, uY + d * uGain + position.y * uThick);
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 0.0, 1.0);
}
`;

export const traceFragment = /* glsl */ `
uniform float uCoreRatio;
varying float vSide;
varying vec3 vCol;
void main() {
  float s = abs(vSide) / uCoreRatio;
  float core = exp(-s * s);
  float glow = exp(-abs(vSide) * 3.5) * 0.35;
  gl_FragColor = vec4(vCol * (core * 1.4 + glow), 1.0);
}
`;

/** Dark room with a faint tape timeline: ticks scrolling past, and a breathing glow. */
export const roomFragment = /* glsl */ `
uniform vec2 uSize;
uniform float uTime;
uniform float uSpeed;
uniform vec3 uTint;
uniform vec3 uAccent;
uniform float uPix;
uniform float uTraceY;
varying vec2 vWorld;
void main() {
  vec2 q = vWorld / uSize;
  float tick = uSize.y * 0.08;
  float xs = (vWorld.x + uTime * uSpeed * 0.35) / tick;
  float fx = abs(fract(xs) - 0.5) * tick;
  float line = smoothstep(uPix * 1.2, 0.0, fx);
  float major = step(0.8, fract(floor(xs) * 0.2 + 0.01));
  float nearTrace = exp(-abs(vWorld.y - uTraceY) / (uSize.y * 0.06));
  float grid = line * (0.05 + 0.1 * major) * nearTrace;
  float rows = smoothstep(uPix * 1.1, 0.0, abs(fract(vWorld.y / (uSize.y * 0.125)) - 0.5) * uSize.y * 0.125) * 0.018;
  float vign = 1.0 - smoothstep(0.2, 0.75, length(q * vec2(0.55, 1.2)));
  float breath = 0.75 + 0.25 * sin(uTime * 0.21 + q.x * 2.0);
  vec3 c = uTint * (0.5 + 0.5 * vign) * breath + uAccent * (grid + rows * vign);
  gl_FragColor = vec4(c, 1.0);
}
`;

/**
 * Stems: a dashed thread from each echo down to where it rings the trace. aStem = (x, yTop,
 * yBottom, alpha). The vertex shader hands the fragment shader the varyings written first.
 */
export const stem = shaderPair(
  'varying float vAcross; varying float vY; varying float vT; varying vec4 vCol;',
  /* glsl */ `
attribute vec4 aStem;
attribute vec3 aCol;
uniform float uPix;
void main() {
  vT = position.y + 0.5;
  vY = mix(aStem.z, aStem.y, vT);
  vAcross = position.x * 8.0;
  vCol = vec4(aCol, aStem.w);
  vec2 p = vec2(aStem.x + position.x * uPix * 8.0, vY);
  gl_Position = projectionMatrix * modelViewMatrix * vec4(p, 0.0, 1.0);
}
`,
  /* glsl */ `
uniform float uTime;
uniform float uDash;
void main() {
  float core = exp(-vAcross * vAcross * 1.5) + 0.15 * exp(-abs(vAcross));
  float dash = smoothstep(0.35, 0.5, abs(fract((vY + uTime * uDash * 0.5) / uDash) - 0.5) * 2.0);
  float fade = smoothstep(0.0, 0.08, vT) * (1.0 - vT * 0.6);
  gl_FragColor = vec4(vCol.rgb * core * (0.35 + 0.65 * dash) * fade * vCol.a, 1.0);
}
`,
);
