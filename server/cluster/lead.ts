/**
 * The play lead across nodes (issue 17): a `wall.play` without `at`, sent to any node, starts late
 * enough for every screen of the wall to switch on the same frame, wherever it is connected. The
 * writer's own screens get the new view as soon as the writer has it; a follower's screens get it
 * once the writer's append has gone through Redis (its fsync) and the follower has applied it: that
 * follower's lag, which it measures at each apply and reports in its heartbeat (`LagWindow`). So a
 * screen on another node needs its own preload time (as on one node: server/screens/preload-times.ts)
 * plus its node's lag. Pure: no Redis, no timers.
 */

/** What a follower reports when it has applied nothing yet: about one fsync on a slow disk, and a busy event loop. */
export const UNKNOWN_LAG_MS = 100;

/** Where a screen's page is connected: null for this node (the writer), else the node's id. */
export type NodeOf = (screenId: string) => string | null;

/** Groups screens by node: this node's under null. */
function byNode(screens: readonly string[], nodeOf: NodeOf): Map<string | null, string[]> {
  const groups = new Map<string | null, string[]>();
  for (const id of screens) {
    const n = nodeOf(id);
    const g = groups.get(n);
    if (g) g.push(id);
    else groups.set(n, [id]);
  }
  return groups;
}

/**
 * The lead of a `wall.play` without `at` on the writer: for each node with screens of the wall, the
 * lead those screens need (`leadOf`, the one-node rule: long enough for the slowest to preload) plus
 * that node's lag (`lagOf`; 0 for the writer's own); the longest of them. Without any screen: the
 * one-node lead of none (the least lead).
 */
export function crossNodeLead(screens: readonly string[], nodeOf: NodeOf, lagOf: (node: string) => number, leadOf: (screenIds: string[]) => number): number {
  if (screens.length === 0) return leadOf([]);
  let lead = 0;
  for (const [node, ids] of byNode(screens, nodeOf)) lead = Math.max(lead, leadOf(ids) + (node === null ? 0 : Math.ceil(lagOf(node))));
  return lead;
}

/**
 * The screens that will switch late to a play starting `availableMs` from now (an explicit `at`):
 * the one-node rule (`lateOf`) for each node's screens, with that node's lag taken off the time
 * they have. Slowest first.
 */
export function crossNodeLate(
  screens: readonly string[],
  nodeOf: NodeOf,
  lagOf: (node: string) => number,
  availableMs: number,
  lateOf: (screenIds: string[], availableMs: number) => Array<{ screenId: string; byMs: number }>,
): Array<{ screenId: string; byMs: number }> {
  const late: Array<{ screenId: string; byMs: number }> = [];
  for (const [node, ids] of byNode(screens, nodeOf)) late.push(...lateOf(ids, availableMs - (node === null ? 0 : Math.ceil(lagOf(node)))));
  return late.sort((a, b) => b.byMs - a.byMs || a.screenId.localeCompare(b.screenId));
}

/**
 * A follower's lag behind the writer: the worst of its last `keep` applies within `windowMs`
 * (from the writer's append, on Redis's clock, to this node's copy). The worst, not a median: the
 * lead must cover the slow moments too. Null until the first apply.
 */
export class LagWindow {
  private readonly samples: Array<{ at: number; ms: number }> = [];

  constructor(
    private readonly keep = 32,
    private readonly windowMs = 10 * 60_000,
  ) {}

  record(ms: number, now: number): void {
    if (!Number.isFinite(ms)) return;
    this.samples.push({ at: now, ms: Math.max(0, ms) });
    if (this.samples.length > this.keep) this.samples.shift();
  }

  worst(now: number): number | null {
    while (this.samples.length > 0 && now - this.samples[0]!.at > this.windowMs) this.samples.shift();
    return this.samples.length ? Math.max(...this.samples.map((s) => s.ms)) : null;
  }
}

/**
 * Redis's clock against this machine's (`Date.now()`), from `TIME` answers: the stream's entry ids
 * are Redis's milliseconds, so a follower's lag is `Date.now() + offset − entry ms`. Keeps the
 * sample with the shortest round trip of the last `keep` (the least error: half the round trip).
 */
export class RedisClockOffset {
  private readonly samples: Array<{ offset: number; rtt: number }> = [];

  constructor(private readonly keep = 10) {}

  /** One `TIME` answer (`redisMs`), asked at `t0` and answered at `t1` (Date.now()). */
  sample(redisMs: number, t0: number, t1: number): void {
    if (!Number.isFinite(redisMs) || t1 < t0) return;
    this.samples.push({ offset: redisMs - (t0 + t1) / 2, rtt: t1 - t0 });
    if (this.samples.length > this.keep) this.samples.shift();
  }

  /** Redis's clock − this machine's, ms (0 until sampled: the same machine, or NTP). */
  get offsetMs(): number {
    let best: { offset: number; rtt: number } | null = null;
    for (const s of this.samples) if (!best || s.rtt < best.rtt) best = s;
    return best?.offset ?? 0;
  }
}
