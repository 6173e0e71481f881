/*
 * A VR station's adaptive quality (docs/vr.md, "Keeping the headset's rate"): the XR frames'
 * rate against the session's nominal rate decides how much the station draws. It steps down when
 * frames fall behind (the framebuffer's scale first, then the piece's quality), and back up, one
 * level at a time, after a long run of frames that keep up; a level that failed again is tried
 * again only after twice as long. Pure: no three.js, no WebXR; unit tested
 * (tests/unit/xr-adaptive.test.ts).
 */

import { capQuality, type QualityLevel } from '../host/quality';

export { capQuality };

/** One step of the ladder: the framebuffer's scale (of the headset's recommended size) and the highest piece quality. */
export interface XrLevel {
  scale: number;
  cap: QualityLevel;
}

/**
 * The ladder, best first. The framebuffer's scale goes first (a headset's compositor upsamples a
 * smaller framebuffer smoothly, and the piece stays as its artist made it), then the piece's quality
 * (its useQuality budget), then one last, smaller framebuffer. The last level is never black: it is
 * the piece at its lowest quality, at a third of the headset's pixels.
 */
export const XR_LADDER: readonly XrLevel[] = [
  { scale: 1, cap: 'high' },
  { scale: 0.75, cap: 'high' },
  { scale: 0.5, cap: 'high' },
  { scale: 0.5, cap: 'medium' },
  { scale: 0.5, cap: 'low' },
  { scale: 0.35, cap: 'low' },
];

export interface AdaptiveOptions {
  /** A window of frames is judged once it is this long… */
  windowMs: number;
  /** …and has this many frames (or is three windows long: a very slow station is judged too). */
  windowFrames: number;
  /** Frames keep up when their rate is at least this share of the nominal rate. */
  keepUp: number;
  /** Frames fall behind when their rate is under this share (between the two: neither). */
  behind: number;
  /** Windows in a row that fall behind before a step down. */
  downAfter: number;
  /** Windows in a row that keep up before a step up is tried (doubled at a level that failed since). */
  upAfter: number;
  /** The longest wait before trying a level again, in windows. */
  maxUpAfter: number;
}

export const ADAPTIVE_DEFAULTS: AdaptiveOptions = { windowMs: 1000, windowFrames: 8, keepUp: 0.95, behind: 0.88, downAfter: 2, upAfter: 10, maxUpAfter: 160 };

/** What the station reports of its adaptive quality (window.__pavilion.xr.quality). */
export interface AdaptiveState {
  /** The ladder's level now, 0 the best. */
  level: number;
  levels: number;
  /** The framebuffer's scale at this level. */
  scale: number;
  /** The highest piece quality at this level. */
  cap: QualityLevel;
  /** The XR frames' rate over the last window judged, or null before one. */
  fps: number | null;
  /** The rate the frames are judged against (the session's nominal rate), or null while unknown. */
  target: number | null;
  /** Level changes so far (down and up). */
  changes: number;
}

/**
 * The adaptive quality loop of one station. Feed it every XR frame's time (frame()); it answers
 * whether the level changed. The level outlives a session: the next viewer's session starts at the
 * level the last one settled on (its framebuffer is made at that scale).
 */
export class AdaptiveQuality {
  private idx = 0;
  private windowStart: number | null = null;
  private windowFrames = 0;
  private behindRun = 0;
  private keepUpRun = 0;
  private lastFps: number | null = null;
  private changeCount = 0;
  /** Windows of keep-up needed before trying each level (doubled when it failed again). */
  private readonly wait: number[];
  /** The level stepped up to last, until it proved itself (a step down from it doubles its wait). */
  private probing: number | null = null;
  /** Windows to leave unjudged (after a change: the new framebuffer, shaders compiled for the new quality). */
  private settle = 1;
  target: number | null = null;

  constructor(
    readonly ladder: readonly XrLevel[] = XR_LADDER,
    private readonly opts: AdaptiveOptions = ADAPTIVE_DEFAULTS,
    /** Whether two levels draw the same (e.g. quality caps above the level the wall resolves to): such steps are skipped. */
    private readonly same: (a: XrLevel, b: XrLevel) => boolean = (a, b) => a.scale === b.scale && a.cap === b.cap,
  ) {
    this.wait = ladder.map(() => opts.upAfter);
  }

  get level(): number {
    return this.idx;
  }

  get current(): XrLevel {
    return this.ladder[this.idx]!;
  }

