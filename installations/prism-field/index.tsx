import { useMemo, useRef } from 'react';
import { Color, Vector2, Vector3, Vector4, type Mesh, type ShaderMaterial } from 'three';
import { useFrame } from '@react-three/fiber';
import { defineInstallation, hashString, useParams, useQuality, useRandom, useShowTime, useVisitors, useWallPlane, visitorColor, type ParamsOf } from 'pavilion/sdk';
import manifest from './manifest.json';
import { fragmentShader, MAX_LENSES, MAX_VISITORS, vertexShader } from './shader';

type PrismParams = ParamsOf<typeof manifest>;

const PALETTES: Record<string, { bg0: string; bg1: string; a: string; b: string; accent: string; disp: number }> = {
  spectral: { bg0: '#020208', bg1: '#08071a', a: '#a9b8ff', b: '#fff1e0', accent: '#7c66ff', disp: 0.7 },
  ember: { bg0: '#050100', bg1: '#140603', a: '#ff7a2e', b: '#ffd08a', accent: '#ff3b2a', disp: 0.45 },
  glacier: { bg0: '#01050a', bg1: '#04121f', a: '#5fdcff', b: '#e2f8ff', accent: '#3a72ff', disp: 0.5 },
  noir: { bg0: '#000000', bg1: '#070708', a: '#a8a8a8', b: '#ffffff', accent: '#555560', disp: 0.15 },
};

const QUALITY = { low: { octaves: 2, lenses: 2, cross: false }, medium: { octaves: 3, lenses: 3, cross: true }, high: { octaves: 4, lenses: 3, cross: true } } as const;

/** Visitor loop sizes compiled into the shader (a software rasteriser runs every iteration). */
const VIS_BUCKETS = [0, 4, 8, 16, MAX_VISITORS];

/**
 * A visitor's mark: an exponential glide from (fx, fy) toward (tx, ty) since piece time t0, the
 * server's merge time of the input (inputAt), so every screen of the wall eases alike.
 */
interface Mark {
  fx: number;
  fy: number;
  tx: number;
  ty: number;
  t0: number;
}
const GLIDE_RATE = 12;

/** Movement weights (strata, contours, rings) at piece time t: each holds, then melts into the next. */
function movements(t: number, out: Vector3) {
  const phase = ((t / 90 + 0.05) % 3 + 3) % 3;
  const i = Math.floor(phase);
  const f = phase - i;
  const k = f < 0.72 ? 0 : (f - 0.72) / 0.28;
  const s = k * k * (3 - 2 * k);
  const w = [0, 0, 0];
  w[i] = 1 - s;
  w[(i + 1) % 3] = s;
  return out.set(w[0]!, w[1]!, w[2]!);
}

