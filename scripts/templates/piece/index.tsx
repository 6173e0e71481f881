/**
 * __TITLE__: a Pavilion piece, scaffolded by `npm run new-piece`. Make it yours.
 *
 * The rules that make a wall of screens look like one picture (docs/artist-guide.md):
 *  - animate ONLY from useShowTime() (read `time.seconds` inside useFrame), never Date.now(),
 *    performance.now(), state.clock or `x += delta`: every screen draws the same moment;
 *  - draw randomness from useRandom() once (in useMemo), never per frame;
 *  - the host spans the wall for you: never change camera.aspect or its view offset;
 *    useWallPlane() gives the world size of the whole wall at z = 0;
 *  - play sound through createSoundBus and schedule it from show time with scheduleByShowTime
 *    (every speaker on the same beat);
 *  - quality is the wall's (the technician sets it): read useQuality(), declare no param for it;
 *  - free what you create yourself (geometries, materials, textures, Tone nodes) on unmount.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import * as THREE from 'three';
import {
  createSoundBus, defineInstallation, glsl, scheduleByShowTime, useParams, usePalette, useQuality, useRandom, useShowTime, useSound,
  useVisitors, useWallPlane, visitorColor, type ParamsOf,
} from 'pavilion/sdk';
import manifest from './manifest.json';
import palettes from './palettes.json'; // one palette per option of the palette param
import { LANTERN, RINGS, SKY_FRAGMENT, VISITOR } from './shaders';

/** The params' types, read from manifest.json: { speed: number; density: number; palette: string }. */
type Params = ParamsOf<typeof manifest>;

/** Lanterns per quality level: 'low' must stay smooth in software rendering at 480×270. */
const BUDGET = { low: 600, medium: 2500, high: 6000 };
const MAX_VISITORS = 64;
const NOTES = ['C4', 'D4', 'E4', 'G4', 'A4', 'C5', 'D5', 'E5'];
/** A Glow press waiting for its chime: piece seconds, and the note. */
interface Chime {
  sec: number;
  note: string;
}

/** A unit quad, drawn once per instance. */
function quads(): THREE.InstancedBufferGeometry {
  const plane = new THREE.PlaneGeometry(1, 1);
  const g = new THREE.InstancedBufferGeometry();
  g.index = plane.index;
  g.setAttribute('position', plane.getAttribute('position'));
  g.setAttribute('uv', plane.getAttribute('uv'));
  return g;
}

