import { flushSync, useThree } from '@react-three/fiber';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { InstallationModule, PieceRuntime, WallGeometry } from 'pavilion/sdk';
import type { DisplayView, ParamValues, PieceError } from '../../protocol';
import { displayStore, pushError } from './store';
import { frame, onFrame } from './frame';
import { isPieceLoaded, loadPiece } from './pieces';
import { reportPreload } from './preload-report';
import { PieceMount } from './PieceMount';
import { describeStray, isStrayEngineError } from './stray';
import { WallCamera } from './WallCamera';
import { hostState } from './diagnostics';
import { resolveQuality } from './quality';
import { advanceVisitors, visitorsView } from './visitor-feed';
import { reportError } from './report';
import { useSoundRuntime } from './audio';

type WallView = NonNullable<DisplayView['wall']>;

/** A piece whose module has not loaded this long after its start time is reported and replaced. */
export const LOAD_LIMIT_MS = 10_000;

interface Target {
  key: string;
  installationId: string | null;
  version: string | null;
  moduleUrl: string | null;
  startedAt: number;
}

interface Active {
  key: string;
  installationId: string;
  version: string;
  startedAt: number;
  module: InstallationModule | null;
  failed: boolean;
  runtime: PieceRuntime;
  /** The wall's pause state while this piece plays. */
  timing: { pausedAt: number | null; heldMs: number };
}

function targetOf(wall: WallView | null): Target | null {
  if (!wall) return null;
  const m = wall.manifest;
  if (!wall.installationId) return { key: `none@${wall.startedAt}`, installationId: null, version: null, moduleUrl: null, startedAt: wall.startedAt };
  return {
    key: `${wall.installationId}@${m?.version ?? '?'}@${wall.startedAt}`,
    installationId: wall.installationId,
    version: m?.version ?? null,
    moduleUrl: m?.moduleUrl ?? null,
    startedAt: wall.startedAt,
  };
}

export function geometryOf(view: DisplayView): WallGeometry {
  const wall = view.wall;
  const r = view.screen.rect;
  const screen = { id: view.screen.id, x: r.x, y: r.y, w: r.w, h: r.h };
  if (!wall) return { wallId: '', width: r.w, height: r.h, aspect: r.w / r.h, screen: { ...screen, x: 0, y: 0 }, screens: [screen] };
  return {
    wallId: wall.id,
    width: wall.width,
    height: wall.height,
    aspect: wall.width / wall.height,
    screen,
    screens: wall.screens.map((s) => ({ id: s.id, ...s.rect })),
  };
}

/** Updates the piece's show time for this frame from its start, pause and held time. */
function updateTime(rt: PieceRuntime, showTime: number, a: Active): void {
  const { pausedAt, heldMs } = a.timing;
  const paused = pausedAt !== null && showTime >= pausedAt;
  const now = paused ? pausedAt : showTime;
  const seconds = Math.max(0, (now - a.startedAt - heldMs) / 1000);
  rt.time.delta = Math.max(0, seconds - rt.time.seconds);
  rt.time.seconds = seconds;
  rt.time.now = now;
  rt.time.paused = paused;
}

/**
 * Hosts the wall's piece inside the persistent <Canvas>: preloads the next piece, switches on the
 * first frame at or after its show time, spans the wall, contains failures.
 */
