import type { ShowTime } from 'pavilion/sdk';

/** When a run of a piece started, and the wall's pause state during it. */
export interface Timing {
  /** Show time of the run's first frame. */
  startedAt: number;
  /** Show time at which the wall froze, or null while it runs. */
  pausedAt: number | null;
  /** Milliseconds the run spent paused before the current pause (or before now). */
  heldMs: number;
}

/** A fresh live ShowTime, before the first frame of a run. */
export function createShowTime(startedAt: number): ShowTime {
  return { now: startedAt, seconds: 0, delta: 0, paused: false };
}

/**
 * The piece's time at a frame of show time `showTime`: frozen at `pausedAt` once the frame reaches
 * it, and counted from `startedAt` without the held (paused) time. Pure.
 */
export function pieceTimeAt(t: Timing, showTime: number): { now: number; seconds: number; paused: boolean } {
  const paused = t.pausedAt !== null && showTime >= t.pausedAt;
  const now = paused ? (t.pausedAt as number) : showTime;
  return { now, seconds: Math.max(0, (now - t.startedAt - t.heldMs) / 1000), paused };
}

/** Advances a live ShowTime (the object pieces read) to the frame at `showTime`. */
export function advanceShowTime(time: ShowTime, t: Timing, showTime: number): void {
  const next = pieceTimeAt(t, showTime);
  time.delta = Math.max(0, next.seconds - time.seconds);
  time.seconds = next.seconds;
  time.now = next.now;
  time.paused = next.paused;
}

/** The timing paused at `at` (unchanged if it is paused already). */
export function pausedAt(t: Timing, at: number): Timing {
  return t.pausedAt === null ? { ...t, pausedAt: at } : t;
}

/** The timing resumed at `at`: the pause counts as held time (unchanged if it runs). */
export function resumedAt(t: Timing, at: number): Timing {
  return t.pausedAt === null ? t : { ...t, pausedAt: null, heldMs: t.heldMs + Math.max(0, at - t.pausedAt) };
}
