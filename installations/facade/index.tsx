import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { Bloom, EffectComposer } from '@react-three/postprocessing';
import * as THREE from 'three';
import {
  defineInstallation, glsl, hashString, useLatest, useParams, usePalette, useQuality, useShowTime, useSound, useVisitors, useWallPlane, visitorColor,
  type ParamsOf,
} from 'pavilion/sdk';
import manifest from './manifest.json';
import palettes from './palettes.json';
import { facadeFragment } from './shaders';
import { makeCells, makeLightMap, updateCells, updateLightMap, type Light } from './lightfield';
import { playFacade, type Knock } from './sound';

type Params = ParamsOf<typeof manifest>;

/** The scenes cycle in this order; the first frame opens on 'scan' so the wall is never empty. */
const SCENES = ['scan', 'breath', 'night', 'shift', 'blueprint'] as const;
type Scene = (typeof SCENES)[number];

const MAX_LIGHTS = 12;
const MAX_KNOCKS = 16;

const smooth = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** Weight of each scene at time t: each holds for sceneLen seconds, crossfading over its first 15%. */
function sceneWeights(t: number, sceneLen: number): Record<Scene, number> & { progress: number; current: Scene } {
  const phase = t / sceneLen;
  const i = Math.floor(phase);
  const f = phase - i;
  const cur = SCENES[i % SCENES.length]!;
  const prev = SCENES[(i + SCENES.length - 1) % SCENES.length]!;
  const w = { scan: 0, breath: 0, night: 0, shift: 0, blueprint: 0, progress: f, current: cur };
  const k = i === 0 ? 1 : smooth(0, 0.15, f);
  w[cur] += k;
  w[prev] += 1 - k;
  return w;
}

