import { Color, Vector3, Vector4 } from 'three';

/** Most creatures that light the leaves (the nearest/oldest 16 of the visitors). */
export const MAX_LIGHTS = 16;
/** Call ripples travelling through the foliage at once. */
export const MAX_RIPPLES = 6;
/** Length of one forest day, in piece seconds at speed 1. */
export const DAY_SECONDS = 360;
/** Where in the day the piece starts: a golden morning. */
export const DAY_START = 0.07;

export type PaletteName = 'dawn' | 'emerald' | 'night';

interface Tones {
  skyTop: string;
  skyHor: string;
  fog: string;
  leafDark: string;
  leafLight: string;
  sun: string;
  mote: string;
}
interface Palette {
  day: Tones;
  night: Tones;
  /** Low sun: horizon and light colour at dawn and dusk. */
  warmSky: string;
  warmSun: string;
  accent: string;
  firefly: string;
  /** How dark the darkest hour gets (0 = palette's night tones). */
  dayFloor: number;
  dayCeil: number;
}

const PALETTES: Record<PaletteName, Palette> = {
  dawn: {
    day: { skyTop: '#f6d2a4', skyHor: '#b87f68', fog: '#7a4e48', leafDark: '#170f12', leafLight: '#e0b85a', sun: '#ffdca8', mote: '#ffe8c8' },
    night: { skyTop: '#0b0d1e', skyHor: '#33284a', fog: '#241c33', leafDark: '#07080c', leafLight: '#3c3a5c', sun: '#b9a8ff', mote: '#c7b5ff' },
    warmSky: '#ff9d6b', warmSun: '#ffb070', accent: '#d2553a', firefly: '#ffcf6a', dayFloor: 0, dayCeil: 1,
  },
  emerald: {
    day: { skyTop: '#d2f0c2', skyHor: '#4a8a6c', fog: '#224c3d', leafDark: '#04140e', leafLight: '#a6ec6a', sun: '#f6ffd2', mote: '#eaffdc' },
    night: { skyTop: '#04121c', skyHor: '#123a48', fog: '#0d2a33', leafDark: '#030b0d', leafLight: '#1f5a60', sun: '#9fd4ff', mote: '#9fffe0' },
    warmSky: '#d9e8a0', warmSun: '#fff0b0', accent: '#c7d94a', firefly: '#b8ff6a', dayFloor: 0, dayCeil: 1,
  },
  night: {
    day: { skyTop: '#0a1530', skyHor: '#2a4a78', fog: '#1c2f52', leafDark: '#03070d', leafLight: '#2a5d78', sun: '#b8ccff', mote: '#a8d8ff' },
    night: { skyTop: '#01020a', skyHor: '#0a1430', fog: '#081026', leafDark: '#010306', leafLight: '#112a44', sun: '#8aa6ff', mote: '#8fe0ff' },
    warmSky: '#5a4a8a', warmSun: '#c0b0ff', accent: '#4ad0c0', firefly: '#9dff8a', dayFloor: 0.15, dayCeil: 0.7,
  },
};

export function paletteOf(name: unknown): Palette {
  return PALETTES[(name as PaletteName) in PALETTES ? (name as PaletteName) : 'emerald'];
}

const smooth = (a: number, b: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
};

/** The state of the forest day at piece time t (seconds × speed): closed-form, same on every screen. */
export function cycleAt(t: number) {
  const c = (((t / DAY_SECONDS + DAY_START) % 1) + 1) % 1;
  const day = smooth(0, 0.12, c) * (1 - smooth(0.46, 0.6, c));
  const warm = Math.exp(-(((c - 0.07) / 0.06) ** 2)) + Math.exp(-(((c - 0.54) / 0.05) ** 2));
  const rain = smooth(0.24, 0.29, c) * (1 - smooth(0.36, 0.42, c));
  // Sun crosses the wall during the day, the moon during the night.
  const sunArc = c < 0.6 ? (c - 0.3) / 0.3 : (c - 0.8) / 0.2;
  return { c, day, warm: Math.min(1, warm), rain, sunArc };
}

export type Cycle = ReturnType<typeof cycleAt>;

export function createUniforms() {
  return {
    uTime: { value: 0 },
    uSec: { value: 0 },
    uDay: { value: 1 },
    uRain: { value: 0 },
    uFogDensity: { value: 0.03 },
    uFogColor: { value: new Color() },
    uSkyTop: { value: new Color() },
    uSkyHor: { value: new Color() },
    uSunColor: { value: new Color() },
    uSunDir: { value: new Vector3(0, 0.4, -1).normalize() },
    uLeafDark: { value: new Color() },
    uLeafLight: { value: new Color() },
    uAccent: { value: new Color() },
    uMote: { value: new Color() },
    uFirefly: { value: new Color() },
    uCre: { value: Array.from({ length: MAX_LIGHTS }, () => new Vector4(0, 0, 0, 0)) },
    uCreCol: { value: Array.from({ length: MAX_LIGHTS }, () => new Vector3()) },
    uRip: { value: Array.from({ length: MAX_RIPPLES }, () => new Vector4(0, 0, 0, -100)) },
    uRipCol: { value: Array.from({ length: MAX_RIPPLES }, () => new Vector3()) },
  };
}
export type SharedUniforms = ReturnType<typeof createUniforms>;

const tmpA = new Color();
const tmpB = new Color();
const grey = new Color('#6d7a78');

