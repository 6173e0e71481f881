import { MASK_MAX } from '../../protocol/output';

/** The corner-pin in the vertex stage, in homogeneous coordinates, so that the picture is interpolated in perspective (exact for a 4-point pin). */
export const vertexShader = /* glsl */ `
uniform mat3 uH;
attribute vec2 aUv;
varying vec2 vUv;
void main() {
  vUv = aUv;
  vec3 p = uH * vec3(position.xy, 1.0);
  gl_Position = vec4(2.0 * p.x - p.z, p.z - 2.0 * p.y, 0.0, p.z);
}
`;

/**
 * The picture (the composed frame, or a test pattern; its rows bottom-up as GL stores them) through
 * the soft edges (the standard curve, then gamma), brightness and per-channel gain, the black-level
 * lift outside the blend zones, and the mask (output coordinates).
 */
export const fragmentShader = /* glsl */ `
precision highp float;
uniform sampler2D uMap;
uniform vec4 uEdges;
uniform float uGamma;
uniform float uPower;
uniform float uBrightness;
uniform vec3 uGain;
uniform float uBlack;
uniform vec2 uRes;
uniform int uMaskN;
uniform vec2 uMask[${MASK_MAX}];
varying vec2 vUv;

float curve(float b) {
  b = clamp(b, 0.0, 1.0);
  return b < 0.5 ? 0.5 * pow(2.0 * b, uPower) : 1.0 - 0.5 * pow(2.0 * (1.0 - b), uPower);
}
float side(float d, float w) { return (w > 0.0 && d < w) ? pow(curve(d / w), 1.0 / uGamma) : 1.0; }
bool inBand(float d, float w) { return w > 0.0 && d < w; }
bool insideMask(vec2 p) {
  bool inside = false;
  vec2 a = uMask[0];
  for (int i = 0; i < ${MASK_MAX}; i++) {
    if (i >= uMaskN) break;
    int k = i + 1 < uMaskN ? i + 1 : 0;
    vec2 b = uMask[k];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
    a = b;
  }
  return inside;
}

void main() {
  vec2 uv = clamp(vUv, 0.0, 1.0);
  vec3 c = texture2D(uMap, vec2(uv.x, 1.0 - uv.y)).rgb * uBrightness * uGain;
  // Only what is set is compiled in (a software renderer runs both arms of a branch).
#ifdef HAS_BLEND
  c *= side(uv.x, uEdges.x) * side(1.0 - uv.x, uEdges.y) * side(uv.y, uEdges.z) * side(1.0 - uv.y, uEdges.w);
  bool band = inBand(uv.x, uEdges.x) || inBand(1.0 - uv.x, uEdges.y) || inBand(uv.y, uEdges.z) || inBand(1.0 - uv.y, uEdges.w);
#else
  bool band = false;
#endif
#ifdef HAS_BLACK
  if (!band) c = uBlack + c * (1.0 - uBlack);
#endif
#ifdef HAS_MASK
  if (!insideMask(vec2(gl_FragCoord.x / uRes.x, 1.0 - gl_FragCoord.y / uRes.y))) c = vec3(0.0);
#endif
  gl_FragColor = vec4(clamp(c, 0.0, 1.0), 1.0);
}
`;
