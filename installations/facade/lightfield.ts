/**
 * The façade's per-window light and visitors' light map, computed on the CPU each frame as
 * closed-form functions of show time (and of the knocks, which every screen receives alike),
 * then uploaded as two small textures the shader reads once per pixel.
 */
import * as THREE from 'three';
import type { Knock } from './sound';

const fract = (x: number) => x - Math.floor(x);
/** Integer hash to [0, 1). */
function hash2(a: number, b: number): number {
  let h = Math.imul(a | 0, 0x27d4eb2d) ^ Math.imul(b | 0, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

export interface Light {
  x: number;
  y: number;
  intensity: number;
  color: THREE.Color;
}

/** A texture of bays × (floors + 1) cells (row 0 is the arcade), rgb = window light / 2. */
export function makeCells(bays: number, floors: number): THREE.DataTexture {
  const tex = new THREE.DataTexture(new Uint8Array(bays * (floors + 1) * 4), bays, floors + 1, THREE.RGBAFormat);
  tex.magFilter = THREE.NearestFilter;
  tex.minFilter = THREE.NearestFilter;
  tex.needsUpdate = true;
  return tex;
}

export interface CellLight {
  t: number;
  night: number;
  cascade: number;
  fill: THREE.Color;
  accent: THREE.Color;
  knocks: Knock[];
  /** Wall geometry in wall units (height 1). */
  aspect: number;
  bays: number;
  floors: number;
}

export function updateCells(tex: THREE.DataTexture, c: CellLight): void {
  const data = tex.image.data as Uint8Array;
  const { bays, floors, aspect } = c;
  const bw = aspect / bays;
  const fh = (0.3 + 0.26) / floors;
  const mixR = (c.fill.r + c.accent.r) * 0.5, mixG = (c.fill.g + c.accent.g) * 0.5, mixB = (c.fill.b + c.accent.b) * 0.5;
  for (let row = 0; row <= floors; row++) {
    const fl = row - 1;
    const cy = fl < 0 ? -0.36 : -0.26 + (fl + 0.5) * fh;
    for (let ix = 0; ix < bays; ix++) {
      const h = hash2(ix, fl + 1000);
      const period = 3 + h * 9;
      const on = hash2(ix * 7 + fl, Math.floor(c.t / period + h * 7)) > 0.62 ? 1 : 0;
      const lit = on * c.night * (0.55 + 0.45 * h);
      const wave = fract(ix * 0.11 + fl * 0.31 - c.t * 0.23);
      const cas = Math.exp(-wave * 7) * c.cascade;
      let r = c.fill.r * lit + mixR * cas, g = c.fill.g * lit + mixG * cas, b = c.fill.b * lit + mixB * cas;
      const cx = (ix + 0.5) * bw - aspect * 0.5;
      for (const k of c.knocks) {
        const age = Math.max(0, c.t - k.sec);
        const dx = (cx - k.x) / bw, dy = (cy - k.y) / fh;
        const dist = Math.hypot(dx, dy);
        const front = age * 7;
        const ring = Math.exp(-(dist - front) * (dist - front) * 0.6);
        const after = dist < front ? Math.exp(-age * 0.8 - dist * 0.15) : 0;
        const w = (ring * 1.2 * Math.exp(-age * 0.35) + after * 0.5) * Math.exp(-dist * 0.05);
        r += k.r * w; g += k.g * w; b += k.b * w;
      }
      const i = (row * bays + ix) * 4;
      data[i] = Math.min(255, r * 127.5);
      data[i + 1] = Math.min(255, g * 127.5);
      data[i + 2] = Math.min(255, b * 127.5);
      data[i + 3] = 255;
    }
  }
  tex.needsUpdate = true;
}

/** A low-resolution map of visitors' lights over the wall: rgb = light / 2, a = horizontal direction. */
export function makeLightMap(aspect: number): THREE.DataTexture {
  const w = Math.max(64, Math.min(256, Math.round(aspect * 40)));
  const h = 24;
  const tex = new THREE.DataTexture(new Uint8Array(w * h * 4), w, h, THREE.RGBAFormat);
  tex.magFilter = THREE.LinearFilter;
  tex.minFilter = THREE.LinearFilter;
  tex.needsUpdate = true;
  return tex;
}

export function updateLightMap(tex: THREE.DataTexture, lights: Light[], aspect: number): void {
  const data = tex.image.data as Uint8Array;
  const W = tex.image.width, H = tex.image.height;
  data.fill(0);
  for (let i = 3; i < data.length; i += 4) data[i] = 128;
  if (lights.length) {
    for (let j = 0; j < H; j++) {
      const y = (j + 0.5) / H - 0.5;
      for (let i = 0; i < W; i++) {
        const x = ((i + 0.5) / W - 0.5) * aspect;
        let r = 0, g = 0, b = 0, dir = 0, total = 0;
        for (const L of lights) {
          const dx = L.x - x, dy = L.y - y;
          const f = L.intensity * (Math.exp(-(dx * dx + dy * dy) / 0.0256) + 0.5 * Math.exp(-Math.abs(dx) / 0.05));
          r += L.color.r * f; g += L.color.g * f; b += L.color.b * f;
          dir += Math.sign(dx) * f;
          total += f;
        }
        const o = (j * W + i) * 4;
        data[o] = Math.min(255, r * 127.5);
        data[o + 1] = Math.min(255, g * 127.5);
        data[o + 2] = Math.min(255, b * 127.5);
        data[o + 3] = Math.round(127.5 + 127.5 * (total > 1e-4 ? dir / total : 0));
      }
    }
  }
  tex.needsUpdate = true;
}
