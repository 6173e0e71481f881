/**
 * GLSL for Façade: one full-wall fragment shader that draws a classical façade as thin glowing
 * lines (windows with recessed reveals, pediments, pilasters, an arcade, a dentil cornice, a
 * balustrade) and lights it with a scanning bar. Per-window light (night rooms, cascades, knocks)
 * comes from a small per-cell texture, and visitors' lights from a low-resolution light map, both
 * computed on the CPU from show time: software renderers run every branch of a shader, so loops
 * over visitors per pixel would cost far more than a texture read.
 * Units: wall height = 1, x in [-aspect/2, aspect/2].
 */

import { glsl } from 'pavilion/sdk';

export const facadeFragment = /* glsl */ `
uniform vec2 uSize;
uniform float uTime;
uniform float uPix;
uniform float uFloors;
uniform float uBays;
uniform float uPilaster;
uniform float uReveal;
uniform float uRevealAmt;
uniform float uScanAmt;
uniform float uScanX;
uniform float uScanY;
uniform float uDepth;
uniform vec2 uViewer;
uniform float uShift;
uniform float uBreath;
uniform vec3 uLine;
uniform vec3 uAccent;
uniform vec3 uBg;
uniform sampler2D uCells;
uniform sampler2D uLightMap;
varying vec2 vWorld;

${glsl.noise}
float sdBox(vec2 p, vec2 b) { vec2 d = abs(p) - b; return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0); }
float sdSeg(vec2 p, vec2 a, vec2 b) { vec2 pa = p - a, ba = b - a; float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0); return length(pa - ba * h); }

${glsl.output}
void main() {
  float A = uSize.x / uSize.y;
  vec2 p = vWorld / uSize.y;
  // The building breathes: a slow swell from the centre.
  vec2 pn = p / vec2(A * 0.5, 0.5);
  p *= 1.0 - uBreath * 0.012 * (1.0 - dot(pn, pn) * 0.5);

  const float plinthTop = -0.46;
  const float groundTop = -0.26;
  const float corniceBot = 0.3;
  const float corniceTop = 0.36;
  float fh = (corniceBot - groundTop) / uFloors;
  float bw = A / uBays;
  float fl = p.y < groundTop ? -1.0 : min(floor((p.y - groundTop) / fh), uFloors - 1.0);

  // Storeys slide sideways in eased steps (the "shift" scene).
  float k = uTime * 0.3 + fl * 0.29;
  float i0 = floor(k);
  float shiftOff = mix(hash12(vec2(i0, fl)) - 0.5, hash12(vec2(i0 + 1.0, fl)) - 0.5, smoothstep(0.5, 1.0, k - i0)) * 3.0 * bw * uShift;
  float x = p.x + A * 0.5 + shiftOff;
  float ix = floor(x / bw);
  float lx = x - (ix + 0.5) * bw;
  float cy = groundTop + (fl + 0.5) * fh;
  vec2 cellC = vec2((ix + 0.5) * bw - A * 0.5 - shiftOff, cy);
  float cellH = hash12(vec2(ix, fl) + 0.37);

  float d = 1e5;
  float glass = 0.0;
  float jamb = 0.0;
  vec2 jambN = vec2(0.0);
  bool body = p.y > plinthTop && p.y < corniceBot;

  if (fl >= 0.0 && p.y < corniceBot) {
    // A window: outer frame, the recessed inner frame seen in perspective, one reveal edge per
    // quadrant, mullion and transom, sill, lintel and (every other storey) a pediment.
    vec2 q = vec2(lx, p.y - cy);
    vec2 ho = vec2(bw * 0.26, fh * 0.3);
    vec2 wc = vec2(0.0, -fh * 0.05);
    float so = sdBox(q - wc, ho);
    vec2 hi = ho * (1.0 - uDepth * 0.28);
    vec2 off = (uViewer - cellC) * uDepth * 0.09;
    if (uDepth > 0.0) off = clamp(off, -(ho - hi), ho - hi);
    vec2 ci = wc + off;
    float si = sdBox(q - ci, hi);
    vec2 sg = vec2(q.x > ci.x ? 1.0 : -1.0, q.y > ci.y ? 1.0 : -1.0);
    d = min(abs(so), abs(si));
    d = min(d, sdSeg(q, wc + ho * sg, ci + hi * sg));
    if (si < 0.0) d = min(d, min(abs(q.x - ci.x), abs(q.y - ci.y - hi.y * 0.35)) * 1.6);
    float sill = wc.y - ho.y - fh * 0.045;
    float top = wc.y + ho.y + fh * 0.06;
    d = min(d, length(vec2(max(abs(q.x) - ho.x * 1.3, 0.0), q.y - sill)));
    d = min(d, length(vec2(max(abs(q.x) - ho.x * 1.35, 0.0), q.y - top)));
    if (fl - 2.0 * floor(fl * 0.5) < 0.5) d = min(d, sdSeg(vec2(abs(q.x), q.y), vec2(ho.x * 1.35, top), vec2(0.0, top + fh * 0.1)));
    glass = step(si, 0.0);
    if (uDepth > 0.0 && so < 0.0 && si > 0.0) {
      vec2 a = (q - wc) / ho;
      jambN = abs(a.x) > abs(a.y) ? vec2(-sign(a.x), 0.0) : vec2(0.0, -sign(a.y));
      jamb = 1.0;
    }
  } else if (fl < 0.0 && p.y > plinthTop) {
    // Ground floor: an arcade, each arch's depth drawn as a second, offset arch.
    vec2 q = vec2(lx, p.y);
    float hw = bw * 0.34;
    float spring = groundTop - hw - 0.02;
    vec2 bc = vec2(0.0, (plinthTop + spring) * 0.5);
    vec2 bh = vec2(hw, (spring - plinthTop) * 0.5);
    float sa = min(sdBox(q - bc, bh), length(q - vec2(0.0, spring)) - hw);
    vec2 q2 = q - clamp((uViewer - cellC) * uDepth * 0.06, vec2(-hw * 0.2), vec2(hw * 0.2));
    float s2 = 1.0 - 0.15 * max(uDepth, 0.0);
    float sb = min(sdBox(q2 - bc, vec2(hw * s2, bh.y)), length(q2 - vec2(0.0, spring)) - hw * s2);
    d = min(abs(sa), abs(sb) * 1.4);
    glass = step(sb, 0.0) * 0.8;
  }

  // Storey lines (doubled cornices), plinth, crowning cornice with dentils.
  float storey = groundTop + clamp(floor((p.y - groundTop) / fh + 0.5), 0.0, uFloors) * fh;
  d = min(d, abs(p.y - storey));
  d = min(d, abs(p.y - storey - 0.011) * 1.5);
  d = min(d, abs(p.y - plinthTop));
  d = min(d, abs(p.y - corniceBot - 0.026));
  d = min(d, abs(p.y - corniceTop));
  float xa = p.x + A * 0.5;
  if (p.y > corniceBot + 0.03 && p.y < corniceTop) {
    float per = bw / 5.0;
    float dx = (fract(xa / per) - 0.5) * per;
    d = min(d, abs(sdBox(vec2(dx, p.y - 0.341), vec2(per * 0.22, 0.009))) * 1.2);
    d = min(d, abs(p.y - 0.354));
  }
  // The roofline: a pediment at the centre (and over each wing of a wide wall), balustrade between.
  if (p.y > corniceTop - 0.01) {
    float pw = min(A * 0.13, 0.75);
    float wing = A * 0.36;
    bool isWing = A > 3.0 && abs(abs(p.x) - wing) < pw * 0.62;
    float pwi = isWing ? pw * 0.55 : pw;
    vec2 r = vec2(abs(p.x - (isWing ? wing * sign(p.x) : 0.0)), p.y - corniceTop);
    float rise = pwi * 0.32;
    if (r.x < pwi + 0.02) {
      d = min(d, sdSeg(r, vec2(pwi, 0.0), vec2(0.0, rise)));
      d = min(d, sdSeg(r, vec2(pwi * 0.92, 0.012), vec2(0.0, rise - 0.02)) * 1.3);
      float o = length(r - vec2(0.0, rise * 0.4));
      d = min(d, min(abs(o - rise * 0.2), abs(o - rise * 0.12) * 1.6));
    } else if (p.y < corniceTop + 0.06) {
      d = min(d, abs(p.y - corniceTop - 0.055));
      d = min(d, abs(p.y - corniceTop - 0.046) * 1.5);
      float per = bw / 4.0;
      float bx = (fract(xa / per) - 0.5) * per;
      d = min(d, abs(length(vec2(bx * 2.2, max(abs(p.y - corniceTop - 0.024) - 0.018, 0.0))) - per * 0.12) * 1.3);
    }
  }
  // Pilasters every few bays, with capitals under each storey line.
  if (body) {
    float pw = bw * uPilaster;
    float dxp = abs(x - floor(x / pw + 0.5) * pw);
    float wpil = bw * 0.09;
    d = min(d, min(abs(dxp - wpil), abs(dxp - wpil * 0.55) * 1.8));
    if (dxp < wpil * 1.35 && fl >= 0.0) d = min(d, abs(p.y - storey + 0.018) * 1.3);
  }
  d = min(d, abs(abs(p.x) - A * 0.5 + 0.02));

  // Blueprint reveal: lines draw themselves in from the centre outwards.
  float front = uReveal - (abs(p.x) / (A * 0.5) * 0.75 + cellH * 0.25);
  float shown = mix(1.0, smoothstep(0.0, 0.02, front), uRevealAmt);
  float head = uRevealAmt * exp(-abs(front) * 40.0) * step(0.0, front);

  float line = exp(-(d * d) / (uPix * uPix * 1.3)) + 0.22 * exp(-d / (uPix * 5.0));
  float roof = smoothstep(corniceTop + 0.07, corniceTop + 0.02, p.y);

  // Light: the scanning bars, and visitors' lights from the light map.
  float sx = abs(p.x - uScanX);
  float sb = exp(-sx / 0.045) * uScanAmt;
  float sbWide = exp(-sx / 0.4) * uScanAmt;
  float sh = exp(-abs(p.y - uScanY) / 0.035) * uScanAmt * 0.6;
  vec4 lm = texture2D(uLightMap, vec2(p.x / A + 0.5, p.y + 0.5));
  vec3 vis = lm.rgb * 2.0;
  vec3 light = uAccent * (sb + sh) + vis;
  vec2 ldir = vec2(sign(uScanX - p.x) * sb + (lm.a * 2.0 - 1.0) * dot(vis, vec3(0.5)), sign(uScanY - p.y) * sh);

  vec2 cuv = vec2((mod(ix, uBays) + 0.5) / uBays, (fl + 1.5) / (uFloors + 1.0));
  vec3 fill = texture2D(uCells, cuv).rgb * 2.0 + uAccent * sb * 0.6;

  float stone = 0.75 + 0.25 * hash12(floor(vWorld * 40.0 / uSize.y));
  vec3 col = uBg * (body ? 1.0 : 0.5) * stone * (0.3 + 0.7 * roof);
  col += uLine * line * shown * (0.3 + 0.15 * sin(uTime * 0.9) * uBreath + 0.6 * sbWide);
  col += (uLine + uAccent) * head * line * 3.0;
  col += light * (line * 1.8 + 0.07 * stone);
  col += (light * clamp(dot(jambN, ldir), 0.0, 1.0) * 0.8 + uLine * 0.05 * (0.5 + 0.5 * jambN.x)) * jamb;
  col += fill * glass * (0.8 + 0.2 * stone);
  gl_FragColor = toOutput(col);
}
`;
