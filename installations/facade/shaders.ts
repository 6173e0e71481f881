/**
 * GLSL for Façade: one full-wall fragment shader that draws a classical façade as thin glowing
 * lines (windows with recessed reveals, pediments, pilasters, arches, a dentil cornice) and lights
 * it: scanning bars, reveals, breathing extrusion, sliding floors, lit windows, visitors' lights.
 * Units: wall height = 1, x in [-aspect/2, aspect/2].
 */

export const MAX_LIGHTS = 8;
export const MAX_KNOCKS = 12;

export const facadeVertex = /* glsl */ `
varying vec2 vWorld;
void main() {
  vWorld = (modelMatrix * vec4(position, 1.0)).xy;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

export const facadeFragment = /* glsl */ `
uniform vec2 uSize;
uniform float uTime;
uniform float uPix;
uniform float uFloors;
uniform float uBays;
uniform float uPilaster;
// Scene weights: blueprint reveal, scan, breath, night, shift.
uniform float uReveal;
uniform float uRevealAmt;
uniform float uScanAmt;
uniform float uScanX;
uniform float uScanY;
uniform float uDepth;
uniform vec2 uViewer;
uniform float uShift;
uniform float uNight;
uniform float uCascade;
uniform float uBreath;
uniform vec3 uLine;
uniform vec3 uAccent;
uniform vec3 uFill;
uniform vec3 uBg;
uniform vec4 uLights[${MAX_LIGHTS}];
uniform vec3 uLightCol[${MAX_LIGHTS}];
uniform int uLightCount;
uniform vec4 uKnocks[${MAX_KNOCKS}];
uniform vec3 uKnockCol[${MAX_KNOCKS}];
uniform int uKnockCount;
varying vec2 vWorld;

float hash12(vec2 p) { vec3 p3 = fract(vec3(p.xyx) * 0.1031); p3 += dot(p3, p3.yzx + 33.33); return fract((p3.x + p3.y) * p3.z); }
float hash11(float p) { p = fract(p * 0.1031); p *= p + 33.33; p *= p + p; return fract(p); }
float sdBox(vec2 p, vec2 b) { vec2 d = abs(p) - b; return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0); }
float sdSeg(vec2 p, vec2 a, vec2 b) { vec2 pa = p - a, ba = b - a; float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0); return length(pa - ba * h); }

