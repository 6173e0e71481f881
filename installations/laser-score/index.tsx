import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Bloom, EffectComposer } from '@react-three/postprocessing';
import * as THREE from 'three';
import {
  defineInstallation, glsl, hashString, type ParamsOf, type ShaderPair, useLatest, useLights, useParams, usePalette, useQuality, useShowTime, useSound, useVisitors, useWallPlane, visitorColor,
} from 'pavilion/sdk';
import manifest from './manifest.json';
import palettes from './palettes.json';
import { buildTimeline, SCORE, stepSeconds } from './score';
import { aimEmitters, momentAt, type EmitterAim } from './formation';
import { playScore, type Pulse } from './sound';
import { beam, cone, roomFragment, sprite } from './shaders';
import { writeLights } from './lights';

type Params = ParamsOf<typeof manifest>;

const MAX_VISITORS = 40;
const MAX_EMITTERS = 13;
const MAX_PER_EMITTER = 32;

function instanced(base: THREE.BufferGeometry, count: number, attrs: Record<string, number>) {
  const g = new THREE.InstancedBufferGeometry();
  g.index = base.index;
  g.setAttribute('position', base.getAttribute('position'));
  const out: Record<string, THREE.InstancedBufferAttribute> = {};
  for (const [name, size] of Object.entries(attrs)) {
    const a = new THREE.InstancedBufferAttribute(new Float32Array(count * size), size);
    a.setUsage(THREE.DynamicDrawUsage);
    g.setAttribute(name, a);
    out[name] = a;
  }
  g.instanceCount = 0;
  return { g, a: out as Record<string, THREE.InstancedBufferAttribute> };
}

function put(arr: Float32Array, i: number, a: number, b: number, c: number, d?: number) {
  arr[i] = a; arr[i + 1] = b; arr[i + 2] = c;
  if (d !== undefined) arr[i + 3] = d;
}

function additive(shaders: ShaderPair, uniforms: Record<string, THREE.IUniform>) {
  return new THREE.ShaderMaterial({
    ...shaders, uniforms,
    blending: THREE.AdditiveBlending, transparent: true, depthWrite: false, depthTest: false,
  });
}