function Facade() {
  const params = useParams<Params>();
  const quality = useQuality();
  const time = useShowTime();
  const visitors = useVisitors();
  const { width: W, height: H, aspect: A, pixel } = useWallPlane();

  const floors = Math.max(2, Math.round(params.density * Math.min(7, Math.max(3, 8 / A + 2.5))));
  const fh = 0.65 / floors;
  const bays = Math.max(3, Math.round(A / (fh * 0.78)));

  const paramsRef = useLatest(params);
  const knocks = useRef<Knock[]>([]);

  const gpu = useMemo(() => {
    const plane = new THREE.PlaneGeometry(1, 1);
    const cells = makeCells(bays, floors);
    const lightMap = makeLightMap(A);
    const material = new THREE.ShaderMaterial({
      vertexShader: glsl.fullscreenVertex,
      fragmentShader: facadeFragment,
      uniforms: {
        uSize: { value: new THREE.Vector2(1, 1) }, uTime: { value: 0 }, uPix: { value: 0.004 },
        uFloors: { value: floors }, uBays: { value: bays }, uPilaster: { value: 3 },
        uReveal: { value: 1 }, uRevealAmt: { value: 0 }, uScanAmt: { value: 0 }, uScanX: { value: 0 }, uScanY: { value: 0 },
        uDepth: { value: 0.3 }, uViewer: { value: new THREE.Vector2() }, uShift: { value: 0 }, uBreath: { value: 0 },
        uLine: { value: new THREE.Color() }, uAccent: { value: new THREE.Color() }, uBg: { value: new THREE.Color() },
        uCells: { value: cells }, uLightMap: { value: lightMap },
      },
      depthWrite: false,
      depthTest: false,
    });
    return { plane, material, cells, lightMap, lightsShown: -1 };
  }, [bays, floors, A]);
  useEffect(() => () => {
    gpu.plane.dispose();
    gpu.material.dispose();
    gpu.cells.dispose();
    gpu.lightMap.dispose();
  }, [gpu]);

  /** [lines, scanning light, window fill, stone]. */
  const palette = usePalette(palettes, params.palette, 'sodium');
  const sceneLen = () => 34 / Math.max(0.1, paramsRef.current.speed);

  useSound((s) => playFacade(s, time, sceneLen, knocks), []);

  useFrame(() => {
    const t = time.seconds;
    const speed = Math.max(0.1, paramsRef.current.speed);
    const offset = t - time.now / 1000;
    const u = gpu.material.uniforms;
    const w = sceneWeights(t, sceneLen());
    const ts = t * speed;

    (u.uSize!.value as THREE.Vector2).set(W, H);
    u.uTime!.value = ts;
    u.uPix!.value = pixel / H; // one pixel, in wall heights
    u.uFloors!.value = floors;
    u.uBays!.value = bays;
    u.uPilaster!.value = bays > 24 ? 4 : 3;
    u.uRevealAmt!.value = w.blueprint;
    u.uReveal!.value = w.current === 'blueprint' ? 0.04 + w.progress * 2.2 : 2;
    u.uScanAmt!.value = 0.18 + 1.1 * w.scan + 0.3 * w.blueprint;
    // A scanning bar: eased passes, alternating direction.
    const s = ts * 0.085;
    const pass = Math.floor(s);
    const e = smooth(0, 1, s - pass);
    u.uScanX!.value = (pass % 2 === 0 ? e - 0.5 : 0.5 - e) * (A + 0.5);
    u.uScanY!.value = -0.6 + ((ts * 0.05) % 1) * 1.2;
    u.uDepth!.value = 0.45 + w.breath * 0.75 * Math.sin(ts * 0.55) + w.shift * 0.2;
    (u.uViewer!.value as THREE.Vector2).set(A * 0.42 * Math.sin(ts * 0.061) * (1 + w.breath * 0.6), 0.25 * Math.sin(ts * 0.093));
    u.uShift!.value = w.shift;
    u.uBreath!.value = 0.25 + w.breath;
    const [line, accent, fill, bg] = palette as [THREE.Color, THREE.Color, THREE.Color, THREE.Color];
    (u.uLine!.value as THREE.Color).copy(line);
    (u.uAccent!.value as THREE.Color).copy(accent);
    (u.uBg!.value as THREE.Color).copy(bg);

    // Visitors' sweeps: each is a light they drag (an idle drift until they touch).
    const aimOf = (id: string, input: unknown) => {
      const h = hashString(id) / 4294967296;
      if (input && typeof input === 'object' && 'x' in input && 'y' in input) {
        const v = input as { x: number; y: number };
        return { x: v.x * A * 0.5, y: v.y * 0.5, touched: true };
      }
      return { x: A * 0.45 * Math.sin(ts * 0.11 + h * 40), y: 0.3 * Math.sin(ts * 0.17 + h * 13), touched: false };
    };
    const lights: Light[] = visitors.visitors.slice(-MAX_LIGHTS).map((v) => {
      const aim = aimOf(v.id, v.input.sweep);
      return { x: aim.x, y: aim.y, intensity: aim.touched ? 1.3 : 0.7, color: visitorColor(v) };
    });
    if (lights.length || gpu.lightsShown !== 0) {
      updateLightMap(gpu.lightMap, lights, A);
      gpu.lightsShown = lights.length;
    }

    // Knocks light the windows in the visitor's colour, rippling out from where they aim.
    for (const ev of visitors.events) {
      if (ev.input !== 'knock') continue;
      const v = visitors.visitors.find((x) => x.id === ev.visitorId);
      const c = v ? visitorColor(v) : new THREE.Color().setHSL((hashString(ev.visitorId) % 360) / 360, 0.9, 0.62);
      const h = hashString(`${ev.visitorId}@${ev.at}`) / 4294967296;
      const aim = v?.input.sweep ? aimOf(v.id, v.input.sweep) : { x: (h - 0.5) * A * 0.9, y: ((h * 7.31) % 1) * 0.6 - 0.25 };
      knocks.current.push({ sec: ev.at / 1000 + offset, x: aim.x, y: aim.y, r: c.r, g: c.g, b: c.b });
    }
    knocks.current = knocks.current.filter((k) => t - k.sec < 14).slice(-MAX_KNOCKS);
    updateCells(gpu.cells, {
      t: ts, night: 0.14 + 0.86 * w.night, cascade: 0.1 + 0.35 * w.scan + 0.8 * w.shift + 0.25 * w.blueprint,
      fill, accent, knocks: knocks.current.map((k) => ({ ...k, sec: k.sec * speed })), aspect: A, bays, floors,
    });
  });

  return (
    <>
      <mesh geometry={gpu.plane} material={gpu.material} scale={[W, H, 1]} frustumCulled={false} />
      {quality !== 'low' && (
        <EffectComposer multisampling={quality === 'high' ? 4 : 0}>
          <Bloom mipmapBlur intensity={0.6} luminanceThreshold={0.35} luminanceSmoothing={0.3} />
        </EffectComposer>
      )}
    </>
  );
}

export default defineInstallation({ manifest, Component: Facade });
