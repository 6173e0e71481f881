import { createPortal, useThree } from '@react-three/fiber';
import { memo, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { PerspectiveCamera } from 'three';
import type { SoundRuntime, WallGeometry } from 'pavilion/sdk';
import { releaseLater } from 'pavilion/sdk';
import { LightsContext, type Lights } from '../../sdk/lights';
import { SoundWaits, buildRuntime, type PieceHost, type Run } from '../host';
import type { ParamValues } from '../../protocol';
import type { QualityLevel } from '../host';
import { PieceMount } from './PieceMount';
import { RunLayer } from './layers';
import { WallCamera } from './WallCamera';
import { linkBus, type LinkedBus } from './bus-link';

/**
 * A run's place now: on screen, warming off-screen before its start, leaving in a transition, kept
 * dormant, or kept and still warming ahead of its cue (with its sound graph, silent, on the screen
 * that plays sound: client/host/host-types.ts `warmingAhead`).
 */
export type RunRole = 'active' | 'incoming' | 'outgoing' | 'kept' | 'ahead';

/** A run's own sound bus: its piece's nodes go through it; the compositor sets its gain from show time. */
export interface RunBus {
  gain: { rampTo(value: number, seconds: number): unknown; value: number };
  disconnect(): unknown;
  dispose(): unknown;
}

export interface RunSlotProps {
  host: PieceHost;
  run: Run;
  role: RunRole;
  wall: WallGeometry;
  /** Its params now (null: the last it had on screen, else its manifest's defaults). */
  params: ParamValues | null;
  quality: QualityLevel;
  screen: string;
  /** The screen's sound runtime (null: this screen plays no sound). */
  sound: SoundRuntime | null;
  layers: Map<string, RunLayer & { bus?: RunBus | null }>;
}

/**
 * One run mounted in its own scene and camera (an r3f portal whose frame callbacks the compositor
 * runs), whatever its role: it mounts once, off-screen, and only its role changes at the switch,
 * so the switch frame draws a piece that is already built, compiled and sounding silently.
 * A kept run gets no sound (its graph is released) and runs no frames; one still warming ahead of
 * its cue gets its sound until it is warm (its graph and reverb built silent, so that the warm-up
 * time the server sizes the cue's lead on covers them). Keyed by the run's slot: a
 * later run of its piece that adopts it (host.ts, prepareIncoming) re-renders this same subtree
 * with its own key, start and params; nothing is mounted again.
 *
 * The piece's own tree re-renders only when what it reads changes (its runtime: wall, params,
 * quality, sound): not when the run's role changes (the switch), nor when it is re-keyed (a warm
 * switch adopting it), nor when another run's slot changes. The element is memoised and the
 * lights gate is an object that reads the layer's place each frame (set by the compositor), so a
 * switch re-renders no piece: a piece's re-render re-creates every three.js object whose `args`
 * it writes inline (materials, then their programs' lookups), which is work a switch frame must
 * not do.
 */
export const RunSlot = memo(function RunSlot({ host, run, role, wall, params, quality, screen, sound, layers }: RunSlotProps) {
  const rootCamera = useThree((s) => s.camera);
  const rootInternal = useThree((s) => s.internal);
  const layer = useMemo(() => new RunLayer(run.slot, rootCamera.clone() as PerspectiveCamera), [run.slot, rootCamera]);
  const internal = useMemo(() => ({ ...rootInternal, subscribers: [], priority: 0, subscribe: layer.subscribe }), [rootInternal, layer]);
  const runSoundIn = role === 'kept' ? null : sound;
  const bus = useRunBus(runSoundIn, role, run.startedAt, run.shared);
  // Its piece has what it will play with (for a run that sounds, its bus): the compositor warms it
  // only then, so that the re-render the bus brings (the piece's sound graph, built silent, its
  // scheduler's pre-roll made) comes before the warm-up, not between it and the switch. A passive
  // effect, so that it runs after the piece's own (children's effects run first): its useSound setup
  // has run, and declared what it waits for (a reverb's impulse response: the compositor waits for
  // `layer.soundWaits` too), before the run may warm.
  const settled = !runSoundIn || bus !== null;
  useEffect(() => {
    layer.settledFor = settled ? run.key : null;
    layer.soundWaits = bus?.waits ?? null;
  }, [layer, settled, run.key, bus]);
  useEffect(() => {
    layers.set(run.slot, Object.assign(layer, { bus: bus?.bus ?? null }));
    return () => {
      if (layers.get(run.slot) === layer) layers.delete(run.slot);
    };
  }, [layers, run.slot, layer, bus]);
  const runSound = bus?.runtime ?? null;
  // The params it had while their values stay the same (a new object from each view, or at the
  // switch from the incoming run's to the wall's): a piece's memos on them do not rebuild.
  const last = useRef<ParamValues | null>(null);
  const wanted = params ?? last.current ?? defaults(run);
  const runParams = last.current && sameValues(last.current, wanted) ? last.current : wanted;
  last.current = runParams;
  // What the runtime reads of the run (buildRuntime): not its key or start, which a re-key changes.
  const { installationId, module, seed, shared, failed, slot } = run;
  const runtime = useMemo(
    () => buildRuntime(run, shared, { wall, params: runParams, quality, sound: runSound }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [installationId, module, seed, shared, wall, runParams, quality, runSound],
  );
  // Only the run on screen drives the wall's lights (sdk/lights.ts): the compositor marks it each frame.
  const outerLights = useContext(LightsContext);
  const lightsRef = useRef(outerLights);
  lightsRef.current = outerLights;
  const lights = useMemo<Lights>(() => ({ set: (name, value) => (layer.onScreen ? lightsRef.current.set(name, value) : undefined) }), [layer]);
  const hostRef = useRef({ host, screen });
  hostRef.current = { host, screen };
  const piece = useMemo(
    () => (
      <LightsContext.Provider value={lights}>
        <PieceMount
          mountKey={slot}
          Piece={module?.Component ?? null}
          failed={failed}
          runtime={runtime}
          params={runParams}
          sound={runSound}
          onError={(phase, error) => hostRef.current.host.fail(phase, error, slot, hostRef.current.screen)}
          onMounted={() => {
            layer.mounted = true;
            if (module && !failed) hostRef.current.host.pieceMounted();
          }}
        />
        <KeepPrograms layer={layer} />
      </LightsContext.Provider>
    ),
    [lights, slot, module, failed, runtime, runParams, runSound, layer],
  );
  return createPortal(
    <>
      <WallCamera wall={wall} />
      {piece}
    </>,
    layer.scene,
    { camera: layer.camera, internal } as unknown as Parameters<typeof createPortal>[2],
  );
});

/**
 * After each commit of the piece's tree for new inputs (runtime, params, sound), its materials get
 * their programs at once (renderer.compile). A piece that writes a material's `args` inline gets a
 * new material on every re-render; r3f disposes the old one when the page is next idle, which
 * releases its program if the new one has not taken it yet: the next draw (the switch frame, for a
 * run warming) then compiled it again. Taken here, the program is found in three's cache, and
 * kept. A piece's first mount (still suspended) is left to the warm-up.
 */
function KeepPrograms({ layer }: { layer: RunLayer }) {
  const gl = useThree((s) => s.gl);
  const first = useRef(true);
  useLayoutEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (!layer.mounted) return;
    try {
      gl.compile(layer.scene, layer.camera);
    } catch {
      /* a material that cannot compile is reported when the run draws */
    }
  });
  return null;
}

