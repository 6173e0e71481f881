/**
 * Whether a screen must ask for its wall's next input frame whole (`display:resync`): frames are
 * volatile, and a frame that says what changed since one the page never had (`prev` is not the last
 * frame it saw) leaves some visitors stale; a new stage has none at all. Asked at most once per
 * `everyMs`, again until a whole frame comes. Pure: the caller gives the time.
 */
export class FrameGaps {
  /** The seq of the last frame seen (0: none since the connection). */
  private last = 0;
  private owed = false;
  private askedAt = -Infinity;

  constructor(private readonly everyMs = 1000) {}

  /** A frame came: true when a whole one should be asked for now. */
  frame(f: { seq: number; prev: number; full: boolean }, nowMs: number): boolean {
    if (f.full) this.owed = false;
    else if (f.prev !== this.last) this.owed = true;
    this.last = f.seq;
    return this.due(nowMs);
  }

  /** A whole frame is wanted (a new stage): true when it should be asked for now. */
  want(nowMs: number): boolean {
    this.owed = true;
    return this.due(nowMs);
  }

  /** A new connection: frames start again. */
  reset(): void {
    this.last = 0;
  }

  private due(nowMs: number): boolean {
    if (!this.owed || nowMs - this.askedAt < this.everyMs) return false;
    this.askedAt = nowMs;
    return true;
  }
}
