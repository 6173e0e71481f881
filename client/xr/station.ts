import type { XrDiag, XrState } from '../../protocol';
import type { XrRuntime } from '../../sdk/viewer';
import { LivePoses } from './poses';

/** What a station is doing, as its page shows it. */
export interface StationState {
  /** 'yes' when immersive-vr can start here, 'unknown' while the browser has not said, else what is missing. */
  support: string;
  presenting: boolean;
  /** Asking the browser for a session (between the tap and the session, or its refusal). */
  entering: boolean;
  emulated: boolean;
  /** The last refusal or failure of a session, for the viewer and the technician. */
  error: string | null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * One VR station's session state and its per-frame bookkeeping, without React or three.js: the
 * live poses pieces read, the show time of each XR frame, the switch seen on an XR frame, and the
 * diagnostics (window.__pavilion.xr) and health (GET /api/show `xr`) it reports.
 */
export class XrStation {
  private s: StationState;
  private readonly listeners = new Set<() => void>();
  readonly poses = new LivePoses();
  /** XR frames drawn in sessions since the stage started. */
  frames = 0;
  frameShowTime: number | null = null;
  view: XrDiag['view'] = null;
  lastXrSwitch: XrDiag['lastXrSwitch'] = null;
  private controllersRead = false;
  /** Thumbnails of the viewer's view made for the panel (client/xr/mirror.ts). */
  mirrors = 0;
  private seenSwitch: { installationId: string | null; showTime: number } | null = null;
  /** What pieces get through the SDK (useViewer, useControllers) while presenting. */
  readonly runtime: XrRuntime;

  constructor(emulated: boolean) {
    this.s = { support: 'unknown', presenting: false, entering: false, emulated, error: null };
    this.runtime = {
      viewer: this.poses.viewer,
      controllers: this.poses.controllers,
      markControllersRead: () => {
        this.controllersRead = true;
      },
    };
  }

  get state(): StationState {
    return this.s;
  }

  set(patch: Partial<StationState>): void {
    this.s = { ...this.s, ...patch };
    for (const fn of this.listeners) fn();
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** A session began: its frames are counted from here. */
  started(): void {
    this.controllersRead = false;
    this.set({ presenting: true, entering: false, error: null });
  }

  /** The session ended (the headset taken off, the browser's menu, an error): back to idle. */
  ended(): void {
    this.poses.clear();
    this.view = null;
    this.set({ presenting: false, entering: false });
  }

  /**
   * One XR frame, after the host ticked on its timestamp: its show time, and the switch the host
   * made on it (a switch lands on the first frame at or after its start, so the frame before it
   * must have come earlier; tests check that on XR frames too).
   */
  frame(showTime: number, lastSwitch: { installationId: string | null; showTime: number } | null, view: NonNullable<XrDiag['view']>): void {
    if (lastSwitch && lastSwitch !== this.seenSwitch && this.seenSwitch !== null && lastSwitch.showTime === showTime)
      this.lastXrSwitch = { installationId: lastSwitch.installationId, showTime, previousFrameShowTime: this.frameShowTime };
    this.seenSwitch = lastSwitch;
    this.frames++;
    this.frameShowTime = showTime;
    this.view = view;
  }

  /** Before a frame of a session: a switch made before the session counts as seen. */
  primeSwitch(lastSwitch: { installationId: string | null; showTime: number } | null): void {
    if (this.seenSwitch === null) this.seenSwitch = lastSwitch ?? { installationId: null, showTime: -1 };
  }

  /** A thumbnail of what the viewer sees was made. */
  mirrored(): void {
    this.mirrors++;
  }

  health(): XrState {
    return { presenting: this.s.presenting, mode: this.s.presenting ? 'immersive-vr' : null };
  }

  diag(): XrDiag {
    const p = this.poses;
    const on = this.s.presenting;
    return {
      ...this.health(),
      support: this.s.support.slice(0, 300),
      emulated: this.s.emulated,
      frames: this.frames,
      mirrors: this.mirrors,
      frameShowTime: this.frameShowTime,
      view: on ? this.view : null,
      lastXrSwitch: this.lastXrSwitch ? { ...this.lastXrSwitch } : null,
      viewer: on ? [round(p.viewer.position.x), round(p.viewer.position.y), round(p.viewer.position.z)] : null,
      controllers: on
        ? p.controllers.list.slice(0, 4).map((c) => ({ handedness: c.handedness, position: [round(c.position.x), round(c.position.y), round(c.position.z)] as [number, number, number], select: c.select }))
        : [],
      controllersRead: on && this.controllersRead,
      error: this.s.error ? this.s.error.slice(0, 300) : null,
    };
  }
}