function blend(out: Color, p: Palette, key: keyof Tones, day: number, warm: string | null, w: number, rain: number) {
  tmpA.set(p.night[key]);
  tmpB.set(p.day[key]);
  out.copy(tmpA).lerp(tmpB, day);
  if (warm) out.lerp(tmpA.set(warm), w * 0.5);
  if (rain > 0) {
    const l = out.getHSL({ h: 0, s: 0, l: 0 }).l;
    out.lerp(tmpB.copy(grey).multiplyScalar(l * 1.6), rain * 0.45);
  }
}

/** Writes the palette and the day cycle into the shared uniforms (called once per frame). */
export function applyCycle(u: SharedUniforms, p: Palette, cy: Cycle) {
  const day = p.dayFloor + (p.dayCeil - p.dayFloor) * cy.day;
  u.uDay.value = day;
  u.uRain.value = cy.rain;
  u.uFogDensity.value = 0.014 + 0.016 * cy.rain + 0.006 * (1 - day);
  blend(u.uSkyTop.value, p, 'skyTop', day, null, 0, cy.rain);
  blend(u.uSkyHor.value, p, 'skyHor', day, p.warmSky, cy.warm, cy.rain);
  blend(u.uFogColor.value, p, 'fog', day, p.warmSky, cy.warm * 0.6, cy.rain);
  blend(u.uSunColor.value, p, 'sun', day, p.warmSun, cy.warm, cy.rain);
  blend(u.uLeafDark.value, p, 'leafDark', day, null, 0, cy.rain * 0.5);
  blend(u.uLeafLight.value, p, 'leafLight', day, p.warmSun, cy.warm * 0.35, cy.rain * 0.5);
  blend(u.uMote.value, p, 'mote', day, null, 0, 0);
  u.uAccent.value.set(p.accent);
  u.uFirefly.value.set(p.firefly);
  const a = cy.sunArc * 1.05;
  u.uSunDir.value.set(Math.sin(a), 0.32 + 0.25 * Math.cos(a * 1.4), -Math.cos(a) * 1.2).normalize();
}

/** GLSL shared by every material: exponential fog and a divergence-free (curl) wind field. */
export const GLSL_COMMON = /* glsl */ `
uniform float uTime;
uniform float uSec;
uniform float uDay;
uniform float uRain;
uniform float uFogDensity;
uniform vec3 uFogColor;
uniform vec3 uSunColor;
uniform vec3 uSunDir;
uniform vec3 uLeafDark;
uniform vec3 uLeafLight;

vec3 applyFog(vec3 col, float dist) {
  float f = 1.0 - exp(-dist * uFogDensity);
  return mix(col, uFogColor, clamp(f, 0.0, 1.0));
}

// Curl of a vector potential made of travelling sine products: analytic, cheap, divergence-free.
vec3 curlOctave(vec3 p, float t, vec3 k, vec3 w) {
  float sx = sin(p.y * k.x + t * w.x), cx = cos(p.y * k.x + t * w.x);
  float sz2 = sin(p.z * k.y + t * w.y), cz2 = cos(p.z * k.y + t * w.y);
  float sz = sin(p.z * k.z + t * w.z), cz = cos(p.z * k.z + t * w.z);
  float sx4 = sin(p.x * k.y + t * w.x), cx4 = cos(p.x * k.y + t * w.x);
  float sx5 = sin(p.x * k.x + t * w.z), cx5 = cos(p.x * k.x + t * w.z);
  float sy6 = sin(p.y * k.z + t * w.y), cy6 = cos(p.y * k.z + t * w.y);
  // A = (sx*cz2, sz*cx4, sx5*cy6)
  float dA3dy = -sx5 * sy6 * k.z;
  float dA2dz = cz * k.z * cx4;
  float dA1dz = -sx * sz2 * k.y;
  float dA3dx = cx5 * k.x * cy6;
  float dA2dx = -sz * sx4 * k.y;
  float dA1dy = cx * k.x * cz2;
  return vec3(dA3dy - dA2dz, dA1dz - dA3dx, dA2dx - dA1dy);
}

float gustAt(vec3 p, float t) {
  // Broad gusts that sweep across the whole wall, stronger in the rain.
  float g = 0.5 + 0.5 * sin(p.x * 0.09 - t * 0.55 + sin(t * 0.071) * 2.0 + p.z * 0.05);
  return mix(0.35, 1.0, g * g) * (1.0 + uRain * 1.2);
}

// Wind at p with the gust already known. Medium/high: two octaves of 3D curl noise. Low: the curl
// of one travelling stream function in the wall's plane (five trig calls instead of twenty-four).
vec3 windAt(vec3 p, float t, float gust) {
#ifdef HQ
  vec3 w = curlOctave(p, t, vec3(0.23, 0.17, 0.29), vec3(0.31, -0.23, 0.19)) / 0.3;
  w += 0.5 * curlOctave(p * 2.3 + 4.0, t * 1.7, vec3(0.23, 0.17, 0.29), vec3(-0.37, 0.29, 0.41)) / 0.3;
#else
  float a = p.x * 0.61 + t * 0.31, b = p.y * 0.53 - t * 0.23 + p.z * 0.2;
  float sa = sin(a), ca = cos(a), sb = sin(b), cb = cos(b);
  vec3 w = vec3(-sa * sb * 0.53, -ca * cb * 0.61, 0.5 * sin(p.z * 0.4 + p.x * 0.2 + t * 0.27)) / 0.45;
#endif
  return (w + vec3(0.6, 0.0, 0.0)) * gust;
}
`;
