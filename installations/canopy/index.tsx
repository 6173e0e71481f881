import { useEffect, useMemo, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { Bloom, EffectComposer } from '@react-three/postprocessing';
import { defineInstallation, useLatest, useParams, useQuality, useShowTime, useSound, useViewer, type ParamsOf } from 'pavilion/sdk';
import manifest from './manifest.json';
import { Mist, Trunks } from './Atmosphere';
import { Sky } from './Sky';
import { Leaves } from './Leaves';
import { Crowns } from './Crowns';
import { Motes, Rain, Rays } from './Light';
import { Creatures, type CallNote } from './Creatures';
import { CAMERA } from './layout';
import { setupForestSound } from './sound';
import { applyCycle, createUniforms, cycleAt, paletteOf } from './world';
import { Immersive } from './Immersive';

type CanopyParams = ParamsOf<typeof manifest>;

const BUDGET = {
  low: { leaves: 1800, maxLeaves: 2800, stars: 250, crowns: 40, trunks: 8, mist: 0, octaves: 2, rays: 4, motes: 400, rain: 220 },
  medium: { leaves: 7000, maxLeaves: 12000, stars: 600, crowns: 140, trunks: 18, mist: 2, octaves: 3, rays: 6, motes: 1000, rain: 900 },
  high: { leaves: 15000, maxLeaves: 26000, stars: 1200, crowns: 220, trunks: 26, mist: 3, octaves: 4, rays: 8, motes: 2500, rain: 2400 },
} as const;

/**
 * In a VR station the forest is drawn five times (Immersive.tsx COPIES) round the viewer, in stereo, at the headset's
 * rate: a lighter budget per copy (the headset's GPU is a phone's), no bloom.
 */
const VR_BUDGET = {
  low: { leaves: 700, maxLeaves: 1100, stars: 250, crowns: 16, trunks: 4, mist: 0, octaves: 2, rays: 2, motes: 150, rain: 90 },
  medium: { leaves: 1600, maxLeaves: 2600, stars: 500, crowns: 36, trunks: 6, mist: 0, octaves: 2, rays: 3, motes: 300, rain: 250 },
  high: { leaves: 2600, maxLeaves: 4200, stars: 800, crowns: 50, trunks: 8, mist: 1, octaves: 3, rays: 4, motes: 500, rain: 500 },
} as const;

function Canopy() {
  const params = useParams<CanopyParams>();
  const quality = useQuality();
  const time = useShowTime();
  const camera = useThree((s) => s.camera);
  const u = useMemo(createUniforms, []);
  const calls = useRef<CallNote[]>([]);
  /** Creature lights the leaf shader is compiled for (a bucket: 0, 4, 8, 16). */
  const lights = useRef(0);
  const { density } = params;
  const live = useLatest(params);
  const palette = paletteOf(params.palette);
  // A VR station in a session (docs/vr.md): the forest around the viewer, at human scale; else the wall's picture.
  const vr = useViewer() !== null;
  const b = (vr ? VR_BUDGET : BUDGET)[quality] ?? BUDGET.low;
  const leaves = Math.round(Math.min(b.maxLeaves, b.leaves * density));

  // We drift the camera slowly from show time; give it back as we found it.
  useEffect(() => {
    const p = camera.position.clone();
    const q = camera.quaternion.clone();
    return () => {
      camera.position.copy(p);
      camera.quaternion.copy(q);
      camera.updateMatrixWorld();
    };
  }, [camera]);

  useFrame(() => {
    const sec = time.seconds;
    const t = sec * live.current.speed;
    u.uTime.value = t;
    u.uSec.value = sec;
    applyCycle(u, palette, cycleAt(t));
    if (vr) return; // the viewer's head moves the camera
    const x = CAMERA.x + Math.sin(t * 0.011) * 0.9;
    const y = CAMERA.y + Math.sin(t * 0.017 + 1) * 0.35;
    camera.position.set(x, y, CAMERA.z);
    camera.lookAt(x * 0.4 + Math.sin(t * 0.007) * 1.5, y + Math.tan(CAMERA.pitch + 0.03 * Math.sin(t * 0.013)) * 30, CAMERA.z - 30);
  }, -1);

  useSound((s) => setupForestSound(s, time, live, calls), []);

  if (vr) return <Immersive u={u} b={b} leaves={leaves} hq={quality !== 'low'} calls={calls} lights={lights} />;
  return (
    <>
      <Sky u={u} stars={b.stars} haze={b.mist === 0} />
      <Trunks u={u} count={b.trunks} />
      <Crowns u={u} count={b.crowns} />
      <Leaves u={u} count={leaves} hq={quality !== 'low'} lights={lights} />
      {b.mist > 0 && <Mist u={u} layers={b.mist} octaves={b.octaves} perVertex={quality !== 'high'} />}
      <Rays u={u} count={b.rays} />
      <Motes u={u} count={b.motes} />
      <Rain u={u} count={b.rain} />
      <Creatures u={u} calls={calls} lights={lights} />
      {quality === 'high' && (
        <EffectComposer multisampling={0}>
          <Bloom mipmapBlur intensity={0.55} luminanceThreshold={0.6} luminanceSmoothing={0.25} />
        </EffectComposer>
      )}
    </>
  );
}

export default defineInstallation({ manifest, Component: Canopy });
