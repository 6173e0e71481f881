import { useEffect, useMemo, useRef, useState } from 'react';
import { useFrame } from '@react-three/fiber';
import { Text } from '@react-three/drei';
import * as THREE from 'three';
import {
  defineInstallation, fonts, glsl, hashString, useLatest, useParams, usePalette, useQuality, useRandom, useShowTime, useSound, useVisitors, useWallPlane, visitorColor,
  type ParamsOf,
} from 'pavilion/sdk';
import manifest from './manifest.json';
import palettes from './palettes.json';
import { cleanWord, echoForms, type EchoForm } from './words';
import { ambientWords, echoState, timing, type EchoState, type Timing, type WordSpec } from './layout';
import { MAX_RIPPLES, roomFragment, stem, traceFragment, traceVertex } from './shaders';
import { playEchoes } from './sound';

type Params = ParamsOf<typeof manifest>;

/** The troika text mesh behind drei's <Text> (only what we touch per frame). */
type TextMesh = THREE.Mesh & {
  fillOpacity: number;
  color: THREE.Color;
  clipRect: [number, number, number, number] | null;
  textRenderInfo: { blockBounds: [number, number, number, number] } | null;
};

interface Shared {
  W: number;
  H: number;
  tm: Timing;
  glow: boolean;
  colors: THREE.Color[];
}

/** The blur of the glowing words' outline (troika's outline variant: a program of its own). */
const GLOW_BLUR = '35%';

/**
 * A word's material, disposed on unmount. One per word: troika derives one material per text from
 * it, and disposing it when the word fades frees them all (a material shared by every word would
 * collect them all show long). The primer uses the same settings, so its programs are the words'.
 */
function useWordMaterial(): THREE.MeshBasicMaterial {
  const material = useMemo(
    () => new THREE.MeshBasicMaterial({ transparent: true, blending: THREE.AdditiveBlending, depthWrite: false, depthTest: false, toneMapped: false }),
    [],
  );
  useEffect(() => () => material.dispose(), [material]);
  return material;
}

function Word({ spec, shared }: { spec: WordSpec; shared: Shared }) {
  const time = useShowTime();
  const forms = useMemo<EchoForm[]>(() => echoForms(spec.text, spec.seed, shared.tm.count), [spec.text, spec.seed, shared.tm.count]);
  const refs = useRef<(TextMesh | null)[]>([]);
  const st = useMemo<EchoState>(() => ({ x: 0, y: 0, size: 1, opacity: 0, reveal: 0, band: 1, age: 0 }), []);
  const colors = useMemo(() => forms.map(() => new THREE.Color()), [forms]);
  const clips = useMemo(() => forms.map((): [number, number, number, number] => [0, 0, 0, 0]), [forms]);
  const base = useMemo(() => (spec.color ? new THREE.Color(...spec.color) : null), [spec.color]);
  const material = useWordMaterial();

  useFrame(() => {
    const t = time.seconds;
    const { W, H, tm } = shared;
    const [ink0, tail, trace] = shared.colors as [THREE.Color, THREE.Color, THREE.Color];
    // The wall's own words take the ink or the trace's colour, so the wall is never monochrome.
    const ink = spec.seed % 3 === 0 ? trace : ink0;
    forms.forEach((f, j) => {
      const m = refs.current[j];
      if (!m) return;
      echoState(spec, j, t, tm, W, H, st);
      if (st.opacity < 0.005) {
        m.visible = false;
        return;
      }
      m.visible = true;
      // Glitches: short, rare horizontal tears, the same on every screen.
      const g = hashString(`${j}:${Math.floor(t * 11)}`, spec.seed) / 4294967296;
      const tear = g < 0.05 ? (g * 20 - 0.5) * H * 0.12 : 0;
      m.position.set(st.x + tear, st.y, 0);
      const sx = (f.mirror ? -1 : 1) * f.stretch * st.size;
      m.scale.set(sx, st.size * (tear ? 0.7 : 1), 1);
      m.fillOpacity = Math.min(1, st.opacity * (tear ? 1.6 : 1));
      const c = colors[j] as THREE.Color;
      c.copy(base ?? ink).lerp(tail, Math.min(1, j / Math.max(1, tm.count - 1)) * 0.85);
      if (tear) c.lerp(ink, 0.5);
      m.color = c;
      const info = m.textRenderInfo;
      if (info) {
        const [x0, y0, x1, y1] = info.blockBounds;
        const cy = (y0 + y1) / 2, hh = ((y1 - y0) / 2) * st.band + 0.001;
        const clip = clips[j] as [number, number, number, number];
        clip[0] = x0 - 0.1; clip[1] = cy - hh; clip[2] = x0 + (x1 - x0 + 0.2) * st.reveal - 0.1; clip[3] = cy + hh;
        m.clipRect = clip;
      }
    });
  });

  return (
    <group>
      {forms.map((f, j) => (
        <Text
          key={j}
          ref={(m: unknown) => { refs.current[j] = m as TextMesh | null; }}
          font={fonts.display}
          fontSize={1}
          anchorX="center"
          anchorY="middle"
          letterSpacing={f.spacing}
          material={material}
          {...(shared.glow && j < 2 ? { outlineBlur: GLOW_BLUR, outlineOpacity: 0.35, outlineColor: spec.color ? new THREE.Color(...spec.color) : shared.colors[0] } : {})}
        >
          {f.text}
        </Text>
      ))}
    </group>
  );
}

