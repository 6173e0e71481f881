/**
 * A token bucket: `burst` tokens at most, refilled at `ratePerSecond`. Each input takes one.
 * Time is passed in (milliseconds), so tests drive it without timers.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;
  private readonly perMs: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    now: number,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error('rate limit: ratePerSecond must be > 0 and burst >= 1');
    this.tokens = burst;
    this.at = now;
    this.perMs = ratePerSecond / 1000;
  }

  /** Takes one token if there is one; false means the caller is over its rate. */
  take(now: number): boolean {
    const elapsed = now - this.at;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perMs);
      this.at = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Tokens available now (for diagnostics and tests). */
  available(now: number): number {
    const elapsed = Math.max(0, now - this.at);
    return Math.min(this.burst, this.tokens + elapsed * this.perMs);
  }
}
