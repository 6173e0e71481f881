import type { XrDiag, XrQuality, XrState } from '../../protocol';
import type { XrRuntime } from '../../sdk/viewer';
import { LivePoses } from './poses';
import { AdaptiveQuality, XR_LADDER, capQuality } from './adaptive';
import type { QualityLevel } from '../host/quality';

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
  /** The quality the wall's setting resolves to on this station, before the level's cap (XrStage sets it each XR frame). */
  resolved: QualityLevel = 'high';
  /** The adaptive quality (client/xr/adaptive.ts); two levels whose caps both leave `resolved` as it is draw alike, and are one step. */
  readonly quality = new AdaptiveQuality(XR_LADDER, undefined, (a, b) => a.scale === b.scale && capQuality(this.resolved, a.cap) === capQuality(this.resolved, b.cap));
  /** A rate to judge frames against instead of the session's (the emulator's test hook: __pavilionXr.targetRate). */
  targetOverride: number | null = null;
  /** A level the adaptive quality is held at (the emulator's hook for bench:vr: __pavilionXr.pin), or null. */
  pinned: number | null = null;
  /** The session's framebuffer now (pixels, both eyes) and its scale, while presenting. */
  framebuffer: [number, number] | null = null;
  framebufferScale: number | null = null;

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
    this.quality.restart();
    this.framebufferScale = this.quality.current.scale; // the store made the session's framebuffer at it (session.ts)
    this.set({ presenting: true, entering: false, error: null });
  }

  /** The session ended (the headset taken off, the browser's menu, an error): back to idle. */
  ended(): void {
    this.poses.clear();
    this.view = null;
    this.quality.restart();
    this.framebuffer = null;
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
    // A switch costs a frame or two (the incoming piece's first draws): the adaptive quality does not judge them.
    if (lastSwitch !== this.seenSwitch && this.seenSwitch !== null) this.quality.pause();
    this.seenSwitch = lastSwitch;
    this.frames++;
    this.frameShowTime = showTime;
    this.view = view;
  }

  /** Before a frame of a session: a switch made before the session counts as seen. */
  primeSwitch(lastSwitch: { installationId: string | null; showTime: number } | null): void {
    if (this.seenSwitch === null) this.seenSwitch = lastSwitch ?? { installationId: null, showTime: -1 };
  }

  /** The level changed: the stage draws at its cap (XrStage listens). */
  levelChanged(): void {
    for (const fn of this.listeners) fn();
  }

  /** The piece's quality in a session: the wall's, capped by the level. */
  pieceQuality(): QualityLevel {
    return capQuality(this.resolved, this.quality.current.cap);
  }

  /** A thumbnail of what the viewer sees was made. */
  mirrored(): void {
    this.mirrors++;
  }

  health(): XrState {
    if (!this.s.presenting) return { presenting: false, mode: null };
    const q = this.quality;
    return { presenting: true, mode: 'immersive-vr', quality: { level: q.level, levels: q.ladder.length, scale: this.framebufferScale ?? q.current.scale, piece: this.pieceQuality() } };
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
      quality: this.qualityDiag(),
    };
  }

  private qualityDiag(): XrQuality {
    const q = this.quality.state();
    const finite = (n: number | null) => (n !== null && Number.isFinite(n) ? n : null);
    return {
      level: q.level,
      levels: q.levels,
      scale: q.scale,
      framebufferScale: this.s.presenting ? finite(this.framebufferScale) : null,
      framebuffer: this.s.presenting ? this.framebuffer : null,
      piece: this.pieceQuality(),
      fps: finite(q.fps),
      target: finite(q.target),
      changes: q.changes,
    };
  }
}
