import { useThree } from '@react-three/fiber';
import { useContext, useEffect, useMemo, useRef } from 'react';
import type { SoundRuntime, WallGeometry } from 'pavilion/sdk';
import type { HostSnapshot, PieceHost, Run } from '../host';
import type { ParamValues } from '../../protocol';
import { HostContext, QualityCapContext } from './context';
import { capQuality } from '../host/quality';
import { Fallback } from './Fallback';
import { RunSlot, type RunRole } from './RunSlot';
import { WallCamera } from './WallCamera';
import { Compositor } from './Compositor';
import type { RunLayer } from './layers';
import type { RunBus } from './RunSlot';

export interface HostStageProps {
  host: PieceHost;
  /** The host's state (useHostSnapshot, once per <Canvas>). */
  snap: HostSnapshot;
  /** This screen's part of the wall. */
  wall: WallGeometry;
  /** This screen's id (errors and memory readouts name it). */
  screen: string;
  /** The sound runtime, on the screen that plays the wall's sound; else null. */
  sound: SoundRuntime | null;
  /** What to draw while no piece runs: nothing, or the calm fallback. */
  idle?: 'nothing' | 'fallback';
}

/** Every run the host has mounted, each once, with its role now. */
function slotsOf(snap: HostSnapshot): Array<{ run: Run; role: RunRole }> {
  const out: Array<{ run: Run; role: RunRole }> = [];
  const seen = new Set<string>();
  const add = (run: Run | null, role: RunRole) => {
    if (!run || seen.has(run.slot)) return;
    seen.add(run.slot);
    out.push({ run, role });
  };
  add(snap.run, 'active');
  add(snap.outgoing, 'outgoing');
  add(snap.incoming, 'incoming');
  for (const r of snap.kept) add(r, snap.warmingAhead.includes(r.slot) ? 'ahead' : 'kept');
  return out;
}

/** `value` as it was last time while it has the same JSON (small plain objects: the wall's geometry). */
function useSameValue<T>(value: T): T {
  const ref = useRef<{ value: T; json: string } | null>(null);
  if (ref.current?.value !== value) {
    const json = JSON.stringify(value);
    if (ref.current?.json !== json) ref.current = { value, json };
  }
  return ref.current!.value;
}

/**
 * One screen of a host, inside its <Canvas>: every run the host holds mounted in its own scene (on
 * screen, warming before its cue, leaving in a transition, kept warm), and the compositor that
 * draws the right ones each frame, blended during a transition (client/mount/Compositor.tsx).
 */
export function HostStage({ host, snap, wall: wallNow, screen, sound, idle = 'nothing' }: HostStageProps) {
  // The same object while the geometry stays the same: a view (each GO brings one) must not hand
  // every mounted piece a new runtime, which re-renders all of them (client/mount/RunSlot.tsx).
  const wall = useSameValue(wallNow);
  const gl = useThree((s) => s.gl);
  const size = useThree((s) => s.size);
  useEffect(() => host.attachRenderer(screen, gl), [host, screen, gl]);
  // The wall's setting, under a VR station's adaptive cap in a session (QualityCapContext).
  const quality = capQuality(host.qualityFor(gl, size.width * size.height * gl.getPixelRatio() ** 2), useContext(QualityCapContext));
  const layers = useRef(new Map<string, RunLayer & { bus?: RunBus | null }>()).current;
  const slots = slotsOf(snap);
  const program = host.getProgram();
  const incomingParams: ParamValues | null = useMemo(
    () => (snap.incoming && program?.target?.key === snap.incoming.key ? program.params : null),
    [snap.incoming, program],
  );
  return (
    <HostContext.Provider value={host}>
      <WallCamera wall={wall} />
      {slots.map(({ run, role }) => (
        <RunSlot
          key={run.slot}
          host={host}
          run={run}
          role={role}
          wall={wall}
          params={role === 'active' ? snap.params : role === 'incoming' ? incomingParams : null}
          quality={quality}
          screen={screen}
          sound={sound}
          layers={layers}
        />
      ))}
      {!snap.run && !snap.outgoing && idle === 'fallback' && <Fallback />}
      <Compositor host={host} screen={screen} layers={layers} />
    </HostContext.Provider>
  );
}
