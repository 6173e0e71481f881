import { glsl } from 'pavilion/sdk';

/** Visitors drawn into the field at once (the most recent ones beyond this share the oldest slots). */
export const MAX_VISITORS = 32;
export const MAX_LENSES = 3;

/**
 * One full-wall surface. q is the wall coordinate: y in [-0.5, 0.5], x in [-aspect/2, aspect/2],
 * so the picture is continuous across screens. The field h(q) is a blend of three slowly
 * alternating structures (strata, contour map, rings around the prisms); its iso-lines are drawn
 * a pixel wide with fwidth, once per colour channel with a small offset: where the field is bent
 * (inside a prism, under a visitor) the channels part and the line splits into a spectrum.
 */
const COMMON = /* glsl */ `
uniform float uTime;
uniform float uSec;
uniform float uAspect;
uniform float uDensity;
uniform float uWarp;
uniform float uRot;
uniform vec3 uMix;            // strata, contour, rings
uniform float uSweep;
uniform vec4 uLens[${MAX_LENSES}];   // x, y, radius, strength
uniform vec2 uLensRot[${MAX_LENSES}];   // cos, sin
uniform vec4 uVis[${MAX_VISITORS}];  // x, y, strength, age (s)
uniform vec3 uVisCol[${MAX_VISITORS}];
uniform vec3 uBg0;
uniform vec3 uBg1;
uniform vec3 uLineA;
uniform vec3 uLineB;
uniform vec3 uAccent;
uniform float uDisp;

${glsl.noise}
float fbm(vec2 p) {
  float n = 0.0, a = 0.5, t = 0.0;
  for (int i = 0; i < OCTAVES; i++) {
    n += a * vnoise(p);
    t += a;
    p = mat2(1.6, 1.2, -1.2, 1.6) * p + 5.1;
    a *= 0.5;
  }
  return n / t;
}
mat2 rot(float a) { float c = cos(a), s = sin(a); return mat2(c, s, -s, c); }
float sdTri(vec2 p, float r) {
  const float k = 1.7320508;
  p.x = abs(p.x) - r;
  p.y = p.y + r / k;
  if (p.x + k * p.y > 0.0) p = vec2(p.x - k * p.y, -k * p.x - p.y) / 2.0;
  p.x -= clamp(p.x, -2.0 * r, 0.0);
  return -length(p) * sign(p.y);
}

`;

/**
 * The slow, smooth parts of the field (domain warp, the strata and contour relief, colours, the
 * reveal mask) are evaluated per vertex of a divided plane and interpolated: they vary over tens of
 * pixels, and a software rasteriser pays dearly for every per-pixel operation. The sharp parts
 * (iso-lines, prisms, visitors) stay per pixel.
 */
export const vertexShader = /* glsl */ `
${COMMON}
varying vec2 vQ;
varying vec2 vP;       // warped coordinate
varying float vH;      // the field without prisms and visitors
varying float vRun;    // position along the strata, for the light pulses
varying float vReveal;
varying vec3 vLineCol;
varying vec3 vBg;
void main() {
  vec2 q = (uv - 0.5) * vec2(uAspect, 1.0);
  float T = uTime;
  vQ = q;
  vec2 w = vec2(fbm(q * 1.4 + vec2(0.0, T * 0.021)), fbm(q * 1.4 + vec2(7.3, -T * 0.017))) - 0.5;
  vec2 p = q + w * uWarp;
  vP = p;
  vec2 pr = rot(uRot) * p;
  vRun = pr.x;
  float h = uMix.x * (pr.y + 0.04 * sin(pr.x * 2.3 + T * 0.05));
  if (uMix.y > 0.001) h += uMix.y * (pr.y * 0.35 + (w.x + w.y) * 1.1 + fbm(p * 0.7 - T * 0.004) * 0.6);
  vH = h;
  // Broad regions of the wall light up and fall dark, slowly, like a projection finding its surface.
  vReveal = smoothstep(0.3, 0.75, vnoise(q * vec2(0.9, 1.6) + vec2(T * 0.013, -T * 0.007)) + 0.25 * sin(q.x * 0.7 - T * 0.02));
  vLineCol = mix(uLineA, uLineB, 0.5 + 0.5 * sin(q.x * 0.9 + h * 2.5 + T * 0.031));
  vBg = mix(uBg0, uBg1, clamp(q.y + 0.5 + 0.15 * w.x, 0.0, 1.0)) * (1.0 - 0.35 * smoothstep(0.38, 0.5, abs(q.y)));
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

export const fragmentShader = /* glsl */ `
${COMMON}
varying vec2 vQ;
varying vec2 vP;
varying float vH;
varying float vRun;
varying float vReveal;
varying vec3 vLineCol;
varying vec3 vBg;

// Distance in pixels to the nearest iso-line of g, given g's screen-space derivative.
float lineAt(float g, float fw) { return abs(fract(g + 0.5) - 0.5) / fw; }

