import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { PerspectiveCamera, type WebGLRenderTarget, type WebGLRenderer } from 'three';
import { useStore } from 'zustand';
import { XrContext } from '../../sdk/viewer';
import { QualityCapContext } from '../mount/context';
import { nominalRate } from './adaptive';
import { fitXrTarget, framebufferSize, rescaleFramebuffer } from './framebuffer';
import type { StageScreen } from '../stage/screen';
import { xrOf } from './of';
import { CurvedTheatre } from './theatre';
import { XrMirror } from './mirror';
import { yawOf, type PoseFrame } from './poses';

/** The compositor draws at priority 1 (client/mount/Compositor.tsx); the station's frame work brackets it. */
const BEFORE_COMPOSITOR = 0.5;
const AFTER_COMPOSITOR = 1.5;

interface Redirect {
  setRenderTarget: WebGLRenderer['setRenderTarget'];
  render: WebGLRenderer['render'];
  xrTarget: WebGLRenderTarget | null;
  immersive: boolean;
}

/**
 * A VR station's part of the canvas (docs/vr.md): binds the XR session to the renderer and, on
 * every XR frame (the session's own frame loop: r3f runs it, and host.frame ticks on its
 * timestamp through the stage clock like any screen), reads the viewer's poses for the pieces
 * (useViewer, useControllers), then steers the compositor's picture: a VR-capable piece draws into
 * the headset's views around the viewer; any other piece draws as on a flat screen into a target
 * shown on a curved screen ahead of the viewer. Between sessions the station is a flat screen.
 */
export function XrStage({ screen, children }: { screen: StageScreen; children: ReactNode }) {
  const xr = xrOf(screen);
  const gl = useThree((s) => s.gl);
  const size = useThree((s) => s.size);
  const rect = useStore(screen.store, (s) => s.view?.screen.rect ?? null);
  const presenting = useSyncExternalStore(
    (fn) => xr.station.subscribe(fn),
    () => xr.station.state.presenting,
  );
  // The adaptive quality's cap on the piece's quality, in a session only (client/xr/adaptive.ts).
  const cap = useSyncExternalStore(
    (fn) => xr.station.subscribe(fn),
    () => (xr.station.state.presenting ? xr.station.quality.current.cap : null),
  );
  /** The session's own local-floor space, before any recenter (a recenter offsets from it). */
  const base = useRef<XRReferenceSpace | null>(null);
  useEffect(() => xr.bind(gl), [xr, gl]);
  const theatre = useMemo(() => new CurvedTheatre(gl), [gl]);
  useEffect(() => () => theatre.dispose(), [theatre]);
  // The headset's views are computed onto this camera, so the pieces' own cameras are left as they are.
  const eyes = useMemo(() => new PerspectiveCamera(70, 1, 0.05, 600), []);
  // The panel's thumbnail while presenting: what the viewer sees (client/xr/mirror.ts).
  const mirror = useMemo(() => new XrMirror(gl, eyes, () => xr.station.mirrored()), [gl, eyes, xr]);
  useEffect(() => {
    xr.mirror = mirror;
    return () => {
      if (xr.mirror === mirror) xr.mirror = null;
      mirror.dispose();
    };
  }, [xr, mirror]);
  useEffect(() => {
    if (presenting) return;
    base.current = null;
    theatre.release();
    mirror.release();
    gl.xr.cameraAutoUpdate = true;
  }, [presenting, theatre, mirror, gl]);
  const redirect = useRef<Redirect | null>(null);
  const aspect = rect ? rect.w / rect.h : 16 / 9;

  const restore = () => {
    const r = redirect.current;
    if (!r) return null;
    redirect.current = null;
    gl.setRenderTarget = r.setRenderTarget;
    gl.render = r.render;
    gl.xr.enabled = gl.xr.isPresenting;
    return r;
  };

  // The store's own bookkeeping first (session state, reference space), as <XR> does.
  useFrame((state, _delta, frame) => xr.store.onBeforeFrame(state.scene, state.camera, frame), -1000);

  useFrame((_state, _delta, frame) => {
    restore(); // a frame that threw before the compositor ended
    if (!gl.xr.isPresenting || !frame) return;
    mirror.begin();
    if (xr.takeRecenter()) recenter(gl, frame, base, xr.station.state.emulated);
    const space = gl.xr.getReferenceSpace();
    if (space) xr.station.poses.read(frame as unknown as PoseFrame, space);
    const host = screen.host;
    const run = host.snapshot().run;
    const immersive = !!(run?.module?.manifest as { vr?: boolean } | undefined)?.vr;
    xr.station.primeSwitch(host.lastSwitch);
    xr.station.frame(host.clock.showTime, host.lastSwitch, immersive ? 'immersive' : 'curved-screen');
    xr.store.onBeforeRender();
    gl.xr.cameraAutoUpdate = false;
    gl.xr.updateCamera(eyes);
    const xrTarget = gl.getRenderTarget();
    fitXrTarget(gl, xrTarget); // after a rescale, three.js's target takes the new framebuffer's size
    xr.station.framebuffer = framebufferSize(gl);
    const own = gl.setRenderTarget;
    const render = gl.render;
    xr.station.resolved = host.qualityFor(gl, size.width * size.height * gl.getPixelRatio() ** 2);
    const quality = xr.station.pieceQuality();
    const dest = immersive ? xrTarget : theatre.targetFor(aspect, quality, eyeOf(gl));
    // "The screen" is the headset's framebuffer (immersive) or the curved screen's picture.
    gl.setRenderTarget = (t, face, level) => own.call(gl, t ?? dest, face, level);
    // What is drawn into the headset is recorded for the mirror (the curved screen's theatre is, after the compositor).
    if (immersive)
      gl.render = (scene, camera) => {
        if (gl.getRenderTarget() === xrTarget) mirror.drew(scene);
        render.call(gl, scene, camera);
      };
    if (!immersive) gl.xr.enabled = false; // the picture is drawn with the wall's camera, as on a flat screen
    redirect.current = { setRenderTarget: own, render, xrTarget, immersive };
  }, BEFORE_COMPOSITOR);

  useFrame(() => {
    const r = restore();
    if (!r) return;
    gl.setRenderTarget(r.xrTarget);
    if (!r.immersive) {
      gl.autoClear = true;
      gl.render(theatre.scene, eyes);
      mirror.drew(theatre.scene);
    }
    adapt(gl, xr.station);
  }, AFTER_COMPOSITOR);

  return (
    <XrContext.Provider value={presenting ? xr.station.runtime : null}>
      <QualityCapContext.Provider value={cap}>{children}</QualityCapContext.Provider>
    </XrContext.Provider>
  );
}

