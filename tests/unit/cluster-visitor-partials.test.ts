import { describe, expect, it } from 'vitest';
import type { VisitorFrame, VisitorState } from '../../protocol';
import { applyPartial, mergeStates, newOutgoing, parsePartial, partialOf, type Remote } from '../../server/cluster/visitor-partials';

/** server/cluster/visitor-partials.ts: what a node publishes of its visitors on a wall, and how another node merges it. */
const state = (id: string, x: number, inputAt = 1): VisitorState => ({ id, hue: 0, joinedAt: 0, inputAt, input: { pad: { x, y: 0 } } });
const frame = (visitors: VisitorState[], events: VisitorFrame['events'] = []): VisitorFrame => ({ wallId: 'main', seq: 1, at: 0, visitors, events, oldestSentAt: null });
const roundTrip = <T>(p: T) => parsePartial(JSON.stringify(p));

describe('visitor partials (several nodes)', () => {
  it('publishes a full list first, then only what changed and who left, and nothing when nothing did', () => {
    const out = newOutgoing();
    const a = state('a', 0);
    const b = state('b', 0);
    expect(partialOf(out, frame([a, b]), 0)).toMatchObject({ n: 1, f: 1, s: [a, b] });
    expect(partialOf(out, frame([a, b]), 10)).toBeNull();
    const a2 = state('a', 0.5);
    expect(partialOf(out, frame([a2, b]), 20)).toEqual({ w: 'main', n: 2, f: 0, s: [a2] });
    expect(partialOf(out, frame([a2]), 30)).toEqual({ w: 'main', n: 3, f: 0, s: [], g: ['b'] });
    // A full list again once FULL_EVERY_MS passed (every heartbeat frame of the hub).
    expect(partialOf(out, frame([a2]), 2000)).toMatchObject({ n: 4, f: 1, s: [a2] });
  });

  it('a receiver applies deltas in order; after a missed message it keeps the old states until the next full list', () => {
    const out = newOutgoing();
    const a = state('a', 0);
    const msgs = [partialOf(out, frame([a]), 0)!, partialOf(out, frame([state('a', 0.25)]), 1)!, partialOf(out, frame([state('a', 0.5)]), 2)!, partialOf(out, frame([state('a', 0.75)]), 3000)!];
    let r: Remote | undefined = applyPartial(undefined, roundTrip(msgs[0])!, 0).remote;
    // msgs[1] is lost.
    const gap = applyPartial(r, roundTrip(msgs[2])!, 2);
    expect(gap).toMatchObject({ gap: true, changed: false });
    r = gap.remote;
    expect(r.states.get('a')!.input).toEqual({ pad: { x: 0, y: 0 } });
    r = applyPartial(r, roundTrip(msgs[3])!, 3000).remote;
    expect(r.synced).toBe(true);
    expect(r.states.get('a')!.input).toEqual({ pad: { x: 0.75, y: 0 } });
  });

  it('merges every node in one order (by node id) whichever node merges, each visitor once with its latest input', () => {
    const remote = (states: VisitorState[]): Remote => ({ n: 1, states: new Map(states.map((s) => [s.id, s])), synced: true, seenAt: 0 });
    const onN1 = mergeStates('n1', [state('a', 0)], new Map([['n2', remote([state('b', 0), state('a', 0.5, 9)])]]));
    const onN2 = mergeStates('n2', [state('b', 0), state('a', 0.5, 9)], new Map([['n1', remote([state('a', 0)])]]));
    expect(onN1.map((s) => [s.id, s.inputAt])).toEqual([['a', 9], ['b', 1]]);
    expect(onN2).toEqual(onN1);
    // Alone, a node's own list goes out as it is.
    const local = [state('a', 0)];
    expect(mergeStates('n1', local, new Map())).toBe(local);
  });

  it('refuses what is not a message of ours', () => {
    for (const junk of ['', 'null', '[]', '{"w":1,"n":1,"f":1,"s":[]}', '{"w":"main","n":1.5,"f":0,"s":[]}', '{"w":"main","n":1,"f":0,"s":[{}]}', '{"w":"main","n":1,"f":0,"s":[],"g":[1]}'])
      expect(parsePartial(junk)).toBeNull();
  });
});
