/**
 * Congestion control for phones: when the server falls behind (its event loop lags), it asks
 * every phone to send less often, in the answer to each input (`pace`, ms between two sends);
 * when it has caught up, it lets them speed up again. Multiplicative increase, additive
 * decrease (as TCP does), so that a crowd backs off fast and comes back gently. Without it a
 * phone only slows down as its own round trips grow, which lets an overloaded machine's
 * latency climb first.
 */
export interface PacerOptions {
  /** Event-loop lag (p99 over the last sample) above which phones are asked to slow down. */
  highLagMs: number;
  /** Below this, the pace is eased off again. */
  lowLagMs: number;
  /** The phones' own interval: a pace at or below it is no request at all. */
  minIntervalMs: number;
  maxIntervalMs: number;
  /** How much the pace grows on a lagging sample, and how much it eases on a calm one. */
  factor: number;
  easeMs: number;
}

export const DEFAULT_PACER: PacerOptions = { highLagMs: 50, lowLagMs: 25, minIntervalMs: 50, maxIntervalMs: 1000, factor: 1.5, easeMs: 20 };

export class Pacer {
  private interval = 0;

  constructor(private readonly o: PacerOptions = DEFAULT_PACER) {}

  /** One sample of the event loop's lag (ms). */
  sample(lagMs: number): void {
    const o = this.o;
    if (lagMs > o.highLagMs) this.interval = Math.min(o.maxIntervalMs, Math.max(o.minIntervalMs, this.interval) * o.factor);
    else if (lagMs < o.lowLagMs && this.interval > 0) {
      this.interval -= o.easeMs;
      if (this.interval <= o.minIntervalMs) this.interval = 0;
    }
  }

  /** The pace to ask of phones (ms between two sends), or 0 for none (they send at their own rate). */
  get paceMs(): number {
    return Math.round(this.interval);
  }
}