void main() {
  vec2 q = vQ;
  vec2 p = vP;
  float T = uTime;
  float N = 34.0 * uDensity;

  // Prisms: inside, the field is deflected (a tilt) and the spectrum opens; rings around them in
  // the third movement. Loop bounds are compile-time constants: a software rasteriser runs every
  // iteration of a loop whatever its exit condition.
  float inside = 0.0, edge = 0.0, lensH = 0.0, rings = 1e3;
  for (int i = 0; i < LENSES; i++) {
    vec4 L = uLens[i];
    vec2 d = p - L.xy;
    float dl = length(d);
    rings = min(rings, dl - L.z * 0.4);
    vec2 cs = uLensRot[i];
    float sd = sdTri(mat2(cs.x, cs.y, -cs.y, cs.x) * d, L.z);
    float m = clamp(0.5 - sd * 80.0, 0.0, 1.0) * L.w;
    inside = max(inside, m);
    float e = max(0.0, 1.0 - abs(sd) * 70.0);
    edge += e * e * L.w;
    lensH += m * (dot(d, vec2(0.55, 0.25)) + dl * dl * 1.8);
  }

  // Visitors: a bulge in the field and a light in their colour.
  float vInfl = 0.0, vBend = 0.0;
  vec3 vCol = vec3(0.0), vHalo = vec3(0.0);
  for (int i = 0; i < VIS_N; i++) {
    vec4 V = uVis[i];
    vec2 d = q - V.xy;
    float r2 = dot(d, d);
    float k = exp(-r2 * 38.0) * V.z;
    vBend += k * (0.03 + 0.055 * (0.5 + 0.5 * sin(uSec * 1.7 + float(i) * 2.1)));
    vInfl += k;
    vCol += uVisCol[i] * k;
    float born = V.w < 4.0 ? exp(-pow((sqrt(r2) - V.w * 0.22) * 45.0, 2.0)) * (1.0 - V.w / 4.0) : 0.0;
    vHalo += uVisCol[i] * (exp(-r2 * 160.0) * 0.35 + born * 0.9) * V.z;
  }

  float h = vH + uMix.z * rings * 0.9 + lensH * 0.9 + vBend;

  // Iso-lines a pixel wide; where the field is bent, one per colour channel, parted: a spectrum.
  float g = h * N;
  float fw = max(fwidth(g), 1e-4);
  float disp = uDisp * (0.03 + 0.3 * inside + 0.4 * min(vInfl, 1.0));
  vec3 dist = vec3(lineAt(g + disp, fw), lineAt(g, fw), lineAt(g - disp, fw));
  vec3 core = clamp(1.0 - dist / (1.25 + inside * 0.8), 0.0, 1.0);
  vec3 halo = 0.12 / (1.0 + dist * dist * 0.25);

  // Each stratum has its own slow brightness, and pulses of light run along it across the wall.
  float b = floor(g + 0.5);
  float hb = hash11(b * 1.37 + 11.0);
  float x = 0.5 + 0.5 * sin(b * 0.71 + T * 0.12 + hb * 6.28);
  x *= x;
  float bright = 0.05 + 0.95 * x * x;
  float run = fract(vRun * (0.06 + 0.05 * hb) - T * (0.012 + 0.02 * hb) + hb) - 0.5;
  float pulse = max(0.0, 1.0 - run * run * 160.0) * step(0.45, hb);
  pulse *= pulse;
  float sx = q.x - uSweep;
  float sweep = max(0.0, 1.0 - sx * sx * 2.5);
  sweep *= sweep;
  float intensity = (bright * 0.9 + pulse * 1.6) * (0.25 + 0.75 * vReveal) + sweep * 0.7 + inside * 0.35;

  vec3 col = vBg + (core + halo) * vLineCol * intensity;
#ifdef CROSS
  // A finer lattice crossing the strata, seen mostly inside the sweep, and a faint architectural
  // grid revealed as the sweep passes (projection-mapping reveal).
  float gx = (rot(uRot + 1.2) * p).y * N * 0.5;
  float dx = lineAt(gx, max(fwidth(gx), 1e-4));
  col += uAccent * (1.0 - smoothstep(0.0, 1.0, dx)) * (0.05 + 0.4 * sweep) * (1.0 - inside);
  vec2 cell = abs(fract(q * 4.0 + 0.5) - 0.5) / max(fwidth(q * 4.0), vec2(1e-4));
  col += uAccent * (1.0 - smoothstep(0.0, 1.0, min(cell.x, cell.y))) * sweep * 0.22;
#endif
  // Prism edges; visitors' colour runs along the lines they bend.
  col += uAccent * (edge * 0.35 + inside * 0.03);
  col += vCol * (core.g * 1.6 + halo.g * 2.0 + 0.05) + vHalo;
  gl_FragColor = vec4(col, 1.0);
  #include <colorspace_fragment>
}
`;
