import { useEffect, useMemo, useRef } from 'react';
import { AdditiveBlending, BufferAttribute, Color, DynamicDrawUsage, InstancedBufferAttribute, InstancedBufferGeometry, Vector3 } from 'three';
import { useFrame } from '@react-three/fiber';
import { hashString, shaderPair, useShowTime, useVisitors, useWall, visitorColor } from 'pavilion/sdk';
import { viewAt } from './layout';
import { MAX_LIGHTS, MAX_RIPPLES, type SharedUniforms } from './world';

export const MAX_CREATURES = 96;

/** A call heard on this screen: the sound layer plays it. */
export interface CallNote {
  /** Piece seconds of the call. */
  sec: number;
  hue: number;
}

/** The creatures' shaders, after the varyings the vertex shader hands the fragment shader. */
export const creatureShaders = shaderPair(
  'varying vec2 vUv; varying float vPart; varying vec3 vCol; varying float vCall;',
  /* glsl */ `
attribute float aPart;      // 0 left wing, 1 right wing, 2 halo
attribute vec4 aCre;        // position, seed
attribute vec4 aCol;        // colour, age since joining (s)
attribute vec4 aAct;        // age since last call (s), roll, -, -
uniform float uSec;
void main() {
  vUv = uv;
  vPart = aPart;
  vCol = aCol.rgb;
  float call = clamp(1.0 - aAct.x / 2.5, 0.0, 1.0);
  vCall = aAct.x;
  float age = aCol.w;
  float grow = smoothstep(0.0, 0.6, age) * (1.0 + 0.6 * exp(-age * 3.0) * sin(age * 12.0));
  float span = 0.62 * grow * (1.0 + 0.25 * call);
  vec3 right = vec3(viewMatrix[0][0], viewMatrix[1][0], viewMatrix[2][0]);
  vec3 up = vec3(viewMatrix[0][1], viewMatrix[1][1], viewMatrix[2][1]);
  vec3 fwd = cross(right, up);
  vec3 local;
  if (aPart < 1.5) {
    float side = aPart < 0.5 ? -1.0 : 1.0;
    float flap = sin(uSec * (5.0 + aCre.w * 2.0) + aCre.w * 40.0) * 0.75 + 0.35;
    float x = position.x + 0.5;             // 0 at the body, 1 at the wing tip
    local = vec3(side * x * cos(flap) * span, position.y * span, x * sin(flap) * span);
    vUv = vec2(x, position.y);
  } else {
    float s = span * (3.2 + 5.0 * call);
    local = vec3(position.xy * s, 0.0);
  }
  float r = aAct.y;
  local.xy = mat2(cos(r), sin(r), -sin(r), cos(r)) * local.xy;
  // The mesh's own transform (the identity on a wall; the forest's place round a VR viewer) moves the body only.
  vec3 w = (modelMatrix * vec4(aCre.xyz, 1.0)).xyz + right * local.x + up * local.y + fwd * local.z;
  gl_Position = projectionMatrix * viewMatrix * vec4(w, 1.0);
}
`,
  /* glsl */ `
float sdEllipse(vec2 p, vec2 c, vec2 r, float a) {
  p -= c;
  p = mat2(cos(a), -sin(a), sin(a), cos(a)) * p;
  return (length(p / r) - 1.0) * min(r.x, r.y);
}
void main() {
  vec3 col;
  if (vPart < 1.5) {
    vec2 p = vUv;
    float d = min(sdEllipse(p, vec2(0.48, 0.16), vec2(0.5, 0.26), 0.5), sdEllipse(p, vec2(0.3, -0.2), vec2(0.32, 0.22), -0.4));
    float fill = smoothstep(0.015, -0.015, d);
    float edge = exp(-abs(d) * 45.0);
    float spot = exp(-pow(length(p - vec2(0.55, 0.14)) - 0.07, 2.0) * 2500.0) * fill;
    float vein = smoothstep(0.85, 1.0, sin(atan(p.y, p.x + 0.05) * 14.0)) * fill * 0.5;
    col = vCol * (fill * 0.55 + edge * 1.6 + spot * 1.2 + vein) + vec3(1.0) * (edge * 0.3 + spot * 0.4);
  } else {
    float r = length(vUv - 0.5) * 2.0;
    float halo = exp(-r * r * 6.0) * 0.16 + exp(-r * r * 120.0) * 0.9;
    float ring = vCall < 2.5 ? exp(-pow((r - vCall * 0.55) * 9.0, 2.0)) * (1.0 - vCall / 2.5) : 0.0;
    col = vCol * (halo + ring * 0.9) * smoothstep(1.0, 0.8, r);
  }
  gl_FragColor = vec4(col, 1.0);
  #include <colorspace_fragment>
}
`,
);

