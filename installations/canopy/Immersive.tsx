import { useEffect, useMemo, useRef } from 'react';
import { AdditiveBlending, Color, Vector3, Vector4, type Group, type InstancedBufferAttribute } from 'three';
import { useFrame } from '@react-three/fiber';
import { useControllers, useShowTime, useViewer, type XrQuat } from 'pavilion/sdk';
import { Mist, Trunks } from './Atmosphere';
import { Sky } from './Sky';
import { Leaves } from './Leaves';
import { Crowns } from './Crowns';
import { Motes, Rain, Rays } from './Light';
import { Creatures, creatureGeometry, creatureShaders, type CallNote, type ExtraLight } from './Creatures';
import { CAMERA } from './layout';
import type { SharedUniforms } from './world';

/** The viewer's eyes stand where the flat camera looks from, this high over the forest floor (metres). */
export const EYE = 1.6;
/** The forest of the flat picture spans about 75° ahead; copies of it turned round the viewer close the circle. */
export const COPIES = 5;
/** Moths that live around the viewer and come to their hands. */
export const HAND_MOTHS = 7;
/** How far a hand reaches a moth (metres from the moth's home). */
const REACH = 2.4;

/** Half the angle one copy's forest spans round the viewer (75° wide), with what spills over its edges. */
const COPY_HALF = (45 * Math.PI) / 180;
/** Half the widest view of a headset across both eyes (Quest 3, Vision Pro, Pico 4: 100–110°), with a margin. */
const VIEW_HALF = (70 * Math.PI) / 180;
/** Looking further up or down than this, any copy may be in view (the crowns close overhead). */
const LEVEL = (20 * Math.PI) / 180;

/**
 * Which copies of the forest the viewer can see, looking along `q` (their head's orientation): a
 * copy whose whole wedge lies outside the widest headset's view is not drawn. Every copy is drawn
 * in both eyes otherwise, and the two or three behind the viewer (whose shaders place their leaves,
 * so three.js cannot cull them) cost as much as those ahead; in software GL the station drew 6 to 9
 * frames a second. Looking up or down, every copy is drawn.
 */
export function copiesInView(q: XrQuat, out: boolean[] = []): boolean[] {
  out.length = COPIES;
  // Where the head looks: q applied to -z.
  const fx = -2 * (q.x * q.z + q.w * q.y);
  const fy = -2 * (q.y * q.z - q.w * q.x);
  const fz = -(1 - 2 * (q.x * q.x + q.y * q.y));
  const level = Math.abs(Math.asin(Math.max(-1, Math.min(1, fy)))) <= LEVEL;
  const heading = Math.atan2(-fx, -fz); // 0 ahead (-z), as copy 0
  for (let k = 0; k < COPIES; k++) {
    const d = (k * 2 * Math.PI) / COPIES - heading;
    const off = Math.abs(Math.atan2(Math.sin(d), Math.cos(d)));
    out[k] = !level || !Number.isFinite(off) || off <= COPY_HALF + VIEW_HALF;
  }
  return out;
}

export interface ImmersiveBudget {
  leaves: number;
  stars: number;
  crowns: number;
  trunks: number;
  mist: number;
  octaves: number;
  rays: number;
  motes: number;
  rain: number;
}

/** Where a point of the viewer's space (local-floor, metres) lies in the forest's coordinates. */
export function forestPoint(x: number, y: number, z: number, out: Vector3): Vector3 {
  return out.set(x + CAMERA.x, y - EYE + CAMERA.y, z + CAMERA.z);
}

/** The copy `k`'s coordinates of a point of the first copy (the copy turned by k·2π/COPIES about the viewer). */
export function intoCopy(k: number, p: { x: number; y: number; z: number }, out: { x: number; y: number; z: number }): void {
  const a = -(k * 2 * Math.PI) / COPIES;
  const dx = p.x - CAMERA.x;
  const dz = p.z - CAMERA.z;
  const c = Math.cos(a);
  const s = Math.sin(a);
  out.x = CAMERA.x + dx * c + dz * s;
  out.y = p.y;
  out.z = CAMERA.z - dx * s + dz * c;
}

