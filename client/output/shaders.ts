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
 * The picture (the composed frame, or a test pattern; its rows bottom-up as GL stores them) times
 * brightness × gain (one vec3), the soft edges and where the black lift applies read from one
 * lookup texture in the picture's space (client/output/blend.ts blendLut: no curve evaluated per
 * pixel), the black lift, and the mask read from a texture in output space (client/output/mask.ts).
 * Only what is set is compiled in: a software renderer pays for every instruction of every pixel
 * (the curve per pixel, both arms of each branch, and the mask's polygon test cost 15 to 45 ms a
 * frame at 480×270 in SwiftShader; docs/performance.md, "bench:projection").
 */
export const fragmentShader = /* glsl */ `
precision highp float;
uniform sampler2D uMap;
uniform vec3 uGain;
uniform float uBlack;
uniform sampler2D uLut;
uniform sampler2D uMaskMap;
uniform vec2 uInvRes;
varying vec2 vUv;

void main() {
  vec3 c = texture2D(uMap, vec2(vUv.x, 1.0 - vUv.y)).rgb * uGain;
#ifdef HAS_BLEND
  vec2 l = texture2D(uLut, vUv).rg;
  c *= l.r;
  float lift = uBlack * l.g;
#else
  float lift = uBlack;
#endif
#ifdef HAS_BLACK
  c = mix(c, vec3(1.0), lift);
#endif
#ifdef HAS_MASK
  c *= texture2D(uMaskMap, gl_FragCoord.xy * uInvRes).r;
#endif
  gl_FragColor = vec4(clamp(c, 0.0, 1.0), 1.0);
}
`;