void main() {
  float A = uSize.x / uSize.y;
  vec2 p = vWorld / uSize.y;
  // The building breathes: a slow swell from the centre.
  p *= 1.0 - uBreath * 0.012 * (1.0 - dot(p / vec2(A * 0.5, 0.5), p / vec2(A * 0.5, 0.5)) * 0.5);

  const float plinthTop = -0.46;
  const float groundTop = -0.26;
  const float corniceBot = 0.39;
  float fh = (corniceBot - groundTop) / uFloors;
  float bw = A / uBays;
  float fl = p.y < groundTop ? -1.0 : min(floor((p.y - groundTop) / fh), uFloors - 1.0);

  // Floors slide sideways in eased steps (the "shift" scene).
  float shiftOff = 0.0;
  if (uShift > 0.001) {
    float k = uTime * 0.3 + fl * 0.29;
    float i0 = floor(k);
    float f = smoothstep(0.5, 1.0, fract(k));
    shiftOff = mix(hash11(i0 + fl * 7.13) - 0.5, hash11(i0 + 1.0 + fl * 7.13) - 0.5, f) * 3.0 * bw * uShift;
  }
  float x = p.x + A * 0.5 + shiftOff;
  float ix = floor(x / bw);
  float lx = x - (ix + 0.5) * bw;
  float cy = fl < 0.0 ? (plinthTop + groundTop) * 0.5 : groundTop + (fl + 0.5) * fh;
  vec2 cellC = vec2((ix + 0.5) * bw - A * 0.5 - shiftOff, cy);
  float cellH = hash12(vec2(ix, fl) + 0.37);

  float d = 1e5;
  float glass = 0.0;
  float jamb = 0.0;
  vec2 jambN = vec2(0.0);
  bool body = p.y > plinthTop && p.y < corniceBot;

  float margin = uPix * 10.0;
  if (fl >= 0.0 && p.y < corniceBot) {
    vec2 q = vec2(lx, p.y - cy);
    vec2 ho = vec2(bw * 0.26, fh * 0.3);
    vec2 wc = vec2(0.0, -fh * 0.05);
    float sill = wc.y - ho.y - fh * 0.045;
    float top = wc.y + ho.y + fh * 0.06;
    // Only pixels near the window's surround pay for its details.
    if (abs(q.x) < ho.x * 1.35 + margin && q.y > sill - margin && q.y < top + fh * 0.1 + margin) {
      float so = sdBox(q - wc, ho);
      d = min(d, abs(so));
      if (so < margin) {
        float dep = uDepth;
        vec2 hi = ho * (1.0 - dep * 0.28);
        vec2 off = (uViewer - cellC) * dep * 0.09;
        if (dep > 0.0) off = clamp(off, -(ho - hi), ho - hi);
        vec2 ci = wc + off;
        float si = sdBox(q - ci, hi);
        d = min(d, abs(si));
        // The reveal's edges: outer corners to inner corners, on the side of the pixel.
        vec2 sg = vec2(q.x > ci.x ? 1.0 : -1.0, q.y > ci.y ? 1.0 : -1.0);
        d = min(d, sdSeg(q, wc + ho * sg, ci + hi * sg));
        d = min(d, sdSeg(q, wc + ho * vec2(sg.x, -sg.y), ci + hi * vec2(sg.x, -sg.y)));
        d = min(d, sdSeg(q, wc + ho * vec2(-sg.x, sg.y), ci + hi * vec2(-sg.x, sg.y)));
        // Mullion and transom of the glass.
        if (si < 0.0) d = min(d, min(abs(q.x - ci.x), abs(q.y - ci.y - hi.y * 0.35)) * 1.6);
        glass = step(si, 0.0);
        if (dep > 0.0 && so < 0.0 && si > 0.0) {
          vec2 a = (q - wc) / ho;
          jambN = abs(a.x) > abs(a.y) ? vec2(-sign(a.x), 0.0) : vec2(0.0, -sign(a.y));
          jamb = 1.0;
        }
      }
      // Sill, lintel, and a pediment on every other storey.
      float hx = max(abs(q.x) - ho.x * 1.3, 0.0);
      d = min(d, length(vec2(hx, q.y - sill)));
      d = min(d, length(vec2(max(abs(q.x) - ho.x * 1.35, 0.0), q.y - top)));
      if (mod(fl, 2.0) < 1.0 && q.y > top - margin) {
        vec2 apex = vec2(0.0, top + fh * 0.1);
        d = min(d, sdSeg(vec2(abs(q.x), q.y), vec2(ho.x * 1.35, top), apex));
      }
    }
  } else if (fl < 0.0 && p.y > plinthTop) {
    // Ground floor: an arcade of arches, with their depth drawn as a second, offset arch.
    vec2 q = vec2(lx, p.y);
    float hw = bw * 0.34;
    float spring = groundTop - hw - 0.02;
    float sa = min(sdBox(q - vec2(0.0, (plinthTop + spring) * 0.5), vec2(hw, (spring - plinthTop) * 0.5)), length(q - vec2(0.0, spring)) - hw);
    vec2 off = clamp((uViewer - cellC) * uDepth * 0.06, vec2(-hw * 0.2), vec2(hw * 0.2));
    vec2 q2 = q - off;
    float hw2 = hw * (1.0 - 0.15 * max(uDepth, 0.0));
    float sb = min(sdBox(q2 - vec2(0.0, (plinthTop + spring) * 0.5), vec2(hw2, (spring - plinthTop) * 0.5)), length(q2 - vec2(0.0, spring)) - hw2);
    d = min(d, abs(sa));
    d = min(d, abs(sb) * 1.4);
    d = min(d, sdSeg(q, vec2(0.0, spring + hw), vec2(0.0, spring + hw + 0.025)));
    glass = step(sb, 0.0) * 0.8;
  }

  // Storey lines (doubled cornices), plinth and the crowning cornice with its dentils.
  float fy = (p.y - groundTop) / fh;
  float storey = groundTop + clamp(floor(fy + 0.5), 0.0, uFloors) * fh;
  d = min(d, abs(p.y - storey));
  d = min(d, abs(p.y - storey - 0.011) * 1.5);
  d = min(d, abs(p.y - plinthTop));
  d = min(d, abs(p.y - corniceBot - 0.028));
  d = min(d, abs(p.y - 0.47));
  if (p.y > corniceBot + 0.03 && p.y < 0.465) {
    float per = bw / 5.0;
    float dx = (fract((p.x + A * 0.5) / per) - 0.5) * per;
    d = min(d, abs(sdBox(vec2(dx, p.y - 0.436), vec2(per * 0.22, 0.011))) * 1.2);
    d = min(d, abs(p.y - 0.455));
  }
  // Pilasters every few bays, with capitals under each storey line.
  if (body) {
    float pw = bw * uPilaster;
    float bx = floor(x / pw + 0.5) * pw;
    float dxp = abs(x - bx);
    float wpil = bw * 0.09;
    d = min(d, abs(dxp - wpil));
    d = min(d, abs(dxp - wpil * 0.55) * 1.8);
    float capY = storey - 0.018;
    if (dxp < wpil * 1.35 && fl >= 0.0) d = min(d, abs(p.y - capY) * 1.3);
  }
  // The wall's edges.
  d = min(d, abs(abs(p.x) - A * 0.5 + 0.02));

  // Blueprint reveal: lines draw themselves in from the centre outwards.
  float field = abs(p.x) / (A * 0.5) * 0.75 + cellH * 0.25;
  float front = uReveal - field;
  float shown = mix(1.0, smoothstep(0.0, 0.02, front), uRevealAmt);
  float head = uRevealAmt * exp(-abs(front) * 40.0) * step(0.0, front);

  float line = exp(-(d * d) / (uPix * uPix * 1.3)) + 0.22 * exp(-d / (uPix * 5.0));

  // Light: scanning bars and visitors' sweeps, with a direction for the reveals' shading.
  vec3 light = vec3(0.0);
  vec2 ldir = vec2(0.0);
  float sb = exp(-abs(p.x - uScanX) / 0.045) * uScanAmt;
  float sh = exp(-abs(p.y - uScanY) / 0.035) * uScanAmt * 0.6;
  light += uAccent * (sb + sh);
  ldir += vec2(sign(uScanX - p.x), 0.0) * sb + vec2(0.0, sign(uScanY - p.y)) * sh;
  for (int i = 0; i < ${MAX_LIGHTS}; i++) {
    if (i >= uLightCount) break;
    vec4 L = uLights[i];
    vec2 dv = L.xy - p;
    float spot = exp(-dot(dv, dv) / (L.w * L.w));
    float bar = exp(-abs(dv.x) / 0.03) * 0.55;
    float f = L.z * (spot + bar);
    light += uLightCol[i] * f;
    ldir += normalize(dv + 1e-4) * f;
  }
  float lightLevel = dot(light, vec3(0.33));

  // Windows: the night's lit rooms, cascades, the scan's flash, and visitors' knocks.
  float period = 3.0 + cellH * 9.0;
  float on = step(0.6, hash12(vec2(ix, fl) + floor(uTime / period + cellH * 7.0)));
  vec3 fill = uFill * on * uNight * (0.55 + 0.45 * cellH);
  float wave = fract((ix * 0.11 + fl * 0.31) - uTime * 0.23);
  fill += mix(uFill, uAccent, 0.5) * exp(-wave * 7.0) * uCascade;
  fill += uAccent * sb * 0.6;
  for (int i = 0; i < ${MAX_KNOCKS}; i++) {
    if (i >= uKnockCount) break;
    vec4 K = uKnocks[i];
    vec2 dc = (cellC - K.xy) / vec2(bw, fh);
    float r = length(dc);
    float ring = exp(-pow(r - K.z * 7.0, 2.0) * 0.6);
    float after = exp(-K.z * 0.45) * step(r, K.z * 7.0) * exp(-r * 0.12);
    fill += uKnockCol[i] * (ring * 1.3 + after * 0.6) * K.w;
  }

  float stone = 0.75 + 0.25 * hash12(floor(vWorld * 40.0 / uSize.y));
  vec3 col = uBg * (body ? 1.0 : 0.6) * stone;
  col += uLine * line * shown * (0.55 + 0.2 * sin(uTime * 0.9) * uBreath);
  col += (uLine + uAccent) * head * line * 3.0;
  col += light * (line * 1.8 + 0.07 * stone);
  if (jamb > 0.5) {
    float facing = max(dot(jambN, normalize(ldir + 1e-4)), 0.0);
    col += light * facing * 0.8 + uLine * 0.05 * (0.5 + 0.5 * jambN.x);
  }
  col += fill * glass * (0.8 + 0.2 * stone);
  gl_FragColor = vec4(col, 1.0);
}
`;