/**
 * Canopy in a VR station (useViewer() is not null): the rainforest from within, at human scale.
 * The viewer stands where the flat picture's camera is, eyes 1.6 m over the forest floor; the
 * forest ahead is repeated in copies turned round them, so it closes overhead and all around.
 * Moths live around the viewer and come to their hands; the leaves glow where the hands are, and
 * a press of the trigger scatters the moths. Visitors' moths fly ahead as on the wall.
 */
export function Immersive({ u, b, leaves, hq, calls, lights }: { u: SharedUniforms; b: ImmersiveBudget; leaves: number; hq: boolean; calls: { current: CallNote[] }; lights: { current: number } }) {
  const extra = useRef<ExtraLight[]>([]);
  // Each copy reads the creatures' lights and ripples in its own coordinates (the leaf shaders light in object space).
  const copies = useMemo(
    () =>
      Array.from({ length: COPIES }, (_, k) =>
        k === 0
          ? u
          : { ...u, uCre: { value: u.uCre.value.map(() => new Vector4()) }, uRip: { value: u.uRip.value.map(() => new Vector4(0, 0, 0, -100)) } },
      ),
    [u],
  );
  // Copies behind the viewer are not drawn (copiesInView).
  const viewer = useViewer();
  const groups = useRef<Array<Group | null>>([]);
  const inView = useMemo<boolean[]>(() => [], []);
  useFrame(() => {
    if (!viewer) return;
    copiesInView(viewer.orientation, inView);
    groups.current.forEach((g, k) => {
      if (g) g.visible = inView[k] ?? true;
    });
  });
  return (
    <group position={[-CAMERA.x, EYE - CAMERA.y, -CAMERA.z]}>
      <Sky u={u} stars={b.stars} haze={b.mist === 0} />
      {copies.map((uk, k) => (
        <group
          key={k}
          ref={(g) => {
            groups.current[k] = g;
          }}
          position={[CAMERA.x, CAMERA.y, CAMERA.z]}
          rotation={[0, (k * 2 * Math.PI) / COPIES, 0]}
        >
          <group position={[-CAMERA.x, -CAMERA.y, -CAMERA.z]}>
            <Trunks u={uk} count={b.trunks} />
            <Crowns u={uk} count={b.crowns} />
            <Leaves u={uk} count={leaves} hq={hq} lights={lights} />
            {b.mist > 0 && <Mist u={uk} layers={b.mist} octaves={b.octaves} perVertex={!hq} />}
            <Rays u={uk} count={b.rays} />
            <Motes u={uk} count={b.motes} />
            <Rain u={uk} count={b.rain} />
          </group>
        </group>
      ))}
      <HandMoths u={u} extra={extra} />
      <Creatures u={u} calls={calls} lights={lights} extra={extra} />
      <CopyLights u={u} copies={copies} />
    </group>
  );
}

/** After the creatures have set this frame's lights: each copy gets them in its own coordinates. */
function CopyLights({ u, copies }: { u: SharedUniforms; copies: SharedUniforms[] }) {
  useFrame(() => {
    for (let k = 1; k < copies.length; k++) {
      const c = copies[k]!;
      u.uCre.value.forEach((l, i) => {
        const o = c.uCre.value[i]!;
        intoCopy(k, l, o);
        o.w = l.w;
      });
      u.uRip.value.forEach((l, i) => {
        const o = c.uRip.value[i]!;
        intoCopy(k, l, o);
        o.w = l.w;
      });
    }
  });
  return null;
}

interface Moth {
  pos: Vector3;
  /** Seconds (piece time) of the last scatter. */
  scatteredAt: number;
}

/**
 * The viewer's moths: each has a home round the viewer (turning slowly with show time); a hand
 * within reach draws it to circle the hand, and a press of the trigger scatters the near ones.
 * They ease toward their target with the show-time step (frozen while the wall is paused).
 */
