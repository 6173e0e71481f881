import { describe, expect, it } from 'vitest';
import type { Show } from '../../protocol';
import { shareOf, sharedCaps, type WallLoad } from '../../server/cluster/visitor-caps';
import { demoShow } from '../../server/show/demo';
import type { ShowListener, ShowStore } from '../../server/show/store';

/** Issue 17: a wall's visitor cap shared out between the nodes (server/cluster/visitor-caps.ts). */
const nodes = (...loads: WallLoad[]) => loads.map((load, i) => ({ id: `node-${i}`, load }));
const shares = (cap: number, list: ReturnType<typeof nodes>) => list.map((n) => shareOf(cap, list, n.id));

describe('a wall\'s visitor cap shared between nodes', () => {
  it('the shares add up to the cap, and nobody loses a place, whatever the loads', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let round = 0; round < 300; round++) {
      const cap = rand(30);
      const list = nodes(...Array.from({ length: 1 + rand(5) }, (): WallLoad => [rand(12), rand(6)]));
      const s = shares(cap, list);
      const held = list.reduce((sum, n) => sum + n.load[0], 0);
      expect(s.reduce((a, b) => a + b, 0)).toBe(Math.max(cap, held));
      list.forEach((n, i) => expect(s[i]).toBeGreaterThanOrEqual(n.load[0]));
    }
  });

  it('free places go to the queues first, then evenly (the first ids get the remainder)', () => {
    expect(shares(10, nodes([2, 0], [2, 3], [0, 0]))).toEqual([2 + 1, 2 + 3 + 1, 0 + 1]);
    expect(shares(4, nodes([2, 0], [0, 5]))).toEqual([2, 2]);
    expect(shares(2, nodes([0, 0], [0, 0], [0, 0]))).toEqual([1, 1, 0]);
    // Over the cap (it was lowered): each keeps what it holds, nobody is admitted.
    expect(shares(3, nodes([3, 1], [2, 4]))).toEqual([3, 2]);
    // Before this node's own heartbeat is in the list: the cap as it is.
    expect(shareOf(5, nodes([4, 0]), 'not-listed')).toBe(5);
  });

  it('the visitor hub sees its share as the wall\'s cap, the walls object kept while nothing changes, and hears each change', () => {
    let show = { ...demoShow(0, (ids) => ids[0] ?? null), version: 1 } as Show;
    const inner: ShowListener[] = [];
    const store = { get: () => show, subscribe: (l: ShowListener) => (inner.push(l), () => {}) } as unknown as ShowStore;
    const caps = sharedCaps(store);
    const heard: Show[] = [];
    caps.view.subscribe((s) => heard.push(s));
    const wallId = Object.keys(show.walls)[0]!;
    expect(caps.view.get()).toBe(show);

    caps.setShares(new Map([[wallId, 3]]));
    expect(heard).toHaveLength(1);
    expect(caps.view.get().walls[wallId]!.visitorCap).toBe(3);
    expect(caps.view.get().walls).toBe(caps.view.get().walls);
    caps.setShares(new Map([[wallId, 3]]));
    expect(heard).toHaveLength(1); // the same shares: nothing to hear
    expect(store.get().walls[wallId]!.visitorCap).toBe(200); // the show itself is untouched

    show = { ...show, version: 2 };
    for (const l of inner) l(show, [{ kind: 'kick', visitorId: 'v' } as never], null);
    expect(heard).toHaveLength(2);
    expect(heard[1]!.walls[wallId]!.visitorCap).toBe(3);
  });
});
