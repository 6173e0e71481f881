import { describe, expect, it } from 'vitest';
import { crossNodeLate, crossNodeLead, LagWindow, RedisClockOffset } from '../../server/cluster/lead';
import { PreloadTimes, DEFAULT_LEAD } from '../../server/screens/preload-times';

/**
 * Issue 17: the writer's lead for a `wall.play` without `at` covers, for each node with screens of
 * the wall, the slowest of those screens' preload (the one-node rule) plus that node's lag behind
 * the writer (the time the view takes to reach it), so that screens on every node switch on the
 * same frame.
 */
describe('the play lead across nodes (server/cluster/lead.ts)', () => {
  // main-1 on the writer, main-2 on node B, main-3 on node C.
  const nodes: Record<string, string | null> = { 'main-1': null, 'main-2': 'B', 'main-3': 'C' };
  const nodeOf = (id: string) => nodes[id] ?? null;

  function preloads(ms: Record<string, number>): PreloadTimes {
    const p = new PreloadTimes(DEFAULT_LEAD);
    for (const [id, t] of Object.entries(ms)) p.record(id, 'echo', '1.0.0', t, false);
    return p;
  }

  it("adds each node's lag to the lead its own screens need, and takes the longest", () => {
    const p = preloads({ 'main-1': 1000, 'main-2': 1000, 'main-3': 400 });
    const leadOf = (ids: string[]) => p.leadMs(ids, 'echo', '1.0.0');
    const lag: Record<string, number> = { B: 300, C: 40 };
    // One node: 2 × 1000 + 200. Node B's screen loads as slowly and its view comes 300 ms later.
    expect(leadOf(['main-1', 'main-2', 'main-3'])).toBe(2200);
    expect(crossNodeLead(['main-1', 'main-2', 'main-3'], nodeOf, (n) => lag[n]!, leadOf)).toBe(2500);
    // The slowest screen on the writer, a quick one far away: the writer's own need wins.
    const q = preloads({ 'main-1': 3000, 'main-2': 200 });
    expect(crossNodeLead(['main-1', 'main-2'], nodeOf, (n) => lag[n]!, (ids) => q.leadMs(ids, 'echo', '1.0.0'))).toBe(6200);
  });

  it('counts a lag even when every screen of the wall is on other nodes, and the least lead without screens', () => {
    const p = preloads({ 'main-2': 100, 'main-3': 100 });
    const leadOf = (ids: string[]) => p.leadMs(ids, 'echo', '1.0.0');
    // The least lead (600 ms) for quick screens, plus the slower node's lag.
    expect(crossNodeLead(['main-2', 'main-3'], nodeOf, (n) => (n === 'B' ? 120.2 : 30), leadOf)).toBe(721);
    expect(crossNodeLead([], nodeOf, () => 500, leadOf)).toBe(DEFAULT_LEAD.minMs);
  });

  it("takes each node's lag off the time its screens have before an explicit `at`", () => {
    const p = preloads({ 'main-1': 500, 'main-2': 500 });
    const lateOf = (ids: string[], ms: number) => p.lateScreens(ids, 'echo', '1.0.0', ms);
    // 600 ms is time enough on the writer (500 + the 50 ms trip); node B's view comes 200 ms later.
    expect(crossNodeLate(['main-1', 'main-2'], nodeOf, () => 200, 600, lateOf)).toEqual([{ screenId: 'main-2', byMs: 150 }]);
  });

  it("keeps a follower's worst recent lag, forgets it after its window, and skips what is no number", () => {
    const w = new LagWindow(3, 1000);
    expect(w.worst(0)).toBeNull();
    w.record(5, 0);
    w.record(80, 10);
    w.record(Number.NaN, 20);
    w.record(7, 30);
    expect(w.worst(40)).toBe(80);
    w.record(6, 40);
    w.record(4, 45); // only the last 3 are kept: 80 goes
    expect(w.worst(50)).toBe(7);
    expect(w.worst(1035)).toBe(6);
    expect(w.worst(2000)).toBeNull();
  });

  it("estimates Redis's clock from the TIME answer with the shortest round trip", () => {
    const c = new RedisClockOffset();
    expect(c.offsetMs).toBe(0);
    c.sample(10_050, 10_000, 10_040); // 30 ms off, ± 20
    c.sample(10_103, 10_100, 10_102); // 2 ms off, ± 1
    c.sample(10_250, 10_200, 10_260); // round trip 60
    expect(c.offsetMs).toBe(2);
  });
});