function HandMoths({ u, extra }: { u: SharedUniforms; extra: { current: ExtraLight[] } }) {
  const time = useShowTime();
  const controllers = useControllers();
  const geometry = useMemo(creatureGeometry, []);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const uniforms = useMemo(() => ({ uSec: u.uSec }), [u]);
  const moths = useRef<Moth[]>(Array.from({ length: HAND_MOTHS }, () => ({ pos: new Vector3(), scatteredAt: -100 })));
  const started = useRef(false);
  const tmp = useMemo(() => ({ home: new Vector3(), hand: new Vector3(), target: new Vector3(), c: new Color('#b8ffe6').convertSRGBToLinear() }), []);

  useFrame(() => {
    const t = time.seconds;
    const hands = (controllers?.list ?? []).map((c) => ({ p: forestPoint(c.position.x, c.position.y, c.position.z, new Vector3()), select: c.select }));
    const cre = geometry.getAttribute('aCre') as InstancedBufferAttribute;
    const col = geometry.getAttribute('aCol') as InstancedBufferAttribute;
    const act = geometry.getAttribute('aAct') as InstancedBufferAttribute;
    const k = started.current ? 1 - Math.exp(-Math.max(0, time.delta) * 2.5) : 1;
    moths.current.forEach((m, i) => {
      const seed = (i + 0.5) / HAND_MOTHS;
      const a = seed * Math.PI * 2 + t * 0.05 + Math.sin(t * 0.13 + i) * 0.3;
      const r = 1.7 + 0.8 * Math.sin(i * 2.1 + t * 0.07);
      forestPoint(Math.sin(a) * r, 1.3 + 0.9 * seed + 0.2 * Math.sin(t * 0.4 + i * 3), -Math.cos(a) * r, tmp.home);
      tmp.target.copy(tmp.home);
      let near: { p: Vector3; select: boolean } | null = null;
      let best = REACH;
      for (const h of hands) {
        const d = h.p.distanceTo(tmp.home);
        if (d < best) {
          best = d;
          near = h;
        }
      }
      if (near) {
        if (near.select && t - m.scatteredAt > 1.5) m.scatteredAt = t;
        const scattering = t - m.scatteredAt < 1.5;
        const w = 1 - Math.min(1, Math.max(0, (best - 0.5) / (REACH - 0.5)));
        if (scattering) tmp.target.copy(tmp.home).addScaledVector(tmp.home.clone().sub(near.p).normalize(), 1.2);
        else {
          const o = t * (1.6 + seed) + i * 2.4;
          tmp.hand.set(near.p.x + Math.cos(o) * 0.22, near.p.y + 0.08 + Math.sin(o * 1.3) * 0.08, near.p.z + Math.sin(o) * 0.22);
          tmp.target.lerp(tmp.hand, w);
        }
      }
      m.pos.lerp(tmp.target, k);
      const x = m.pos.x + Math.sin(t * 1.3 + seed * 20) * 0.05;
      const y = m.pos.y + Math.sin(t * 2.1 + seed * 11) * 0.04;
      const z = m.pos.z + Math.sin(t * 0.9 + seed * 7) * 0.05;
      cre.setXYZW(i, x, y, z, seed);
      col.setXYZW(i, tmp.c.r, tmp.c.g, tmp.c.b, 0.25); // a young moth's size: about a hand's span
      act.setXYZW(i, t - m.scatteredAt, 0.3 * Math.sin(t * 1.1 + seed * 3), 0, 0);
    });
    started.current = true;
    geometry.instanceCount = HAND_MOTHS;
    cre.needsUpdate = col.needsUpdate = act.needsUpdate = true;
    // The leaves glow round each hand, brighter while its trigger is held.
    extra.current = hands.slice(0, 4).map((h) => ({ x: h.p.x, y: h.p.y, z: h.p.z, w: h.select ? 2.2 : 1.1, r: tmp.c.r, g: tmp.c.g, b: tmp.c.b }));
  });

  return (
    <mesh geometry={geometry} frustumCulled={false} renderOrder={8}>
      <shaderMaterial args={[{ uniforms, ...creatureShaders, transparent: true, depthWrite: false, blending: AdditiveBlending }]} />
    </mesh>
  );
}