/**
 * The adaptive quality, once an XR frame has drawn: this frame's time against the session's rate;
 * a new level takes effect from the next frame: its framebuffer scale (a new base layer, or from the
 * next session, client/xr/framebuffer.ts), its cap on the piece's quality (the stage re-renders).
 */
function adapt(gl: WebGLRenderer, station: ReturnType<typeof xrOf>['station']): void {
  const q = station.quality;
  q.target = station.targetOverride ?? nominalRate(gl.xr.getSession());
  if (!(station.pinned !== null ? q.set(station.pinned) : q.frame(performance.now()))) return;
  const { scale } = q.current;
  if (scale !== station.framebufferScale && rescaleFramebuffer(gl, scale) === 'now') station.framebufferScale = scale;
  station.levelChanged();
}

/** One eye's viewport width and projection x scale this frame (after gl.xr.updateCamera), for the curved screen's picture size. */
function eyeOf(gl: WebGLRenderer): { width: number; xScale: number } | undefined {
  const eye = gl.xr.getCamera().cameras[0];
  if (!eye) return undefined;
  return { width: eye.viewport.z, xScale: eye.projectionMatrix.elements[0] ?? NaN };
}

/**
 * The technician's recenter: the viewer's spot on the floor and level heading now become the
 * origin and -z of the space pieces read (an offset of the session's local-floor space).
 */
function recenter(gl: WebGLRenderer, frame: XRFrame, base: { current: XRReferenceSpace | null }, emulated: boolean): void {
  base.current ??= gl.xr.getReferenceSpace();
  const from = base.current;
  const head = from ? frame.getViewerPose(from) : null;
  if (!from || !head) return;
  const { x, z } = head.transform.position;
  const yaw = yawOf(head.transform.orientation);
  const offset = new XRRigidTransform({ x, y: 0, z }, { x: 0, y: Math.sin(yaw / 2), z: 0, w: Math.cos(yaw / 2) });
  // iwer 2.5 (the emulator) reads the offset as a matrix, not as the XRRigidTransform WebXR specifies.
  gl.xr.setReferenceSpace(from.getOffsetReferenceSpace(emulated ? (offset.matrix as unknown as XRRigidTransform) : offset));
}