function LaserScore() {
  const params = useParams<Params>();
  const quality = useQuality();
  const time = useShowTime();
  const visitors = useVisitors();
  // The venue's fixtures follow the score too: a strobe, four beam heads and a wash (lights.ts).
  const lights = useLights();
  // The z = 0 plane the camera sees, in world units, for the whole wall.
  const { width: W, height: H, aspect, pixel } = useWallPlane();
  const timeline = useMemo(() => buildTimeline(), []);
  const E = Math.max(3, Math.min(MAX_EMITTERS, Math.round(aspect * 1.5) + 1));
  const xs = useMemo(() => Array.from({ length: E }, (_, e) => (-1 + (2 * e + 1) / E) * 0.94), [E]);
  const aims = useMemo<EmitterAim[]>(() => xs.map(() => ({ angle: 0, spread: 0, bright: 0, color: 0 })), [xs]);

  const paramsRef = useLatest(params);
  const pulses = useRef<Pulse[]>([]);

  const gpu = useMemo(() => {
    const plane = new THREE.PlaneGeometry(1, 1);
    const wedge = new THREE.PlaneGeometry(1, 1, 12, 1);
    const beams = instanced(plane, MAX_EMITTERS * MAX_PER_EMITTER + MAX_VISITORS * 3, { aBeam: 4, aCol: 4 });
    const cones = instanced(wedge, MAX_EMITTERS + MAX_VISITORS, { aCone: 4, aCol: 4 });
    const sprites = instanced(plane, MAX_EMITTERS + MAX_VISITORS * 2, { aSprite: 4, aCol: 3 });
    const uTime = { value: 0 };
    const uCore = { value: 0.02 };
    const beamMat = additive(beam, { uTime, uCore });
    const coneMat = additive(cone, { uTime });
    const spriteMat = additive(sprite, {});
    const roomMat = additive({ vertexShader: glsl.fullscreenVertex, fragmentShader: roomFragment }, {
      uTime, uSize: { value: new THREE.Vector2(1, 1) }, uTint: { value: new THREE.Color() },
      uStrobe: { value: new THREE.Color(0, 0, 0) }, uLevel: { value: 0 },
    });
    return { plane, wedge, beams, cones, sprites, beamMat, coneMat, spriteMat, roomMat, uTime, uCore };
  }, []);
  useEffect(() => () => {
    for (const o of [gpu.plane, gpu.wedge, gpu.beams.g, gpu.cones.g, gpu.sprites.g, gpu.beamMat, gpu.coneMat, gpu.spriteMat, gpu.roomMat]) o.dispose();
  }, [gpu]);

  /** Three beam colours, cycled by the score's sections. */
  const palette = usePalette(palettes, params.palette, 'laser');
  const tmp = useMemo(() => ({ c: new THREE.Color(), d: new THREE.Color(), strobe: new THREE.Color() }), []);

  useSound((s) => playScore(s, timeline, time, () => paramsRef.current.bpm, pulses), [timeline]);

  useFrame(() => {
    const t = time.seconds;
    const bpm = paramsRef.current.bpm;
    const beat = stepSeconds(bpm) * SCORE.stepsPerBeat;
    const offset = t - time.now / 1000; // piece seconds = show seconds + offset
    gpu.uTime.value = t;
    gpu.uCore.value = Math.max(0.012, 1.25 * pixel);

    // Visitors' strobe requests fire on the next beat after they arrive (the same on every screen).
    for (const ev of visitors.events) {
      if (ev.input !== 'pulse') continue;
      const v = visitors.visitors.find((x) => x.id === ev.visitorId);
      const c = v ? visitorColor(v) : tmp.c.setHSL((hashString(ev.visitorId) % 360) / 360, 0.9, 0.6);
      const evSec = ev.at / 1000 + offset;
      pulses.current.push({ sec: Math.ceil((evSec + 0.08) / beat) * beat, r: c.r, g: c.g, b: c.b });
    }
    pulses.current = pulses.current.filter((p) => t - p.sec < 2).slice(-12);
    tmp.strobe.setRGB(0, 0, 0);
    let strobe = 0;
    for (const p of pulses.current) {
      if (t < p.sec) continue;
      const k = Math.exp(-(t - p.sec) * 6);
      strobe += k;
      tmp.strobe.r += p.r * k * 0.5; tmp.strobe.g += p.g * k * 0.5; tmp.strobe.b += p.b * k * 0.5;
    }
    strobe = Math.min(strobe, 1.5);

    // The score decides the aim of every emitter.
    const m = momentAt(timeline, t, bpm);
    aimEmitters(m, t, xs, W, H, aims);
    const perEmitter = Math.max(1, Math.min(MAX_PER_EMITTER, Math.round(paramsRef.current.beams), quality === 'low' ? 10 : 32));
    const baseY = -H * 0.5 + H * 0.045;
    const beamLen = H * 2.1;
    const { aBeam, aCol: bCol } = gpu.beams.a as Record<'aBeam' | 'aCol', THREE.InstancedBufferAttribute>;
    const { aCone, aCol: cCol } = gpu.cones.a as Record<'aCone' | 'aCol', THREE.InstancedBufferAttribute>;
    const { aSprite, aCol: sCol } = gpu.sprites.a as Record<'aSprite' | 'aCol', THREE.InstancedBufferAttribute>;
    const B = aBeam.array as Float32Array, BC = bCol.array as Float32Array;
    const C = aCone.array as Float32Array, CC = cCol.array as Float32Array;
    const S = aSprite.array as Float32Array, SC = sCol.array as Float32Array;
    let nb = 0, nc = 0, ns = 0, level = 0;
    const boost = 1 + 1.8 * strobe;
    for (let e = 0; e < xs.length; e++) {
      const a = aims[e] as EmitterAim;
      const ci = Math.floor(a.color), cf = a.color - ci;
      tmp.c.copy(palette[ci % 3]!).lerp(palette[(ci + 1) % 3]!, cf * cf * (3 - 2 * cf));
      if (strobe > 0) tmp.c.lerp(tmp.strobe.clone().multiplyScalar(2).addScalar(0.4), Math.min(0.6, strobe * 0.5));
      const ox = (xs[e] ?? 0) * W * 0.5;
      const bright = a.bright * boost;
      level += a.bright / xs.length;
      for (let i = 0; i < perEmitter; i++) {
        const u = perEmitter === 1 ? 0 : (i / (perEmitter - 1)) * 2 - 1;
        const flick = 0.7 + 0.3 * Math.sin(m.info.cut * 12.9898 + e * 78.233 + i * 4.1);
        put(B, nb * 4, ox, baseY, a.angle + u * a.spread * 0.5, beamLen);
        const k = bright * flick * 1.15;
        put(BC, nb * 4, tmp.c.r * k, tmp.c.g * k, tmp.c.b * k, H * 1.1);
        nb++;
      }
      put(C, nc * 4, ox, baseY, a.angle, a.spread * 1.08 + 0.01);
      const ck = bright * (0.35 + 0.25 * Math.min(1, a.spread * 3));
      put(CC, nc * 4, tmp.c.r * ck, tmp.c.g * ck, tmp.c.b * ck, beamLen * 0.75);
      nc++;
      put(S, ns * 4, ox, baseY, H * (0.07 + 0.08 * a.bright), 0);
      put(SC, ns * 3, tmp.c.r * (0.6 + bright), tmp.c.g * (0.6 + bright), tmp.c.b * (0.6 + bright));
      ns++;
    }

    // Each visitor aims a personal beam in their colour (a slow idle sweep until they touch).
    const vs = visitors.visitors.slice(0, MAX_VISITORS);
    for (const v of vs) {
      const h = hashString(v.id) / 4294967296;
      const col = visitorColor(v);
      const aim = v.input.beam;
      const tx = typeof aim === 'object' ? aim.x * W * 0.48 : W * 0.4 * Math.sin(t * 0.23 + h * 40);
      const ty = typeof aim === 'object' ? aim.y * H * 0.46 : H * (0.15 + 0.2 * Math.sin(t * 0.31 + h * 17));
      const ox = (h * 2 - 1) * W * 0.45 * 0.6 + tx * 0.4;
      const dx = tx - ox, dy = ty - baseY;
      const ang = Math.atan2(dx, dy), len = Math.hypot(dx, dy);
      const kick = Math.exp(-m.sinceKick * 8) * 0.5;
      for (let j = -1; j <= 1; j++) {
        const k = (j === 0 ? 1.6 + kick : 0.35) * boost;
        put(B, nb * 4, ox, baseY, ang + j * 0.035, j === 0 ? len : len * 1.4);
        put(BC, nb * 4, col.r * k, col.g * k, col.b * k, H * 5);
        nb++;
      }
      put(C, nc * 4, ox, baseY, ang, 0.09);
      put(CC, nc * 4, col.r * 0.6, col.g * 0.6, col.b * 0.6, len * 1.2);
      nc++;
      // The dot where their beam lands, and a flare at their emitter; both flash when they press.
      let press = 0;
      for (const ev of visitors.events) if (ev.visitorId === v.id && ev.input === 'pulse') press = 1;
      const dot = 1.4 + press * 2 + kick;
      put(S, ns * 4, tx, ty, H * (0.16 + 0.1 * press), 0);
      put(SC, ns * 3, col.r * dot, col.g * dot, col.b * dot);
      ns++;
      put(S, ns * 4, ox, baseY, H * 0.12, 0);
      put(SC, ns * 3, col.r, col.g, col.b);
      ns++;
    }
    for (const [g, n] of [[gpu.beams, nb], [gpu.cones, nc], [gpu.sprites, ns]] as const) {
      g.g.instanceCount = n;
      for (const attr of Object.values(g.a)) attr.needsUpdate = true;
    }

    writeLights(lights, m, aims, strobe, boost, level);

    const ru = gpu.roomMat.uniforms;
    (ru.uSize!.value as THREE.Vector2).set(W, H);
    (ru.uTint!.value as THREE.Color).copy(palette[(m.info.section + m.loop) % 3]!);
    (ru.uStrobe!.value as THREE.Color).copy(tmp.strobe);
    ru.uLevel!.value = level;
  });

  return (
    <group>
      <mesh geometry={gpu.plane} material={gpu.roomMat} scale={[W, H, 1]} renderOrder={0} frustumCulled={false} />
      <mesh geometry={gpu.cones.g} material={gpu.coneMat} renderOrder={1} frustumCulled={false} />
      <mesh geometry={gpu.beams.g} material={gpu.beamMat} renderOrder={2} frustumCulled={false} />
      <mesh geometry={gpu.sprites.g} material={gpu.spriteMat} renderOrder={3} frustumCulled={false} />
      {quality !== 'low' && (
        <EffectComposer multisampling={quality === 'high' ? 4 : 0}>
          <Bloom mipmapBlur intensity={1.2} luminanceThreshold={0.15} luminanceSmoothing={0.4} />
        </EffectComposer>
      )}
    </group>
  );
}

export default defineInstallation({ manifest, Component: LaserScore });
