import type { ParamValues } from '../../protocol';

/**
 * The params of the run on screen, each change applied on the first frame at or after its show
 * time (so every screen of the wall changes on the same frame).
 */
export class ScheduledParams {
  private current: ParamValues = {};
  private pending: { params: ParamValues; at: number } | null = null;

  get values(): ParamValues {
    return this.current;
  }

  /** Params of a run that just took the stage: at once, and forgets any change meant for the old run. */
  reset(params: ParamValues): void {
    this.current = params;
    this.pending = null;
  }

  /**
   * New params from the show, taking effect at `at`. Applied now (returns true) if the last frame
   * drawn (`showTime`) is already there; otherwise kept until a frame reaches `at`.
   */
  schedule(params: ParamValues, at: number, showTime: number): boolean {
    if (at <= showTime) {
      this.pending = null;
      const changed = params !== this.current;
      this.current = params;
      return changed;
    }
    this.pending = { params, at };
    return false;
  }

  /** Called each frame: applies a change that is due. Returns true when the params changed. */
  frame(showTime: number): boolean {
    const p = this.pending;
    if (!p || showTime < p.at) return false;
    this.pending = null;
    this.current = p.params;
    return true;
  }
}
