import { createXRStore, type XRStore } from '@react-three/xr';
import type { WebGLRenderer } from 'three';
import { XrStation } from './station';
import { checkXrSupport, environmentOf } from './support';
import { installEmulator, wantsEmulator, type EmulatedHeadset } from './emulate';
import type { ThumbnailSource } from '../stage/thumbnails';

/** The test hook in an emulated station's stage frame: the headset and its session. */
export interface XrTestHook {
  device: EmulatedHeadset;
  end(): Promise<void>;
  /** Judges the XR frames against this rate instead of the session's (null: the session's again): a test makes frames slow, or fast, for the adaptive quality. */
  targetRate(hz: number | null): void;
  /** Holds the adaptive quality at a level of its ladder (null: adapting again): bench:vr measures each level. */
  pin(level: number | null): void;
  /** The station's XR frames so far and its level now, read in this frame (bench:vr counts frames without the diagnostics' one-second trip). */
  stats(): { frames: number; level: number };
}

/**
 * A VR station's session, through @react-three/xr's store (the session request with `local-floor`,
 * its frame rate, its lifecycle). The store is bound to the canvas's renderer by XrStage, as
 * @react-three/xr's <XR> does, but without <XR>'s camera swap: that would remount every piece (each
 * run's camera is a clone of the root camera, client/mount/RunSlot.tsx). No default controller or
 * hand models: they load from a CDN, and a pavilion may have no internet.
 */
export class XrSession {
  readonly station: XrStation;
  readonly store: XRStore;
  private device: EmulatedHeadset | null = null;
  private readonly ready: Promise<void>;

  constructor(private readonly win: Window = window) {
    const emulated = wantsEmulator(win.location.search);
    this.station = new XrStation(emulated);
    this.store = createXRStore({
      emulate: false, // never the store's own emulator: only ours, only with ?xr=emulate
      offerSession: false,
      enterGrantedSession: false,
      frameRate: 'low', // the headset's lowest refresh (72 Hz on a Quest): steady frames for a ten-hour day
      // Each session's framebuffer at the adaptive quality's scale now (client/xr/adaptive.ts): where the last session settled.
      frameBufferScaling: () => this.station.quality.current.scale,
      controller: false,
      hand: false,
      gaze: false,
      screenInput: false,
      transientPointer: false,
      anchors: false,
      layers: false,
      meshDetection: false,
      planeDetection: false,
      hitTest: false,
      domOverlay: false,
      depthSensing: false,
      bodyTracking: false,
      // The store reads each controller's button layout; from this server (assets/xr/), never the CDN.
      baseAssetPath: new URL('/assets/xr/profiles/', win.location.href).href,
      defaultControllerProfileId: 'generic-trigger',
    });
    this.store.subscribe((s, prev) => {
      if (s.session === prev.session) return;
      if (s.session) this.station.started();
      else this.station.ended();
    });
    this.ready = this.init(emulated);
  }

  private async init(emulated: boolean): Promise<void> {
    if (emulated) {
      try {
        const device = await installEmulator();
        this.device = device;
        const hook: XrTestHook = {
          device,
          end: async () => void (await this.store.getState().session?.end()),
          targetRate: (hz) => void (this.station.targetOverride = hz !== null && Number.isFinite(hz) && hz > 0 ? hz : null),
          pin: (level) => void (this.station.pinned = level !== null && Number.isInteger(level) && level >= 0 ? level : null),
          stats: () => ({ frames: this.station.frames, level: this.station.quality.level }),
        };
        (this.win as unknown as { __pavilionXr?: XrTestHook }).__pavilionXr = hook;
      } catch (e) {
        this.station.set({ error: `the WebXR emulator did not load: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    this.station.set({ support: await checkXrSupport(environmentOf(this.win)) });
  }

  /** Binds the session to the canvas's renderer (XrStage, once the canvas exists). */
  bind(gl: WebGLRenderer): void {
    this.store.setWebXRManager(gl.xr);
  }

  /** Starts the immersive session: call it from the viewer's tap (browsers need the gesture in this frame). */
  async enter(): Promise<void> {
    await this.ready;
    if (this.station.state.presenting || this.station.state.entering) return;
    this.station.set({ entering: true, error: null });
    try {
      await this.store.enterVR();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.station.set({ entering: false, error: `the headset refused the VR session (${why}); take the headset off and on, then tap Enter VR again` });
    }
  }

  /** Ends the session (the technician's reset, tests): the station goes back to idle. */
  async exit(): Promise<void> {
    await this.store.getState().session?.end();
  }

  private recenterAsked = false;

  /** The mirror of what the viewer sees (XrStage makes it with the canvas). */
  mirror: ThumbnailSource | null = null;

  /** Where the panel's thumbnail comes from now: the mirror while presenting, else the canvas (null). */
  thumbnails(): ThumbnailSource | null {
    return this.station.state.presenting ? this.mirror : null;
  }

  /** The technician's recenter (screen.xr): on the next XR frame, the viewer's spot and heading become the origin and -z. */
  recenter(): void {
    if (this.station.state.presenting) this.recenterAsked = true;
  }

  /** Whether a recenter waits for this frame (XrStage applies it); asks once. */
  takeRecenter(): boolean {
    const asked = this.recenterAsked;
    this.recenterAsked = false;
    return asked;
  }

  dispose(): void {
    void this.exit().catch(() => {});
    this.store.destroy();
    this.device = null;
  }
}