export function PieceHost() {
  const view = useStore(displayStore, (s) => s.view);
  const wall = view?.wall ?? null;
  const gl = useThree((s) => s.gl);
  const size = useThree((s) => s.size);
  const [active, setActive] = useState<Active | null>(null);
  const [params, setParams] = useState<ParamValues>({});
  const activeRef = useRef<Active | null>(null);
  activeRef.current = active;
  const wallRef = useRef(wall);
  wallRef.current = wall;
  const pending = useRef<{ target: Target; module: InstallationModule | null; error: unknown } | null>(null);
  const pendingParams = useRef<{ params: ParamValues; at: number } | null>(null);

  const target = targetOf(wall);
  const targetKey = target?.key ?? null;

  // Preload the wall's next piece as soon as it is announced.
  useEffect(() => {
    if (!target) return;
    if (activeRef.current?.key === target.key || (!activeRef.current && target.installationId === null && !pending.current)) return;
    const p = { target, module: null as InstallationModule | null, error: null as unknown };
    pending.current = p;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (target.installationId) {
      displayStore.setState({ preload: { installationId: target.installationId, progress: 0 } });
      // Never left hanging: a module that does not arrive in time counts as failed to load.
      timer = setTimeout(() => {
        if (p.module || p.error) return;
        p.error = new Error(`piece '${target.installationId}' did not load within ${LOAD_LIMIT_MS / 1000} s of its start; check the network and the module URL`);
        reportError({ installationId: target.installationId, version: target.version, phase: 'load', error: p.error });
      }, Math.max(0, target.startedAt - frame.showTime) + LOAD_LIMIT_MS);
      const cold = !isPieceLoaded(target.installationId, target.moduleUrl);
      const loadStart = performance.now();
      loadPiece(target.installationId, target.moduleUrl).then(
        (m) => {
          p.module = m;
          reportPreload({ installationId: target.installationId!, version: target.version, ms: performance.now() - loadStart, cold });
          if (pending.current === p) displayStore.setState({ preload: { installationId: target.installationId!, progress: 1 } });
        },
        (e: unknown) => {
          if (p.error) return; // timed out already, and reported
          p.error = e;
          reportError({ installationId: target.installationId, version: target.version, phase: 'load', error: e });
        },
      );
    }
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [targetKey]);

  // Params changes of the same piece, applied at their show time.
  useEffect(() => {
    if (!wall || !active || active.key !== target?.key) return;
    if (wall.paramsAt <= frame.showTime) setParams(wall.params);
    else pendingParams.current = { params: wall.params, at: wall.paramsAt };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wall?.params, wall?.paramsAt, active?.key]);

  // Each frame, before pieces run: switch if due, apply params if due, advance time and input.
  useEffect(
    () =>
      onFrame((showTime) => {
        advanceVisitors();
        const p = pending.current;
        if (p && showTime >= p.target.startedAt && (p.module || p.error || p.target.installationId === null)) {
          pending.current = null;
          pendingParams.current = null;
          const w = wallRef.current;
          const next: Active | null = p.target.installationId
            ? {
                key: p.target.key,
                installationId: p.target.installationId,
                version: p.target.version ?? '?',
                startedAt: p.target.startedAt,
                module: p.module,
                failed: !p.module,
                runtime: makeRuntime(p.target.installationId, p.module, w),
                timing: { pausedAt: w?.pausedAt ?? null, heldMs: w?.heldMs ?? 0 },
              }
            : null;
          flushSync(() => {
            setActive(next);
            setParams(w?.params ?? {});
          });
          hostState.installationId = next?.installationId ?? null;
          hostState.version = next?.version ?? null;
          hostState.lastSwitch = { installationId: next?.installationId ?? null, showTime };
          displayStore.setState({ preload: null });
        }
        const pp = pendingParams.current;
        if (pp && showTime >= pp.at) {
          pendingParams.current = null;
          flushSync(() => setParams(pp.params));
        }
        const a = activeRef.current;
        if (a) {
          const w = wallRef.current;
          if (w && targetOf(w)?.key === a.key) a.timing = { pausedAt: w.pausedAt, heldMs: w.heldMs };
          updateTime(a.runtime, showTime, a);
        }
      }),
    [],
  );

  // Takes the piece on screen off: reported, and the calm fallback in its place.
  const failActive = useCallback((phase: PieceError['phase'], error: unknown) => {
    const a = activeRef.current;
    if (!a || a.failed) return;
    a.failed = true; // at once: the same frame's next error is not reported twice
    reportError({ installationId: a.installationId, version: a.version, phase, error });
    setActive((cur) => (cur && cur.key === a.key ? { ...cur, failed: true } : cur));
  }, []);

  useEffect(() => {
    hostState.renderer = gl;
    return () => void (hostState.renderer = null);
  }, [gl]);

  // Uncaught errors while a piece is on screen (useFrame, timers, promises) are the piece's.
  useEffect(() => {
    const strays = new Set<string>(); // reported once per run of a piece: they come in bursts
    const fail = (error: unknown, phase: PieceError['phase']) => {
      const a = activeRef.current;
      if (!isStrayEngineError(error)) return failActive(phase, error);
      const once = `${a?.key ?? ''}|${error.name}`;
      if (strays.has(once)) return;
      if (strays.size > 100) strays.clear();
      strays.add(once);
      // Filed under the screen, not the piece on screen: it may come from a piece switched off
      // a moment ago (its Tone timers outlive it), and must not blame the one that follows.
      reportError({ installationId: null, version: null, phase: 'audio', error: describeStray(error) });
    };
    // A stray engine error is handled here (reported once as an audio error): mark it handled so
    // the browser does not also log it as uncaught.
    const onError = (e: ErrorEvent) => {
      if (isStrayEngineError(e.error)) e.preventDefault();
      fail(e.error ?? e.message, 'frame');
    };
    const onRejection = (e: PromiseRejectionEvent) => {
      if (isStrayEngineError(e.reason)) e.preventDefault();
      fail(e.reason, 'frame');
    };
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    return () => {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    };
  }, []);

  const geometry = useMemo(() => (view ? geometryOf(view) : null), [view]);
  const quality = resolveQuality(params.quality, gl, size.width * size.height * gl.getPixelRatio() ** 2);
  const runtime = useMemo(() => {
    if (!active || !geometry) return null;
    Object.assign(active.runtime, { wall: geometry, params, quality });
    return { ...active.runtime, time: active.runtime.time, visitors: visitorsView, wall: geometry, params, quality, fail: failActive } satisfies PieceRuntime;
  }, [active, geometry, params, quality, failActive]);
  const sound = useSoundRuntime(active && !active.failed ? active.startedAt : null);

  if (!geometry) return null;
  const Piece = active?.module?.Component;
  return (
    <>
      <WallCamera wall={geometry} />
      {active && runtime && (
        <PieceMount
          mountKey={active.key}
          Piece={Piece ?? null}
          failed={active.failed}
          runtime={runtime}
          params={params}
          sound={sound}
          onError={(phase, error) => {
            if (activeRef.current?.key === active.key) failActive(phase, error);
          }}
        />
      )}
    </>
  );
}

function makeRuntime(installationId: string, module: InstallationModule | null, wall: WallView | null): PieceRuntime {
  const startedAt = wall?.startedAt ?? 0;
  return {
    installationId,
    manifest: module?.manifest ?? { id: installationId, title: installationId, artist: '', description: '', params: {} },
    time: { now: startedAt, seconds: 0, delta: 0, paused: false },
    wall: { wallId: wall?.id ?? '', width: 1, height: 1, aspect: 1, screen: { id: '', x: 0, y: 0, w: 1, h: 1 }, screens: [] },
    params: {},
    visitors: visitorsView,
    seed: `${wall?.id ?? ''}:${installationId}:${startedAt}`,
    quality: 'low',
    sound: null,
    reportProgress(loaded, total) {
      displayStore.setState({ preload: total > 0 && loaded < total ? { installationId, progress: loaded / total } : null });
    },
    reportError(phase, error) {
      reportError({ installationId, version: module?.manifest.version ?? null, phase, error });
    },
  };
}

export { pushError };
