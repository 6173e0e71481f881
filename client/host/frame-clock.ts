/** Called on every frame, after the host has done its own per-frame work. */
export type FrameListener = (showTime: number, timestamp: number) => void;

/**
 * The show time of the frame being drawn, taken from the frame's own timestamp (the rAF argument),
 * not from a clock read inside the callback: frame timestamps agree across tabs far better
 * (docs/sync.md). One per host.
 */
export class FrameClock {
  /** Show time of the current frame. */
  showTime = 0;
  /** rAF timestamp (performance.now() base) of the current frame. */
  timestamp = 0;
  /** Frames drawn since the host started. */
  count = 0;
  private readonly listeners = new Set<FrameListener>();

  /**
   * @param toShowTime maps an epoch time of this page's clock to show time (the clock estimate).
   * @param timeOrigin the page's performance.timeOrigin.
   */
  constructor(
    private readonly toShowTime: (epochMs: number) => number,
    private readonly timeOrigin: number = performance.timeOrigin,
  ) {}

  /** Starts a frame: maps its timestamp to show time and counts it. Returns its show time. */
  tick(timestamp: number): number {
    this.timestamp = timestamp;
    this.showTime = this.toShowTime(this.timeOrigin + timestamp);
    this.count++;
    return this.showTime;
  }

  /** Tells the listeners the frame started by the last tick(). */
  notify(): void {
    for (const l of this.listeners) l(this.showTime, this.timestamp);
  }

  onFrame(fn: FrameListener): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }
}
