import { describe, expect, it } from 'vitest';
import { FULL_FRAME_EVERY_MS, type VisitorEvent, type VisitorFrame, type VisitorState } from '../../protocol';
import { ScreenFrames } from '../../server/visitors/screen-frames';

const state = (id: string, inputAt = 100, x = 0): VisitorState => ({ id, hue: 0.5, joinedAt: 100, inputAt, input: { pad: { x, y: 0 } } });
/** The same visitor with new input: a new object, as the hub makes it. */
const moved = (s: VisitorState, x: number): VisitorState => ({ ...s, inputAt: s.inputAt + 1, input: { pad: { x, y: 0 } } });
const event = (visitorId: string, at: number): VisitorEvent => ({ visitorId, input: 'call', value: true, at });
const hub = (seq: number, visitors: VisitorState[], wallId = 'main', events: VisitorEvent[] = [], oldestSentAt: number | null = null): VisitorFrame => ({
  wallId,
  seq,
  at: 5_000 + seq,
  visitors,
  events,
  oldestSentAt,
});

describe('screen frames', () => {
  it("sends a wall's first frame full, with prev 0", () => {
    const frames = new ScreenFrames(1000);
    const visitors = [state('a'), state('b')];
    const w = frames.wire(hub(7, visitors), 0);
    expect(w.full).toBe(true);
    expect(w.prev).toBe(0);
    expect(w.visitors).toEqual(visitors);
    expect(w.seq).toBe(7);
  });

  it("sends only the replaced state when the visitors are the same, with prev the previous frame's seq", () => {
    const frames = new ScreenFrames(1000);
    const a = state('a');
    const b = state('b');
    const c = state('c');
    frames.wire(hub(4, [a, b, c]), 0);
    const b2 = moved(b, 0.5);
    const w = frames.wire(hub(9, [a, b2, c]), 16);
    expect(w.full).toBe(false);
    expect(w.prev).toBe(4);
    expect(w.seq).toBe(9);
    expect(w.visitors).toHaveLength(1);
    expect(w.visitors[0]).toBe(b2);
    // and the one after that counts from this one
    const w2 = frames.wire(hub(10, [a, b2, c]), 32);
    expect(w2.full).toBe(false);
    expect(w2.prev).toBe(9);
  });

  it('sends an empty delta when nothing changed (the visitors array may be a new one)', () => {
    const frames = new ScreenFrames(1000);
    const a = state('a');
    const b = state('b');
    frames.wire(hub(1, [a, b]), 0);
    const w = frames.wire(hub(2, [a, b]), 16);
    expect(w.full).toBe(false);
    expect(w.prev).toBe(1);
    expect(w.visitors).toEqual([]);
  });

  it("holds a delta's new states as they are, in the wall's order", () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c, d] = [state('a'), state('b'), state('c'), state('d')];
    frames.wire(hub(1, [a, b, c, d]), 0);
    const d2 = moved(d, 0.9);
    const a2 = moved(a, -0.3);
    const c2 = moved(c, 0.1);
    const w = frames.wire(hub(2, [a2, b, c2, d2]), 16);
    expect(w.full).toBe(false);
    expect(w.visitors).toHaveLength(3);
    expect(w.visitors[0]).toBe(a2);
    expect(w.visitors[1]).toBe(c2);
    expect(w.visitors[2]).toBe(d2);
  });

  it('sends a delta when someone joins at the end: the changed states in order, then the newcomer', () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c] = [state('a'), state('b'), state('c')];
    frames.wire(hub(1, [a, b]), 0);
    const a2 = moved(a, 0.4);
    const w = frames.wire(hub(2, [a2, b, c]), 16);
    expect(w.full).toBe(false);
    expect(w.prev).toBe(1);
    expect(w.visitors).toHaveLength(2);
    expect(w.visitors[0]).toBe(a2);
    expect(w.visitors[1]).toBe(c);
    expect('gone' in w).toBe(false);
    // the newcomer is part of the order the next delta is against
    const c2 = moved(c, 0.1);
    const w2 = frames.wire(hub(3, [a2, b, c2]), 32);
    expect(w2).toMatchObject({ full: false, prev: 2, visitors: [c2] });
    // a first visitor on an empty wall is a newcomer too
    const empty = new ScreenFrames(1000);
    empty.wire(hub(1, [], 'x'), 0);
    expect(empty.wire(hub(2, [a], 'x'), 16)).toMatchObject({ full: false, visitors: [a] });
  });

  it('sends a delta with gone when someone leaves, wherever they were in the order', () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c] = [state('a'), state('b'), state('c')];
    frames.wire(hub(1, [a, b, c]), 0);
    const c2 = moved(c, 0.3);
    const w = frames.wire(hub(2, [a, c2]), 16); // from the middle
    expect(w.full).toBe(false);
    expect(w.prev).toBe(1);
    expect(w.visitors).toEqual([c2]);
    expect(w.gone).toEqual(['b']);
    expect(frames.wire(hub(3, [c2]), 32)).toMatchObject({ full: false, visitors: [], gone: ['a'] }); // the first
    frames.wire(hub(4, [a, c2]), 48); // 'a' again, at the end: a newcomer
    expect(frames.wire(hub(5, [a]), 64)).toMatchObject({ full: false, visitors: [], gone: ['c'] }); // the last
    // and when everyone has left
    const w2 = frames.wire(hub(6, []), 80);
    expect(w2.full).toBe(false);
    expect(w2.visitors).toEqual([]);
    expect(w2.gone).toEqual(['a']);
  });

  it('sends one delta when one leaves and another joins in the same frame (same count)', () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c] = [state('a'), state('b'), state('c')];
    frames.wire(hub(1, [a, b]), 0);
    const w = frames.wire(hub(2, [a, c]), 16);
    expect(w.full).toBe(false);
    expect(w.visitors).toEqual([c]);
    expect(w.visitors[0]).toBe(c);
    expect(w.gone).toEqual(['b']);
  });

  it('sends several leaves and several joins at once as one delta, each in the order', () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c, d, e, f, g] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => state(id));
    frames.wire(hub(1, [a!, b!, c!, d!, e!]), 0);
    const b2 = moved(b!, 0.2);
    const d2 = moved(d!, -0.2);
    const w = frames.wire(hub(2, [b2, d2, g!, f!]), 16);
    expect(w.full).toBe(false);
    expect(w.visitors.map((v) => v.id)).toEqual(['b', 'd', 'g', 'f']);
    expect(w.visitors[0]).toBe(b2);
    expect(w.visitors[1]).toBe(d2);
    expect(w.visitors[2]).toBe(g);
    expect(w.visitors[3]).toBe(f);
    expect(w.gone).toEqual(['a', 'c', 'e']);
  });

  it('sends a full frame when a newcomer is not at the end of the order', () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c, d] = [state('a'), state('b'), state('c'), state('d')];
    frames.wire(hub(1, [a, b]), 0);
    const w = frames.wire(hub(2, [a, c, b]), 16); // in the middle
    expect(w.full).toBe(true);
    expect(w.visitors).toEqual([a, c, b]);
    expect(w.gone).toBeUndefined();
    expect(frames.wire(hub(3, [d, a, c, b]), 32).full).toBe(true); // at the start
    // in the place of one who left, before one still there
    const w2 = frames.wire(hub(4, [d, a, b]), 48); // 'c' left, nothing moved
    expect(w2).toMatchObject({ full: false, visitors: [], gone: ['c'] });
    const w3 = frames.wire(hub(5, [d, c, b]), 64); // 'a' left, 'c' came in its place before 'b'
    expect(w3.full).toBe(true);
    expect(w3.visitors).toEqual([d, c, b]);
  });

  it('sends a full frame when one who left and one still there swapped places', () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c] = [state('a'), state('b'), state('c')];
    frames.wire(hub(1, [a, b, c]), 0);
    // 'a' left and 'c' took its place: [c, b] (b and c are in a new order)
    const w = frames.wire(hub(2, [c, b]), 16);
    expect(w.full).toBe(true);
    expect(w.visitors).toEqual([c, b]);
    expect(w.gone).toBeUndefined();
    // the same, at the other end: 'c' left and 'a' took its place
    const again = new ScreenFrames(1000);
    again.wire(hub(1, [a, b, c]), 0);
    expect(again.wire(hub(2, [b, a]), 16).full).toBe(true);
  });

  it('leaves gone out of a delta when nobody left (the key is absent)', () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c] = [state('a'), state('b'), state('c')];
    frames.wire(hub(1, [a, b]), 0);
    const same = frames.wire(hub(2, [a, b]), 16);
    expect(same.full).toBe(false);
    expect('gone' in same).toBe(false);
    const changed = frames.wire(hub(3, [moved(a, 1), b]), 32);
    expect(changed.full).toBe(false);
    expect('gone' in changed).toBe(false);
    const joined = frames.wire(hub(4, [changed.visitors[0]!, b, c]), 48);
    expect(joined).toMatchObject({ full: false, visitors: [c] });
    expect('gone' in joined).toBe(false);
    // and a delta after one that had gone does not carry it on
    expect(frames.wire(hub(5, [b, c]), 64).gone).toEqual(['a']);
    const after = frames.wire(hub(6, [b, c]), 80);
    expect(after.full).toBe(false);
    expect('gone' in after).toBe(false);
  });

  it('sends a full frame when the same visitors change order', () => {
    const frames = new ScreenFrames(1000);
    const [a, b, c] = [state('a'), state('b'), state('c')];
    frames.wire(hub(1, [a, b, c]), 0);
    const w = frames.wire(hub(2, [a, c, b]), 16);
    expect(w.full).toBe(true);
    expect(w.visitors.map((v) => v.id)).toEqual(['a', 'c', 'b']);
    // the order sent whole is the one the next delta is against
    const b2 = moved(b, 0.2);
    const w2 = frames.wire(hub(3, [a, c, b2]), 32);
    expect(w2.full).toBe(false);
    expect(w2.visitors).toEqual([b2]);
  });

  it('sends a full frame at least every fullEveryMs, counted from the last full frame', () => {
    const frames = new ScreenFrames(1000);
    const [a, b] = [state('a'), state('b')];
    expect(frames.wire(hub(1, [a, b]), 10_000).full).toBe(true);
    expect(frames.wire(hub(2, [a, b]), 10_600).full).toBe(false); // a delta does not restart the count
    expect(frames.wire(hub(3, [a, b]), 10_999).full).toBe(false);
    const w = frames.wire(hub(4, [a, b]), 11_000);
    expect(w.full).toBe(true);
    expect(w.visitors).toEqual([a, b]);
    expect(frames.wire(hub(5, [a, b]), 11_500).full).toBe(false); // counted again from 11 000
    expect(frames.wire(hub(6, [a, b]), 12_000).full).toBe(true);
  });

  it('defaults to FULL_FRAME_EVERY_MS', () => {
    const frames = new ScreenFrames();
    const a = state('a');
    frames.wire(hub(1, [a]), 0);
    expect(frames.wire(hub(2, [a]), FULL_FRAME_EVERY_MS - 1).full).toBe(false);
    expect(frames.wire(hub(3, [a]), FULL_FRAME_EVERY_MS).full).toBe(true);
  });

  it('sends a full frame after reset(wallId)', () => {
    const frames = new ScreenFrames(1000);
    const [a, b] = [state('a'), state('b')];
    frames.wire(hub(1, [a, b]), 0);
    expect(frames.wire(hub(2, [a, b]), 16).full).toBe(false);
    frames.reset('main');
    const w = frames.wire(hub(3, [a, b]), 32);
    expect(w.full).toBe(true);
    expect(w.visitors).toEqual([a, b]);
    expect(frames.wire(hub(4, [a, b]), 48).full).toBe(false);
  });

  it('keeps each wall apart', () => {
    const frames = new ScreenFrames(1000);
    const [a, b] = [state('a'), state('b')];
    const [x, y] = [state('x'), state('y')];
    expect(frames.wire(hub(1, [a, b], 'one'), 0).full).toBe(true);
    // another wall's first frame is full, even with the same states, and starts at prev 0
    const first = frames.wire(hub(50, [a, b], 'two'), 8);
    expect(first.full).toBe(true);
    expect(first.prev).toBe(0);
    // each wall's delta is against its own previous frame
    const one = frames.wire(hub(2, [moved(a, 1), b], 'one'), 16);
    expect(one).toMatchObject({ full: false, prev: 1 });
    const two = frames.wire(hub(51, [a, b], 'two'), 24);
    expect(two).toMatchObject({ full: false, prev: 50, visitors: [] });
    // a wall's visitors are its own: everyone leaving 'one' and others joining it is a delta against 'one' only
    const swapped = frames.wire(hub(3, [x, y], 'one'), 32);
    expect(swapped).toMatchObject({ full: false, prev: 2, visitors: [x, y], gone: ['a', 'b'] });
    const two2 = frames.wire(hub(52, [a, b], 'two'), 40);
    expect(two2).toMatchObject({ full: false, prev: 51, visitors: [] });
    expect('gone' in two2).toBe(false);
    // and a new order on 'one' does not make 'two' full
    expect(frames.wire(hub(4, [y, x], 'one'), 44).full).toBe(true);
    expect(frames.wire(hub(53, [a, b], 'two'), 46).full).toBe(false);
    // resetting one wall leaves the other alone
    frames.reset('one');
    expect(frames.wire(hub(54, [a, b], 'two'), 48)).toMatchObject({ full: false, prev: 53 });
    expect(frames.wire(hub(5, [y, x], 'one'), 56).full).toBe(true);
    // the full-frame clock is per wall: 'two' went full at 8, 'one' at 56
    expect(frames.wire(hub(55, [a, b], 'two'), 1_008).full).toBe(true);
    expect(frames.wire(hub(6, [y, x], 'one'), 1_010).full).toBe(false);
  });

  it('passes wallId, seq, at, events and oldestSentAt through unchanged, full or delta', () => {
    const frames = new ScreenFrames(1000);
    const a = state('a');
    const events1 = [event('a', 4_990), event('a', 4_995)];
    const f1 = hub(1, [a], 'main', events1, 4_980);
    const w1 = frames.wire(f1, 0);
    expect(w1.full).toBe(true);
    expect(w1.events).toBe(events1);
    expect(w1).toMatchObject({ wallId: 'main', seq: 1, at: f1.at, oldestSentAt: 4_980 });
    const events2 = [event('a', 5_001)];
    const f2 = hub(2, [moved(a, 0.4)], 'main', events2, 4_999.5);
    const w2 = frames.wire(f2, 16);
    expect(w2.full).toBe(false);
    expect(w2.events).toBe(events2);
    expect(w2).toMatchObject({ wallId: 'main', seq: 2, at: f2.at, oldestSentAt: 4_999.5 });
    const w3 = frames.wire(hub(3, f2.visitors, 'main', [], null), 32);
    expect(w3.events).toEqual([]);
    expect(w3.oldestSentAt).toBeNull();
  });

  it("leaves the hub's frame and its visitors array as they were", () => {
    const frames = new ScreenFrames(1000);
    const [a, b] = [state('a'), state('b')];
    frames.wire(hub(1, [a, b]), 0);
    const visitors = [a, moved(b, 1)];
    const f = hub(2, visitors);
    const copy = { ...f, visitors: [...visitors] };
    frames.wire(f, 16);
    expect(f).toEqual(copy);
    expect(f.visitors).toBe(visitors);
    expect('full' in f).toBe(false);
  });
});
