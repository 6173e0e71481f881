/**
 * Time a page has had to itself. A page's timer that should come every second and comes three
 * seconds late says that the page got a third of the time the clock shows: its process was starved
 * (several software-GL screens on one machine, a stage process shared by a browser's tabs) or
 * frozen (its machine asleep). A limit meant to catch work that never ends ("still loading after
 * 30 s") is then counted in the page's own time, so that a slow machine's slow load is not taken
 * for a broken one, while a load that is truly stuck is still caught, only later on a starved page.
 */

/** How often the own-time clock looks (ms). */
export const OWN_TICK_MS = 1000;

/** Counts own time from ticks: each tick adds the time since the previous one, at most `tickMs`. */
export class OwnTime {
  private prevAt: number;
  /** Own time so far (ms). */
  own = 0;

  constructor(
    startAt: number,
    private readonly tickMs = OWN_TICK_MS,
  ) {
    this.prevAt = startAt;
  }

  /** A tick at `now` (monotonic ms); returns the own time so far. */
  tick(now: number): number {
    this.own += Math.max(0, Math.min(now - this.prevAt, this.tickMs));
    this.prevAt = now;
    return this.own;
  }
}

export interface OwnTimers {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const pageTimers: OwnTimers = {
  now: () => performance.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

/**
 * Calls `fn(wallMs)` once the page has had `ms` of its own time (OwnTime), with the wall-clock
 * time that took. Returns a cancel function.
 */
export function ownTimeout(fn: (wallMs: number) => void, ms: number, timers: OwnTimers = pageTimers, tickMs = OWN_TICK_MS): () => void {
  const start = timers.now();
  const clock = new OwnTime(start, tickMs);
  let handle: unknown = timers.setInterval(() => {
    const now = timers.now();
    if (clock.tick(now) < ms) return;
    timers.clearInterval(handle);
    handle = null;
    fn(now - start);
  }, tickMs);
  return () => {
    if (handle !== null) timers.clearInterval(handle);
    handle = null;
  };
}