function Lanterns() {
  const { speed, density, palette } = useParams<Params>();
  const quality = useQuality();
  const time = useShowTime(); // a live object: read it inside useFrame
  const visitors = useVisitors(); // a live object too
  // The z = 0 plane the camera sees for the whole wall, in world units.
  const { width, height } = useWallPlane();
  const count = Math.round(BUDGET[quality] * density);
  const random = useRandom(`lanterns-${count}`); // the same sequence on every screen of the wall
  // [lantern, its hot centre, the sky]: one restrained palette per choice, in palettes.json.
  const colors = usePalette(palettes, palette, 'ember') as [THREE.Color, THREE.Color, THREE.Color];

  // Shared uniforms: updated in place every frame (never re-created).
  const uniforms = useMemo(
    () => ({
      uTime: { value: 0 },
      uSpeed: { value: 1 },
      uSize: { value: new THREE.Vector2(1, 1) },
      uRings: { value: Array.from({ length: RINGS }, () => new THREE.Vector4(0, 0, -1e4, 0)) },
      uColor: { value: new THREE.Color() },
      uHot: { value: new THREE.Color() },
      uSky: { value: new THREE.Color() },
    }),
    [],
  );

  // One instanced quad per lantern; its seed (x, phase, rate, size) is drawn once.
  const lanterns = useMemo(() => {
    const g = quads();
    const seeds = new Float32Array(count * 4);
    for (let i = 0; i < count; i++) seeds.set([random.next(), random.next(), random.range(0.5, 1.5), 0.07 + 0.35 * random.next() ** 3], i * 4); // mostly small, a few big and near
    g.setAttribute('aSeed', new THREE.InstancedBufferAttribute(seeds, 4));
    g.instanceCount = count;
    return g;
  }, [count, random]);
  useEffect(() => () => lanterns.dispose(), [lanterns]); // made imperatively, so freed by hand

  // Visitors' own lanterns: position (x, y, size) and colour, rewritten every frame.
  const mine = useMemo(() => {
    const g = quads();
    g.setAttribute('aOffset', new THREE.InstancedBufferAttribute(new Float32Array(MAX_VISITORS * 3), 3).setUsage(THREE.DynamicDrawUsage));
    g.setAttribute('aColor', new THREE.InstancedBufferAttribute(new Float32Array(MAX_VISITORS * 3), 3).setUsage(THREE.DynamicDrawUsage));
    g.instanceCount = 0;
    return g;
  }, []);
  useEffect(() => () => mine.dispose(), [mine]);

  // Sound (only on the screen that plays the wall's sound): a low bell every 8 seconds of show
  // time, and a soft chime for each Glow. The scheduler hands us each stretch of piece seconds once.
  const chimes = useRef<Chime[]>([]);
  useSound((s) => {
    const bus = createSoundBus(s); // a Gain into the wall's output; { reverb: { decay: 4, wet: 0.3 } } adds a room
    const synth = new s.Tone.PolySynth(s.Tone.Synth, { oscillator: { type: 'sine' }, envelope: { attack: 0.02, decay: 1.4, sustain: 0, release: 2 } });
    const echo = new s.Tone.FeedbackDelay(0.38, 0.35).connect(bus.dry);
    synth.volume.value = -14;
    synth.connect(echo);
    const stop = scheduleByShowTime(s, time, {
      name: '__ID__',
      step(w) {
        for (const k of w.steps(8)) synth.triggerAttackRelease('C3', 3, w.at(k * 8), 0.3);
        for (const c of chimes.current) if (w.once(c, c.sec, 1)) synth.triggerAttackRelease(c.note, 1.5, w.asap(c.sec));
      },
    });
    return () => {
      stop();
      bus.dispose([synth, echo], 4000); // fade out, let the last notes ring, then free
    };
  });

  const ring = useRef(0);
  useFrame(() => {
    uniforms.uTime.value = time.seconds;
    uniforms.uSpeed.value = speed;
    uniforms.uSize.value.set(width, height);
    uniforms.uColor.value.copy(colors[0]);
    uniforms.uHot.value.copy(colors[1]);
    uniforms.uSky.value.copy(colors[2]);

    // Where each visitor's lantern is: their pad, mapped onto the whole wall.
    const list = visitors.visitors.slice(0, MAX_VISITORS);
    const offset = mine.getAttribute('aOffset') as THREE.InstancedBufferAttribute;
    const color = mine.getAttribute('aColor') as THREE.InstancedBufferAttribute;
    const at = (v: (typeof list)[number]) => {
      const p = v.input.pad as { x: number; y: number } | undefined;
      // No input yet: a spot of its own along the bottom, from the visitor's hue.
      return p ? { x: (p.x * width) / 2, y: (p.y * height) / 2 } : { x: (v.hue - 0.5) * width * 0.9, y: -height * 0.35 };
    };
    list.forEach((v, i) => {
      const { x, y } = at(v);
      offset.setXYZ(i, x, y, 0.5 + 0.08 * Math.sin(time.seconds * 2 + v.hue * 20));
      const c = visitorColor(v);
      color.setXYZ(i, c.r, c.g, c.b);
    });
    mine.instanceCount = list.length;
    offset.needsUpdate = true;
    color.needsUpdate = true;

    // A Glow press starts a ring at the visitor's lantern, dated in show time (the same on every screen).
    for (const ev of visitors.events) {
      if (ev.input !== 'glow') continue;
      const v = list.find((x) => x.id === ev.visitorId);
      if (!v) continue;
      const { x, y } = at(v);
      const start = time.seconds - (time.now - ev.at) / 1000;
      uniforms.uRings.value[ring.current++ % RINGS]!.set(x, y, start, 0);
      chimes.current = [...chimes.current.filter((c) => c.sec > time.seconds - 2), { sec: start + 0.06, note: NOTES[Math.floor(v.hue * NOTES.length)] ?? 'C4' }];
    }
  });

  return (
    <>
      {/* JSX-declared geometries and materials are freed by react-three-fiber on unmount. */}
      <mesh scale={[width * 1.2, height * 1.2, 1]} position={[0, 0, -1]} renderOrder={-1}>
        <planeGeometry args={[1, 1]} />
        <shaderMaterial uniforms={uniforms} vertexShader={glsl.fullscreenVertex} fragmentShader={SKY_FRAGMENT} depthWrite={false} />
      </mesh>
      <mesh geometry={lanterns} frustumCulled={false}>
        <shaderMaterial uniforms={uniforms} {...LANTERN} transparent depthWrite={false} blending={THREE.AdditiveBlending} />
      </mesh>
      <mesh geometry={mine} frustumCulled={false}>
        <shaderMaterial uniforms={uniforms} {...VISITOR} transparent depthWrite={false} blending={THREE.AdditiveBlending} />
      </mesh>
    </>
  );
}

export default defineInstallation({ manifest, Component: Lanterns });