export function creatureGeometry() {
  const pos: number[] = [];
  const uv: number[] = [];
  const part: number[] = [];
  const idx: number[] = [];
  for (let k = 0; k < 3; k++) {
    const b = k * 4;
    pos.push(-0.5, -0.5, 0, 0.5, -0.5, 0, 0.5, 0.5, 0, -0.5, 0.5, 0);
    uv.push(0, 0, 1, 0, 1, 1, 0, 1);
    part.push(k, k, k, k);
    idx.push(b, b + 1, b + 2, b, b + 2, b + 3);
  }
  const g = new InstancedBufferGeometry();
  g.setIndex(idx);
  g.setAttribute('position', new BufferAttribute(new Float32Array(pos), 3));
  g.setAttribute('uv', new BufferAttribute(new Float32Array(uv), 2));
  g.setAttribute('aPart', new BufferAttribute(new Float32Array(part), 1));
  for (const name of ['aCre', 'aCol', 'aAct']) {
    const a = new InstancedBufferAttribute(new Float32Array(MAX_CREATURES * 4), 4);
    a.setUsage(DynamicDrawUsage);
    g.setAttribute(name, a);
  }
  g.instanceCount = 0;
  return g;
}

/** A light the creatures' leaves glow with besides the visitors' moths (the viewer's hands in VR), in the forest's coordinates. */
export interface ExtraLight {
  x: number;
  y: number;
  z: number;
  /** Strength (0: off). */
  w: number;
  r: number;
  g: number;
  b: number;
}

/** How fast a creature closes on its tilt target (1/s). */
const GLIDE_RATE = 3.5;

/**
 * A creature's position between tilt changes: an exponential glide from where it was when the
 * target last changed (the visitor's inputAt, the same on every screen), evaluated in closed form
 * from show time (the same on a 10 fps screen as on a 60 fps one, and frozen while the wall is paused).
 */
interface Flyer {
  from: Vector3;
  to: Vector3;
  t0: number;
  pos: Vector3;
  lastCall: number;
}
function glide(f: Flyer, t: number, out: Vector3): Vector3 {
  const k = Math.exp(-Math.max(0, t - f.t0) * GLIDE_RATE);
  return out.set(f.to.x + (f.from.x - f.to.x) * k, f.to.y + (f.from.y - f.to.y) * k, f.to.z + (f.from.z - f.to.z) * k);
}

/**
 * One glowing moth per visitor, in the visitor's colour, flying where their phone is tilted.
 * Position = the tilt mapped onto the wall, reached by a closed-form glide (see Flyer), plus a
 * closed-form flutter from show time. Before a visitor tilts, their creature wanders near a home
 * spot of its own, purely from show time.
 */