function PrismField() {
  const params = useParams<PrismParams>();
  const quality = useQuality();
  const time = useShowTime();
  const visitors = useVisitors();
  const plane = useWallPlane();
  const rng = useRandom('prisms');
  const mesh = useRef<Mesh>(null);
  const material = useRef<ShaderMaterial>(null);
  const { speed, density } = params;
  const pal = PALETTES[params.palette] ?? PALETTES.spectral!;
  const q = QUALITY[quality] ?? QUALITY.low;

  const lenses = useMemo(
    () =>
      Array.from({ length: MAX_LENSES }, (_, i) => ({
        x0: (i + rng.range(0.2, 0.8)) / MAX_LENSES,
        y0: rng.range(-0.18, 0.18),
        v: rng.range(0.004, 0.009) * (i % 2 ? -1 : 1),
        r: rng.range(0.11, 0.2),
        spin: rng.range(-0.03, 0.03),
        ph: rng.range(0, Math.PI * 2),
      })),
    [rng],
  );

  const uniforms = useMemo(
    () => ({
      uTime: { value: 0 },
      uSec: { value: 0 },
      uAspect: { value: 1 },
      uDensity: { value: 1 },
      uWarp: { value: 0.2 },
      uRot: { value: 0 },
      uMix: { value: new Vector3(1, 0, 0) },
      uSweep: { value: 1e3 },
      uLens: { value: Array.from({ length: MAX_LENSES }, () => new Vector4()) },
      uLensRot: { value: Array.from({ length: MAX_LENSES }, () => new Vector2()) },
      uVis: { value: Array.from({ length: MAX_VISITORS }, () => new Vector4()) },
      uVisCol: { value: Array.from({ length: MAX_VISITORS }, () => new Vector3()) },
      uBg0: { value: new Color() },
      uBg1: { value: new Color() },
      uLineA: { value: new Color() },
      uLineB: { value: new Color() },
      uAccent: { value: new Color() },
      uDisp: { value: 0.4 },
    }),
    [],
  );
  const marks = useRef(new Map<string, Mark>());
  const tmp = useMemo(() => new Color(), []);

  useFrame(({ camera }) => {
    const m = mesh.current;
    const sec = time.seconds;
    const t = sec * speed;
    const aspect = plane.aspect;
    const u = uniforms;
    // A plane filling the camera's view of the whole wall, 5 units in front of it.
    if (m && 'fov' in camera) {
      const dist = 5;
      const { width, height } = plane.at(dist);
      m.position.copy(camera.position);
      m.quaternion.copy(camera.quaternion);
      m.translateZ(-dist);
      m.scale.set(width, height, 1);
    }
    u.uTime.value = t;
    u.uSec.value = sec;
    u.uAspect.value = aspect;
    u.uDensity.value = density;
    u.uWarp.value = (0.16 + 0.09 * Math.sin(t * 0.017)) * (0.7 + 0.3 * density);
    u.uRot.value = 0.22 * Math.sin(t * 0.0093) + 0.08 * Math.sin(t * 0.031);
    movements(t, u.uMix.value);
    const span = aspect + 0.8;
    lenses.forEach((l, i) => {
      const s = (((l.x0 + (t * l.v) / span) % 1) + 1) % 1;
      const x = s * span - span / 2;
      const fade = Math.min(1, Math.max(0, (span / 2 - Math.abs(x)) / 0.3));
      u.uLens.value[i]!.set(x, l.y0 + 0.1 * Math.sin(t * 0.023 + l.ph), l.r * (0.9 + 0.1 * Math.sin(t * 0.05 + l.ph)), fade);
      const a = l.ph + t * l.spin;
      u.uLensRot.value[i]!.set(Math.cos(a), Math.sin(a));
    });
    const sw = (t / 48) % 1;
    u.uSweep.value = sw < 0.5 ? -aspect / 2 - 0.6 + (aspect + 1.2) * (sw / 0.5) : 1e3;
    u.uBg0.value.set(pal.bg0);
    u.uBg1.value.set(pal.bg1);
    u.uLineA.value.set(pal.a);
    u.uLineB.value.set(pal.b);
    u.uAccent.value.set(pal.accent);
    u.uDisp.value = pal.disp;

    // Visitors: the pad maps onto the whole wall (y up), reached by a closed-form glide so 20 Hz
    // input moves smoothly and alike on every screen. Until they touch, a visitor rests at a spot
    // of their own.
    const list = visitors.visitors.slice(-MAX_VISITORS);
    const seen = new Set<string>();
    list.forEach((v, i) => {
      seen.add(v.id);
      const pad = v.input.pad as { x: number; y: number } | undefined;
      const hsh = hashString(v.id);
      const tx = pad ? (pad.x * aspect) / 2 : ((hsh % 1000) / 1000 - 0.5) * aspect * 0.85;
      const ty = pad ? pad.y * 0.5 : (((hsh >>> 10) % 1000) / 1000 - 0.5) * 0.7;
      let mark = marks.current.get(v.id);
      if (!mark) marks.current.set(v.id, (mark = { fx: tx, fy: ty, tx, ty, t0: sec }));
      else if (mark.tx !== tx || mark.ty !== ty) {
        // Eased from the input's merge time, which every screen of the wall gets alike.
        const t0 = Math.min(sec, sec - (time.now - v.inputAt) / 1000);
        const k = Math.exp(-Math.max(0, t0 - mark.t0) * GLIDE_RATE);
        mark.fx = mark.tx + (mark.fx - mark.tx) * k;
        mark.fy = mark.ty + (mark.fy - mark.ty) * k;
        mark.tx = tx;
        mark.ty = ty;
        mark.t0 = t0;
      }
      const k = Math.exp(-Math.max(0, sec - mark.t0) * GLIDE_RATE);
      const mx = mark.tx + (mark.fx - mark.tx) * k;
      const my = mark.ty + (mark.fy - mark.ty) * k;
      const age = Math.max(0, (time.now - v.joinedAt) / 1000);
      u.uVis.value[i]!.set(mx, my, Math.min(1, age * 3) * (pad ? 1 : 0.6), age);
      tmp.copy(visitorColor(v)).convertSRGBToLinear();
      u.uVisCol.value[i]!.set(tmp.r, tmp.g, tmp.b);
    });
    for (const id of marks.current.keys()) if (!seen.has(id)) marks.current.delete(id);
    for (let i = list.length; i < MAX_VISITORS; i++) u.uVis.value[i]!.set(0, 0, 0, 99);
    const bucket = VIS_BUCKETS.find((b) => b >= list.length) ?? MAX_VISITORS;
    if (material.current && material.current.defines.VIS_N !== bucket) {
      material.current.defines.VIS_N = bucket;
      material.current.needsUpdate = true;
    }
  });

  return (
    <mesh ref={mesh} frustumCulled={false} renderOrder={-1}>
      <planeGeometry args={[1, 1, Math.ceil(26 * plane.aspect), 20]} />
      <shaderMaterial
        key={`${q.octaves}:${q.lenses}:${q.cross}`}
        ref={material}
        args={[{ uniforms, vertexShader, fragmentShader, depthWrite: false, defines: { OCTAVES: q.octaves, LENSES: q.lenses, VIS_N: 0, ...(q.cross ? { CROSS: 1 } : {}) } }]}
      />
    </mesh>
  );
}

export default defineInstallation({ manifest, Component: PrismField });