function sameValues(a: ParamValues, b: ParamValues): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}

const defaultsCache = new WeakMap<Run, ParamValues>();
/** The params a run not yet on screen warms with: its manifest's defaults (the wall's come at the switch). */
function defaults(run: Run): ParamValues {
  let d = defaultsCache.get(run);
  if (!d) {
    d = Object.fromEntries(Object.entries(run.module?.manifest.params ?? {}).map(([k, p]) => [k, (p as { default: ParamValues[string] }).default]));
    defaultsCache.set(run, d);
  }
  return d;
}

/**
 * A per-run bus on the screen's sound output, silent until the compositor opens it (and connected
 * only while its run may sound: bus-link.ts). The piece's
 * sound runtime carries the run's start (an adopted run's is its new one: its sound is scheduled
 * from the show time it plays at), and counts the work the piece declares with `waitFor` (the
 * compositor warms the run once none is pending).
 */
function useRunBus(sound: SoundRuntime | null, role: RunRole, startedAt: number, shared: Run['shared']): { bus: RunBus; waits: SoundWaits; runtime: SoundRuntime } | null {
  const [made, setMade] = useState<{ bus: InstanceType<SoundRuntime['Tone']['Gain']>; sound: SoundRuntime; waits: SoundWaits } | null>(null);
  const sharedRef = useRef(shared);
  sharedRef.current = shared;
  useEffect(() => {
    if (!sound) return;
    // Connected to the output only while its run may sound (client/mount/bus-link.ts): the compositor links it.
    const bus = new sound.Tone.Gain(role === 'active' ? 1 : 0);
    linkBus(bus as unknown as LinkedBus, sound.output, role === 'active');
    setMade({ bus, sound, waits: new SoundWaits((e) => sharedRef.current.reportError('audio', e)) });
    return () => {
      setMade(null);
      releaseLater(bus, [bus], 6000); // the piece's own release tails end first
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sound]);
  return useMemo(
    () => (made ? { bus: made.bus, waits: made.waits, runtime: { ...made.sound, startedAt, output: made.bus, waitFor: (work) => made.waits.add(work) } } : null),
    [made, startedAt],
  );
}