  /** A session starts (or ends): the frames before it say nothing; the level stays. */
  restart(): void {
    this.windowStart = null;
    this.windowFrames = 0;
    this.behindRun = 0;
    this.keepUpRun = 0;
    this.settle = 1;
    this.probing = null;
  }

  /** Something outside the station costs frames for a moment (a piece switch): the current window is not judged. */
  pause(): void {
    this.windowStart = null;
    this.windowFrames = 0;
    this.settle = Math.max(this.settle, 1);
  }

  /** Sets the level (a test, the technician): as a change, with the windows after it left unjudged. */
  set(level: number): boolean {
    const to = Math.max(0, Math.min(this.ladder.length - 1, Math.round(level)));
    if (to === this.idx) return false;
    this.move(to);
    return true;
  }

  /**
   * One XR frame at `now` (ms, monotonic). Returns true when the level changed with it: the caller
   * applies the new level (its framebuffer, its quality) before the next frame.
   */
  frame(now: number): boolean {
    if (this.windowStart === null) {
      this.windowStart = now;
      this.windowFrames = 0;
      return false;
    }
    this.windowFrames++;
    const elapsed = now - this.windowStart;
    const o = this.opts;
    if (elapsed < o.windowMs || (this.windowFrames < o.windowFrames && elapsed < 3 * o.windowMs)) return false;
    const fps = (this.windowFrames * 1000) / elapsed;
    this.windowStart = now;
    this.windowFrames = 0;
    if (this.settle > 0) {
      this.settle--;
      return false;
    }
    this.lastFps = fps;
    const target = this.target;
    if (target === null || !(target > 0)) return false;
    if (fps < target * o.behind) {
      this.keepUpRun = 0;
      if (++this.behindRun >= o.downAfter) return this.down();
      return false;
    }
    this.behindRun = 0;
    if (fps < target * o.keepUp) {
      this.keepUpRun = 0; // neither: hold
      return false;
    }
    if (this.probing === this.idx) this.probing = null; // it kept up: it has proved itself
    // Far above the target (a display that is not capped at the nominal rate): headroom, without waiting.
    const up = this.upFrom(this.idx);
    if (up === null) return false;
    if (++this.keepUpRun >= this.wait[up]! || fps >= target * 1.5) return this.up(up);
    return false;
  }

  private down(): boolean {
    const to = this.next(this.idx, +1);
    this.behindRun = 0;
    if (to === null) return false;
    // The level just tried did not hold: it waits twice as long before its next try.
    if (this.probing === this.idx) this.wait[this.idx] = Math.min(this.opts.maxUpAfter, this.wait[this.idx]! * 2);
    this.probing = null;
    this.move(to);
    return true;
  }

  private up(to: number): boolean {
    this.probing = to;
    this.move(to);
    return true;
  }

  /** The next level up that draws differently, at the top of its run of alike levels (a step up lands as high as that drawing goes). */
  private upFrom(from: number): number | null {
    let to = this.next(from, -1);
    if (to === null) return null;
    while (to > 0 && this.same(this.ladder[to - 1]!, this.ladder[to]!)) to--;
    return to;
  }

  /** The next level in `dir` that draws differently from `from`, or null at the end of the ladder. */
  private next(from: number, dir: 1 | -1): number | null {
    const here = this.ladder[from]!;
    for (let i = from + dir; i >= 0 && i < this.ladder.length; i += dir) if (!this.same(this.ladder[i]!, here)) return i;
    return null;
  }

  private move(to: number): void {
    this.idx = to;
    this.changeCount++;
    this.behindRun = 0;
    this.keepUpRun = 0;
    this.windowStart = null;
    this.windowFrames = 0;
    this.settle = 1;
  }

  state(): AdaptiveState {
    const l = this.current;
    return { level: this.idx, levels: this.ladder.length, scale: l.scale, cap: l.cap, fps: this.lastFps === null ? null : Math.round(this.lastFps * 10) / 10, target: this.target, changes: this.changeCount };
  }
}

/** The rate a headset shows frames at when its session does not say (WebXR's frameRate is optional): the lowest of today's standalone headsets. */
export const DEFAULT_XR_RATE = 72;

/** The session's nominal frame rate (XRSession.frameRate, after the store asked for the lowest), or DEFAULT_XR_RATE. */
export function nominalRate(session: { frameRate?: number } | null | undefined): number {
  const r = session?.frameRate;
  return typeof r === 'number' && Number.isFinite(r) && r > 0 ? r : DEFAULT_XR_RATE;
}