/**
 * A word nobody sees, kept for the piece's whole life: its text meshes hold the GPU programs that
 * troika derives for the words (the plain one, and the outline's when the words glow). Each word
 * has its own material and disposes it when it fades, and three deletes a program once no material
 * uses it; when every word is replaced at once (the piece retimed to its cue's real start, after
 * warming ahead) the programs went with them and were compiled again, a 200–370 ms frame on a
 * software screen just before the switch. Mounted from the first render, so the warm-up compiles
 * them too.
 */
function Primer({ shared }: { shared: Shared }) {
  const material = useWordMaterial();
  const outline = shared.glow ? { outlineBlur: GLOW_BLUR, outlineOpacity: 0, outlineColor: shared.colors[0] } : {};
  // Drawn (a draw is what makes a software GPU build its pipelines), but adds nothing: additive, opacity 0.
  return (
    <Text font={fonts.display} fontSize={0.001} anchorX="center" anchorY="middle" material={material} fillOpacity={0} {...outline}>
      echo
    </Text>
  );
}

function Echo() {
  const params = useParams<Params>();
  const quality = useQuality();
  const time = useShowTime();
  const visitors = useVisitors();
  const { width: W, height: H, pixel } = useWallPlane();

  const rand = useRandom('echo');
  const baseSeed = useMemo(() => Math.floor(rand.next() * 4294967296), [rand]);
  const count = Math.max(2, Math.min(quality === 'low' ? 5 : 10, Math.round(params.echoes)));
  const tm = useMemo(() => timing(params.speed, count, params.decay), [params.speed, count, params.decay]);
  /** [word, echo tail, trace, room]. */
  const colors = usePalette(palettes, params.palette, 'phosphor');
  const shared = useMemo<Shared>(() => ({ W, H, tm, colors, glow: quality !== 'low' }), [W, H, tm, colors, quality]);
  const maxVisitorWords = quality === 'low' ? 6 : 10;

  const visitorWords = useRef<WordSpec[]>([]);
  const live = useRef<WordSpec[]>([]);
  const [words, setWords] = useState<WordSpec[]>([]);
  const listKey = useRef('');
  const tmRef = useLatest(tm);

  const gpu = useMemo(() => {
    const segments = quality === 'low' ? 360 : 900;
    const trace = new THREE.PlaneGeometry(1, 1, segments, 1);
    const plane = new THREE.PlaneGeometry(1, 1);
    const echoes = Array.from({ length: MAX_RIPPLES }, () => new THREE.Vector4());
    const echoCols = Array.from({ length: MAX_RIPPLES }, () => new THREE.Color());
    const uTime = { value: 0 };
    const traceMat = new THREE.ShaderMaterial({
      vertexShader: traceVertex, fragmentShader: traceFragment,
      uniforms: {
        uEcho: { value: echoes }, uEchoCol: { value: echoCols }, uCount: { value: 0 }, uW: { value: 1 }, uY: { value: 0 },
        uGain: { value: 1 }, uThick: { value: 0.1 }, uTime, uBase: { value: new THREE.Color() }, uCoreRatio: { value: 0.15 },
      },
      blending: THREE.AdditiveBlending, transparent: true, depthWrite: false, depthTest: false,
    });
    const roomMat = new THREE.ShaderMaterial({
      vertexShader: glsl.fullscreenVertex, fragmentShader: roomFragment,
      uniforms: {
        uSize: { value: new THREE.Vector2() }, uTime, uSpeed: { value: 1 }, uTint: { value: new THREE.Color() },
        uAccent: { value: new THREE.Color() }, uPix: { value: 0.02 }, uTraceY: { value: 0 },
      },
      depthWrite: false, depthTest: false,
    });
    const stems = new THREE.InstancedBufferGeometry();
    stems.index = plane.index;
    stems.setAttribute('position', plane.getAttribute('position'));
    const aStem = new THREE.InstancedBufferAttribute(new Float32Array(MAX_RIPPLES * 4), 4).setUsage(THREE.DynamicDrawUsage);
    const aCol = new THREE.InstancedBufferAttribute(new Float32Array(MAX_RIPPLES * 3), 3).setUsage(THREE.DynamicDrawUsage);
    stems.setAttribute('aStem', aStem);
    stems.setAttribute('aCol', aCol);
    stems.instanceCount = 0;
    const stemMat = new THREE.ShaderMaterial({
      ...stem,
      uniforms: { uTime, uPix: { value: 0.02 }, uDash: { value: 0.2 } },
      blending: THREE.AdditiveBlending, transparent: true, depthWrite: false, depthTest: false,
    });
    return { trace, plane, echoes, echoCols, traceMat, roomMat, uTime, stems, aStem, aCol, stemMat };
  }, [quality]);
  useEffect(() => () => {
    gpu.trace.dispose(); gpu.plane.dispose(); gpu.traceMat.dispose(); gpu.roomMat.dispose(); gpu.stems.dispose(); gpu.stemMat.dispose();
  }, [gpu]);

  useSound((s) => playEchoes(s, time, live, () => tmRef.current), []);

  const st = useMemo<EchoState>(() => ({ x: 0, y: 0, size: 1, opacity: 0, reveal: 0, band: 1, age: 0 }), []);
  useFrame(() => {
    const t = time.seconds;
    const offset = t - time.now / 1000;
    // Visitors' words: the one place this piece keeps state (events are the same on every screen).
    for (const ev of visitors.events) {
      if (ev.input !== 'word' || typeof ev.value !== 'string') continue;
      const text = cleanWord(ev.value);
      if (!text) continue;
      const v = visitors.visitors.find((x) => x.id === ev.visitorId);
      const c = v ? visitorColor(v) : new THREE.Color().setHSL((hashString(ev.visitorId) % 360) / 360, 0.9, 0.62);
      visitorWords.current.push({
        // Never born in the future: a word sent while the wall is paused shows on the frozen frame.
        key: `v${ev.visitorId}@${ev.at}`, text, birth: Math.min(t, ev.at / 1000 + offset), seed: hashString(`${text}@${ev.at}`),
        color: [c.r, c.g, c.b], visitor: true,
      });
    }
    visitorWords.current = visitorWords.current.filter((w) => t - w.birth < tm.total).slice(-maxVisitorWords);
    const list = [...ambientWords(t, baseSeed, tm, visitorWords.current.map((w) => w.birth)), ...visitorWords.current];
    live.current = list;
    const key = list.map((w) => w.key).join(',');
    if (key !== listKey.current) {
      listKey.current = key;
      setWords(list);
    }

    // Every echo rings the trace where it lands, and hangs from it by a dashed thread.
    const traceY = -H * 0.36;
    let n = 0;
    const [ink, tail, trace, room] = colors as [THREE.Color, THREE.Color, THREE.Color, THREE.Color];
    for (const w of list) {
      for (let j = 0; j < tm.count && n < MAX_RIPPLES; j++) {
        echoState(w, j, t, tm, W, H, st);
        if (st.age < 0 || st.opacity < 0.01) continue;
        const amp = Math.min(1, st.opacity * 1.4) * H * (w.visitor ? 0.05 : 0.03) * Math.exp(-st.age * 0.6);
        (gpu.echoes[n] as THREE.Vector4).set(st.x, amp, st.age, 4.5 + (w.seed % 5));
        const ec = gpu.echoCols[n] as THREE.Color;
        if (w.color) ec.setRGB(...w.color); else ec.copy(j === 0 ? ink : tail);
        gpu.aStem.setXYZW(n, st.x, st.y - st.size * 0.55, traceY, Math.min(1, st.opacity * (w.visitor ? 1.2 : 0.7)));
        gpu.aCol.setXYZ(n, ec.r, ec.g, ec.b);
        n++;
      }
    }
    gpu.stems.instanceCount = n;
    gpu.aStem.needsUpdate = true;
    gpu.aCol.needsUpdate = true;
    const u = gpu.traceMat.uniforms;
    const pix = pixel;
    gpu.stemMat.uniforms.uPix!.value = pix;
    gpu.stemMat.uniforms.uDash!.value = H * 0.03;
    u.uCount!.value = n;
    u.uW!.value = W;
    u.uY!.value = -H * 0.36;
    u.uThick!.value = pix * 14;
    u.uCoreRatio!.value = 1.3 / 7;
    (u.uBase!.value as THREE.Color).copy(trace);
    gpu.uTime.value = t;
    const r = gpu.roomMat.uniforms;
    (r.uSize!.value as THREE.Vector2).set(W, H);
    r.uSpeed!.value = params.speed;
    (r.uTint!.value as THREE.Color).copy(room);
    (r.uAccent!.value as THREE.Color).copy(trace);
    r.uPix!.value = pix;
    r.uTraceY!.value = -H * 0.36;
  });

  return (
    <group>
      <mesh geometry={gpu.plane} material={gpu.roomMat} scale={[W, H, 1]} renderOrder={0} frustumCulled={false} />
      <mesh geometry={gpu.stems} material={gpu.stemMat} renderOrder={1} frustumCulled={false} />
      <mesh geometry={gpu.trace} material={gpu.traceMat} renderOrder={1} frustumCulled={false} />
      <group renderOrder={2}>
        <Primer shared={shared} />
        {words.map((w) => <Word key={w.key} spec={w} shared={shared} />)}
      </group>
    </group>
  );
}

export default defineInstallation({ manifest, Component: Echo });
