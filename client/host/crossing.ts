import { advanceShowTime, type Timing } from './timeline';
import { mixAt, transitionProgress, type TransitionInfo, type TransitionSpec } from './transition';
import type { Run } from './host-types';
import type { Program } from './program';

type TimedRun = Run & { timing: Timing };

/** How the runs mix on a frame (the compositor and the sound read it). */
export type Mix = { type: TransitionSpec['type']; progress: number; outgoing: Run | null; incoming: Run | null } & ReturnType<typeof mixAt>;

/**
 * A switch's transition on one host (client/host/host.ts): the run leaving, how the new one comes
 * in, and the progress on each frame from show time (the incoming run's own time: every screen
 * agrees, and a pause holds the mix). Pure bookkeeping: the host keeps what leaves.
 */
export class Crossing {
  private outgoing: { run: TimedRun; heldMs: number } | null = null;
  private spec: TransitionSpec | null = null;
  private now: TransitionInfo | null = null;

  /** A switch from `prev` to `run`, with `spec` (none: a cut). Returns the runs that leave the screen now. */
  begin(prev: TimedRun | null, run: TimedRun | null, spec: TransitionSpec | undefined): TimedRun[] {
    const leaving: TimedRun[] = [];
    if (this.outgoing) leaving.push(this.outgoing.run);
    this.outgoing = null;
    this.now = null;
    // A transition from nothing fades the run in from black; to nothing (a stop) is a cut.
    this.spec = spec && run ? spec : null;
    if (prev && prev !== run) {
      if (this.spec) this.outgoing = { run: prev, heldMs: prev.timing.heldMs };
      else leaving.push(prev);
    }
    return leaving;
  }

  /**
   * The transition's progress on the frame at `showTime`; the outgoing run's time follows the
   * program's pause. `ended`: the run that left when the transition ended; `changed`: the
   * transition started or stopped being reported.
   */
  advance(run: TimedRun | null, program: Program | null, showTime: number): { ended: TimedRun | null; changed: boolean } {
    const spec = this.spec;
    if (!run || !spec) {
      const changed = this.now !== null;
      this.now = null;
      return { ended: null, changed };
    }
    const progress = transitionProgress(spec, run.timing, showTime);
    const o = this.outgoing;
    if (o) {
      o.run.timing = { startedAt: o.run.startedAt, pausedAt: program?.pausedAt ?? null, heldMs: o.heldMs + (program?.heldMs ?? 0) };
      advanceShowTime(o.run.shared.time, o.run.timing, showTime);
    }
    if (progress >= 1) {
      this.outgoing = null;
      this.now = null;
      this.spec = null;
      return { ended: o?.run ?? null, changed: true };
    }
    this.now = { from: o?.run.installationId ?? null, to: run.installationId, type: spec.type, progress };
    return { ended: null, changed: false };
  }

  /** The transition on screen now (running, or held by a pause), or null. */
  info(): TransitionInfo | null {
    return this.now ? { ...this.now } : null;
  }

  /** The run leaving during the transition, or null. */
  leaving(): TimedRun | null {
    return this.outgoing?.run ?? null;
  }

  /** How the runs mix on this frame, with `incoming` on screen; null when one run plays alone. */
  mix(incoming: Run | null): Mix | null {
    const t = this.now;
    if (!t) return null;
    return { ...mixAt(t.type, t.progress), type: t.type, progress: t.progress, outgoing: this.outgoing?.run ?? null, incoming };
  }
}