export function Creatures({ u, calls, lights, extra }: { u: SharedUniforms; calls: { current: CallNote[] }; lights: { current: number }; extra?: { current: ExtraLight[] } }) {
  const time = useShowTime();
  const visitors = useVisitors();
  const wall = useWall();
  const geometry = useMemo(creatureGeometry, []);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const flyers = useRef(new Map<string, Flyer>());
  const lastSeq = useRef(-1);
  const ripple = useRef(0);
  const lightBucket = lights;
  const lastShrink = useRef(0);
  const tmp = useMemo(() => ({ c: new Color(), v: new Vector3() }), []);
  const uniforms = useMemo(() => ({ uSec: u.uSec }), [u]);

  useFrame(() => {
    const t = time.seconds;
    const list = visitors.visitors.slice(0, MAX_CREATURES);
    const seen = new Set<string>();
    const cre = geometry.getAttribute('aCre') as InstancedBufferAttribute;
    const col = geometry.getAttribute('aCol') as InstancedBufferAttribute;
    const act = geometry.getAttribute('aAct') as InstancedBufferAttribute;
    let lit = 0;
    // Lights of the viewer's hands in a VR station (Immersive.tsx) come first; visitors' moths take the rest.
    for (const l of extra?.current ?? []) {
      if (lit >= MAX_LIGHTS) break;
      u.uCre.value[lit]!.set(l.x, l.y, l.z, l.w);
      u.uCreCol.value[lit]!.set(l.r, l.g, l.b);
      lit++;
    }
    list.forEach((v, i) => {
      seen.add(v.id);
      const h = hashString(v.id);
      const seed = (h % 1000) / 1000;
      const z = -3 + ((h >>> 10) % 1000) / 1000 * 5;
      const view = viewAt(z, wall.aspect, 0.9);
      const tilt = v.input.tilt as { x: number; y: number } | undefined;
      const tx = tilt ? tilt.x : (((h >>> 4) % 1000) / 1000) * 1.6 - 0.8 + 0.15 * Math.sin(t * 0.21 + seed * 9);
      const ty = tilt ? tilt.y : (((h >>> 14) % 1000) / 1000) * 0.9 - 0.3 + 0.1 * Math.sin(t * 0.17 + seed * 5);
      tmp.v.set(view.cx + tx * view.hw, view.cy + ty * view.hh, z);
      let f = flyers.current.get(v.id);
      if (!f) {
        f = { from: tmp.v.clone(), to: tmp.v.clone(), t0: t, pos: tmp.v.clone(), lastCall: -100 };
        flyers.current.set(v.id, f);
      } else if (!tilt) {
        f.from.copy(tmp.v);
        f.to.copy(tmp.v);
      } else if (f.to.distanceToSquared(tmp.v) > 1e-10) {
        // Eased from the server's merge time of the tilt, which every screen of the wall gets alike.
        const t0 = Math.min(t, t - (time.now - v.inputAt) / 1000);
        glide(f, t0, f.from);
        f.to.copy(tmp.v);
        f.t0 = t0;
      }
      glide(f, t, f.pos);
      const dx = (tmp.v.x - f.pos.x) / Math.max(view.hw, 1);
      const x = f.pos.x + Math.sin(t * 1.3 + seed * 20) * 0.25;
      const y = f.pos.y + Math.sin(t * 2.1 + seed * 11) * 0.18;
      const zz = f.pos.z + Math.sin(t * 0.9 + seed * 7) * 0.3;
      const age = (time.now - v.joinedAt) / 1000;
      tmp.c.copy(visitorColor(v)).convertSRGBToLinear();
      cre.setXYZW(i, x, y, zz, seed);
      col.setXYZW(i, tmp.c.r, tmp.c.g, tmp.c.b, Math.max(0, age));
      act.setXYZW(i, t - f.lastCall, Math.max(-0.8, Math.min(0.8, -dx * 4)) + 0.15 * Math.sin(t * 1.1 + seed * 3), 0, 0);
      if (lit < MAX_LIGHTS) {
        const flash = Math.max(0, 1 - (t - f.lastCall) / 2);
        u.uCre.value[lit]!.set(x, y, zz, Math.min(1, Math.max(0, age) * 1.5) * (0.8 + 2.5 * flash));
        u.uCreCol.value[lit]!.set(tmp.c.r, tmp.c.g, tmp.c.b);
        lit++;
      }
    });
    for (const id of flyers.current.keys()) if (!seen.has(id)) flyers.current.delete(id);
    // The leaves compile their light loop for a bucket of creatures (0 when nobody plays).
    for (let i = lit; i < MAX_LIGHTS; i++) u.uCre.value[i]!.w = 0;
    const bucket = lit === 0 ? 0 : lit <= 4 ? 4 : lit <= 8 ? 8 : MAX_LIGHTS;
    if (bucket === 0 || bucket > lightBucket.current) lightBucket.current = bucket;
    else if (bucket < lightBucket.current && t - lastShrink.current > 10) {
      lightBucket.current = bucket;
      lastShrink.current = t;
    }
    geometry.instanceCount = list.length;
    cre.needsUpdate = col.needsUpdate = act.needsUpdate = true;

    if (visitors.seq !== lastSeq.current) {
      lastSeq.current = visitors.seq;
      for (const e of visitors.events) {
        if (e.input !== 'call') continue;
        const v = list.find((x) => x.id === e.visitorId);
        const f = flyers.current.get(e.visitorId);
        if (!v || !f) continue;
        const start = t - Math.max(0, (time.now - e.at) / 1000);
        f.lastCall = start;
        const slot = ripple.current++ % MAX_RIPPLES;
        u.uRip.value[slot]!.set(f.pos.x, f.pos.y, f.pos.z, start);
        tmp.c.copy(visitorColor(v)).convertSRGBToLinear();
        u.uRipCol.value[slot]!.set(tmp.c.r, tmp.c.g, tmp.c.b);
        calls.current.push({ sec: start, hue: v.hue });
        if (calls.current.length > 16) calls.current.shift();
      }
    }
  });

  return (
    <mesh geometry={geometry} frustumCulled={false} renderOrder={8}>
      <shaderMaterial args={[{ uniforms, ...creatureShaders, transparent: true, depthWrite: false, blending: AdditiveBlending }]} />
    </mesh>
  );
}
