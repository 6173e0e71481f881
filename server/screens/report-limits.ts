import type { TimeSource } from '../clock/time';

/**
 * Rate limits on what a paired screen reports about itself (docs/display.md): a page reports its
 * health once a second, a preload and a ready run (`display:ready`) per piece switch, an error
 * now and then, and a resync (`display:resync`) when it missed an input frame. A broken or
 * hostile page that sends more has the excess dropped (token buckets per
 * screen and kind), so it cannot flood the panel, the log, the play lead or the wall's gate.
 */
export type ReportKind = 'health' | 'error' | 'preload' | 'ready' | 'thumbnail' | 'resync';

interface Rule {
  /** Reports allowed at once. */
  burst: number;
  /** Reports per second refilled. */
  perSecond: number;
}

export const REPORT_RULES: Record<ReportKind, Rule> = {
  health: { burst: 5, perSecond: 2 },
  error: { burst: 20, perSecond: 0.5 },
  preload: { burst: 10, perSecond: 1 },
  ready: { burst: 10, perSecond: 2 },
  thumbnail: { burst: 2, perSecond: 0.5 },
  // a screen that missed an input frame asks for a full one (at most one a second from the page)
  resync: { burst: 2, perSecond: 1 },
};

interface Bucket {
  tokens: number;
  at: number;
}

export class ReportLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly droppedCount = new Map<string, number>();

  constructor(
    private readonly time: TimeSource,
    private readonly rules: Record<ReportKind, Rule> = REPORT_RULES,
  ) {}

  /** Whether this report of `screenId` may pass; counts it. */
  take(screenId: string, kind: ReportKind): boolean {
    const rule = this.rules[kind];
    const key = `${kind}\u0000${screenId}`;
    const now = this.time();
    const b = this.buckets.get(key) ?? { tokens: rule.burst, at: now };
    b.tokens = Math.min(rule.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * rule.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    this.droppedCount.set(screenId, (this.droppedCount.get(screenId) ?? 0) + 1);
    return false;
  }

  /** Reports dropped from this screen since the server started. */
  dropped(screenId: string): number {
    return this.droppedCount.get(screenId) ?? 0;
  }

  /** The screen left the show: forget its buckets. */
  forget(screenId: string): void {
    for (const key of this.buckets.keys()) if (key.endsWith(`\u0000${screenId}`)) this.buckets.delete(key);
    this.droppedCount.delete(screenId);
  }
}
