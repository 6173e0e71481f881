/**
 * Congestion control for phones: when the server falls behind (its event loop lags), it asks
 * every phone to send less often, in the answer to each input (`pace`, ms between two sends);
 * when it has caught up, it lets them speed up again. Multiplicative decrease of the send rate on
 * a lagging sample, additive increase on a calm one, as TCP does with its window, so that a crowd
 * backs off fast and comes back gently. The increase on a calm sample is the larger of two steps:
 * `easeMs` off the interval (large near the phones' own rate: a short spike is forgotten within
 * a second) and `easeHz` onto the rate (large near the cap: from 1 s back to the phones' own rate
 * in about 3 s, where the interval step alone took ~12 s, the rate barely moving per step:
 * docs/performance.md, issue 16, "The pacer's way back"). Without any pacing a phone only slows
 * down as its own round trips grow, which lets an overloaded machine's latency climb first.
 */
export interface PacerOptions {
  /** Event-loop lag (p99 over the last sample) above which phones are asked to slow down. */
  highLagMs: number;
  /** Below this, the pace is eased off again. */
  lowLagMs: number;
  /** The phones' own interval: a pace at or below it is no request at all. */
  minIntervalMs: number;
  maxIntervalMs: number;
  /** How much the interval is multiplied by (the send rate divided by) on a lagging sample. */
  factor: number;
  /** On a calm sample the interval shrinks by at least this many ms… */
  easeMs: number;
  /** …and the send rate grows by at least this many sends a second (per phone). */
  easeHz: number;
}

export const DEFAULT_PACER: PacerOptions = { highLagMs: 50, lowLagMs: 25, minIntervalMs: 50, maxIntervalMs: 1000, factor: 1.5, easeMs: 20, easeHz: 1 };

export class Pacer {
  /** The interval asked of phones (ms); 0 while nothing is asked. */
  private interval = 0;

  constructor(private readonly o: PacerOptions = DEFAULT_PACER) {}

  /** One sample of the event loop's lag (ms). */
  sample(lagMs: number): void {
    const o = this.o;
    if (lagMs > o.highLagMs) this.interval = Math.min(o.maxIntervalMs, Math.max(o.minIntervalMs, this.interval) * o.factor);
    else if (lagMs < o.lowLagMs && this.interval > 0) {
      this.interval = Math.min(this.interval - o.easeMs, 1000 / (1000 / this.interval + o.easeHz));
      if (this.interval <= o.minIntervalMs) this.interval = 0;
    }
  }

  /** The pace to ask of phones (ms between two sends), or 0 for none (they send at their own rate). */
  get paceMs(): number {
    return Math.round(this.interval);
  }
}
