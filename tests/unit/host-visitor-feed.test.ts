import { describe, expect, it } from 'vitest';
import { VisitorFeed } from '../../client/host/visitor-feed';
import type { VisitorEvent, VisitorFrame, VisitorState, VisitorWireFrame } from '../../protocol';
import { ScreenFrames } from '../../server/visitors/screen-frames';
import { playing, testHost } from './host-fixtures';
import { programOf } from '../../client/host';

const visitor = (id: string, inputAt: number, x: number): VisitorState => ({ id, hue: 0.3, joinedAt: 100, inputAt, input: { pad: { x, y: 0 } }, sentAt: inputAt - 20 });
const event = (visitorId: string, at: number): VisitorEvent => ({ visitorId, input: 'call', value: true, at });
/** A full frame: every visitor of the wall. */
const frame = (seq: number, visitors: VisitorState[], events: VisitorEvent[] = [], prev = 0): VisitorWireFrame => ({
  wallId: 'main',
  seq,
  at: 1000 + seq,
  visitors,
  events,
  oldestSentAt: null,
  full: true,
  prev,
});
/** A delta: only the states that changed since frame `prev` (newcomers last), and the ids that left. */
const delta = (seq: number, prev: number, visitors: VisitorState[], events: VisitorEvent[] = [], gone?: string[]): VisitorWireFrame => ({
  ...frame(seq, visitors, events, prev),
  full: false,
  ...(gone ? { gone } : {}),
});
const ids = (vs: readonly VisitorState[]) => vs.map((v) => v.id);

describe('host visitor feed', () => {
  it('hands pieces the latest visitors, with every event since the last rendered frame, none repeated', () => {
    const feed = new VisitorFeed();
    feed.receive(frame(1, [visitor('a', 10, 0.1)], [event('a', 10)]));
    feed.receive(frame(2, [visitor('a', 20, 0.2)], [event('a', 20)], 1));
    feed.advance();
    expect(feed.view.seq).toBe(2);
    expect(feed.view.visitors.map((v) => v.input.pad)).toEqual([{ x: 0.2, y: 0 }]);
    expect(feed.view.events.map((e) => e.at)).toEqual([10, 20]);
    feed.advance(); // a frame with no new input: the events are not handed out twice
    expect(feed.view.events).toEqual([]);
    expect(feed.view.visitors).toHaveLength(1);
  });

  it('passes each visitor through unchanged: inputAt (the server merge time) reaches the piece as sent', () => {
    const feed = new VisitorFeed();
    const sent = [visitor('a', 123_456.789, 0.5), visitor('b', 123_460.5, -0.5)];
    feed.receive(frame(1, sent));
    feed.advance();
    expect(feed.view.visitors).toEqual(sent);
    expect(feed.view.visitors.map((v) => v.inputAt)).toEqual([123_456.789, 123_460.5]);
    expect(feed.inputs()).toEqual([
      { id: 'a', input: { pad: { x: 0.5, y: 0 } } },
      { id: 'b', input: { pad: { x: -0.5, y: 0 } } },
    ]);
  });

  it('drops stale and duplicate frames, but takes a restarted server (seq 1) and a reset sequence', () => {
    const feed = new VisitorFeed();
    feed.receive(frame(5, [visitor('a', 1, 0)]));
    feed.receive(frame(4, [visitor('stale', 1, 0)], [], 3));
    feed.receive(frame(5, [visitor('dup', 1, 0)], [], 4));
    feed.advance();
    expect(feed.view.visitors.map((v) => v.id)).toEqual(['a']);
    feed.receive(frame(1, [visitor('restarted', 1, 0)]));
    feed.advance();
    expect(feed.view.visitors.map((v) => v.id)).toEqual(['restarted']);
    feed.receive(frame(9, [], [], 8));
    feed.resetSequence();
    feed.receive(frame(2, [visitor('after-reconnect', 1, 0)], [], 1));
    feed.advance();
    expect(feed.view.visitors.map((v) => v.id)).toEqual(['after-reconnect']);
    expect(feed.count()).toBe(1);
  });

  it("is what the host's runtime hands pieces, advanced each frame before they run", async () => {
    const { host, pieces, frameAt } = testHost();
    host.setProgram(programOf(playing('canopy', 5_000)));
    await pieces.arrive('canopy');
    frameAt(5_000);
    const visitors = host.snapshot().run!.shared.visitors;
    host.visitors.receive(frame(1, [visitor('a', 4_990, 0.7)], [event('a', 4_995)]));
    expect(visitors.visitors).toEqual([]);
    frameAt(5_016);
    expect(visitors.visitors[0]).toMatchObject({ id: 'a', inputAt: 4_990 });
    expect(visitors.events).toHaveLength(1);
  });

  it('applies a delta: only the changed visitors are replaced, the order is kept', () => {
    const feed = new VisitorFeed();
    const [a, b, c] = [visitor('a', 10, 0.1), visitor('b', 10, 0.2), visitor('c', 10, 0.3)];
    feed.receive(frame(1, [a, b, c]));
    feed.advance();
    const c2 = visitor('c', 20, -0.3);
    const a2 = visitor('a', 20, -0.1);
    feed.receive(delta(2, 1, [a2, c2]));
    feed.advance();
    expect(feed.view.seq).toBe(2);
    expect(feed.view.visitors.map((v) => v.id)).toEqual(['a', 'b', 'c']);
    expect(feed.view.visitors[0]).toBe(a2);
    expect(feed.view.visitors[1]).toBe(b);
    expect(feed.view.visitors[2]).toBe(c2);
    // an empty delta keeps every state
    feed.receive(delta(3, 2, []));
    feed.advance();
    expect(feed.view.seq).toBe(3);
    expect(feed.view.visitors).toEqual([a2, b, c2]);
  });

  it('never changes an array once handed to pieces, nor the array a full frame came in', () => {
    const feed = new VisitorFeed();
    const [a, b] = [visitor('a', 10, 0.1), visitor('b', 10, 0.2)];
    const sent = [a, b];
    feed.receive(frame(1, sent));
    // a delta before the full frame was handed out: the sender's array stays as it was
    const a2 = visitor('a', 20, 0.5);
    feed.receive(delta(2, 1, [a2]));
    expect(sent[0]).toBe(a);
    feed.advance();
    expect(feed.view.visitors).toEqual([a2, b]);
    const held = feed.view.visitors;
    // two deltas between rendered frames, then another after: none may write into what pieces hold
    const b3 = visitor('b', 30, -0.5);
    feed.receive(delta(3, 2, [b3]));
    const a4 = visitor('a', 40, -0.9);
    feed.receive(delta(4, 3, [a4]));
    expect(held[0]).toBe(a2);
    expect(held[1]).toBe(b);
    feed.advance();
    expect(feed.view.visitors).toEqual([a4, b3]);
    expect(held).toEqual([a2, b]);
    const held2 = feed.view.visitors;
    expect(held2).not.toBe(held);
    const b5 = visitor('b', 50, 0.9);
    feed.receive(delta(5, 4, [b5]));
    feed.advance();
    expect(held2[0]).toBe(a4);
    expect(held2[1]).toBe(b3);
    expect(held).toEqual([a2, b]);
    expect(feed.view.visitors).toEqual([a4, b5]);
  });

  it("applies a delta's gone: those visitors go, the others keep their order, and later deltas replace the right ones", () => {
    const feed = new VisitorFeed();
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((id) => visitor(id, 10, 0));
    feed.receive(frame(1, [a!, b!, c!, d!, e!]));
    feed.advance();
    // 'b' and 'd' leave; 'e' changed in the same frame (after both, so its place moved by two)
    const e2 = visitor('e', 20, 0.5);
    feed.receive(delta(2, 1, [e2], [], ['b', 'd']));
    feed.advance();
    expect(feed.view.visitors).toEqual([a, c, e2]);
    expect(feed.view.visitors[2]).toBe(e2);
    expect(feed.count()).toBe(3);
    // the next deltas go by the new places
    const c3 = visitor('c', 30, -0.3);
    const e3 = visitor('e', 30, 0.3);
    feed.receive(delta(3, 2, [c3, e3]));
    feed.advance();
    expect(feed.view.visitors).toEqual([a, c3, e3]);
    // the first leaves; then the last; each time the rest stay in order and take their updates
    const e4 = visitor('e', 40, 0.4);
    feed.receive(delta(4, 3, [e4], [], ['a']));
    feed.advance();
    expect(feed.view.visitors).toEqual([c3, e4]);
    feed.receive(delta(5, 4, [], [], ['e']));
    const c6 = visitor('c', 60, 0.6);
    feed.receive(delta(6, 5, [c6])); // two deltas before one rendered frame
    feed.advance();
    expect(feed.view.visitors).toEqual([c6]);
    expect(feed.view.seq).toBe(6);
    // an id that is not there is nothing to remove
    feed.receive(delta(7, 6, [], [], ['zz']));
    feed.advance();
    expect(feed.view.visitors).toEqual([c6]);
    feed.receive(delta(8, 7, [], [], ['c']));
    feed.advance();
    expect(feed.view.visitors).toEqual([]);
    expect(feed.count()).toBe(0);
  });

  it('appends a visitor it does not know to the end, and later deltas replace it there', () => {
    const feed = new VisitorFeed();
    const [a, b] = [visitor('a', 10, 0.1), visitor('b', 10, 0.2)];
    feed.receive(frame(1, [a, b]));
    feed.advance();
    const b2 = visitor('b', 20, 0.3);
    const c = visitor('c', 20, 0);
    const d = visitor('d', 20, 0);
    feed.receive(delta(2, 1, [b2, c, d]));
    feed.advance();
    expect(feed.view.visitors).toEqual([a, b2, c, d]);
    expect(feed.view.visitors[2]).toBe(c);
    const c3 = visitor('c', 30, -0.5);
    feed.receive(delta(3, 2, [c3]));
    feed.advance();
    expect(feed.view.visitors).toEqual([a, b2, c3, d]);
    // one leaves and one comes in the same delta: the rest close up, the newcomer is last
    const e = visitor('e', 40, 0);
    const d4 = visitor('d', 40, 0.4);
    feed.receive(delta(4, 3, [d4, e], [], ['a']));
    feed.advance();
    expect(feed.view.visitors).toEqual([b2, c3, d4, e]);
    const e5 = visitor('e', 50, 0.5);
    const b5 = visitor('b', 50, 0.5);
    feed.receive(delta(5, 4, [b5, e5]));
    feed.advance();
    expect(feed.view.visitors).toEqual([b5, c3, d4, e5]);
    expect(ids(feed.view.visitors)).toEqual(['b', 'c', 'd', 'e']);
  });

  it('never changes an array handed out or sent when a delta has visitors gone or new', () => {
    const feed = new VisitorFeed();
    const [a, b, c] = [visitor('a', 10, 0.1), visitor('b', 10, 0.2), visitor('c', 10, 0.3)];
    const sent = [a, b, c];
    feed.receive(frame(1, sent));
    // before the full frame was handed out: a newcomer, then a leave, must not touch the sender's array
    const d = visitor('d', 20, 0);
    const newcomers = [d];
    feed.receive(delta(2, 1, newcomers));
    expect(sent).toEqual([a, b, c]);
    expect(sent).toHaveLength(3);
    const gone = ['b'];
    feed.receive(delta(3, 2, [], [], gone));
    expect(sent).toEqual([a, b, c]);
    feed.advance();
    expect(feed.view.visitors).toEqual([a, c, d]);
    expect(newcomers).toEqual([d]);
    expect(gone).toEqual(['b']);
    const held = feed.view.visitors;
    // after it was handed out: a newcomer (a push would grow what pieces hold)
    const e = visitor('e', 40, 0);
    feed.receive(delta(4, 3, [e]));
    expect(held).toEqual([a, c, d]);
    feed.advance();
    expect(feed.view.visitors).toEqual([a, c, d, e]);
    expect(held).toEqual([a, c, d]);
    const held2 = feed.view.visitors;
    expect(held2).not.toBe(held);
    // a leave, then a change and a newcomer before the same rendered frame
    feed.receive(delta(5, 4, [], [], ['a']));
    const c6 = visitor('c', 60, 0.6);
    const f = visitor('f', 60, 0);
    feed.receive(delta(6, 5, [c6, f]));
    expect(held2).toEqual([a, c, d, e]);
    feed.advance();
    expect(feed.view.visitors).toEqual([c6, d, e, f]);
    expect(held2).toEqual([a, c, d, e]);
    expect(held).toEqual([a, c, d]);
    // a newcomer alone after a full frame handed out as it came
    const full = [a, b];
    feed.receive(frame(7, full, [], 6));
    feed.advance();
    expect(feed.view.visitors).toBe(full);
    feed.receive(delta(8, 7, [c], [], ['a']));
    feed.advance();
    expect(feed.view.visitors).toEqual([b, c]);
    expect(full).toEqual([a, b]);
  });

  it('applies what a delta holds after a missed frame, and takes the next full frame exactly', () => {
    const feed = new VisitorFeed();
    const [a, b, c] = [visitor('a', 10, 0.1), visitor('b', 10, 0.2), visitor('c', 10, 0.3)];
    feed.receive(frame(1, [a, b, c]));
    feed.advance();
    // frame 2 (which changed a) never came; frame 3 is against it and changes b
    const b3 = visitor('b', 30, -0.2);
    feed.receive(delta(3, 2, [b3]));
    feed.advance();
    expect(feed.view.seq).toBe(3);
    expect(feed.view.visitors).toEqual([a, b3, c]);
    // the next full frame is the wall as it is: a new order, one gone, one new
    const a4 = visitor('a', 40, 0.4);
    const d = visitor('d', 40, 0);
    const full = [c, a4, d];
    feed.receive(frame(4, full, [], 3));
    feed.advance();
    expect(feed.view.visitors).toEqual(full);
    expect(feed.count()).toBe(3);
    // deltas after it go by its order
    const a5 = visitor('a', 50, 0.5);
    feed.receive(delta(5, 4, [a5]));
    feed.advance();
    expect(feed.view.visitors).toEqual([c, a5, d]);
    expect(full).toEqual([c, a4, d]);
  });

  it('delivers the events of every frame between two rendered frames, in order, once', () => {
    const feed = new VisitorFeed();
    const a = visitor('a', 10, 0);
    feed.receive(frame(1, [a], [event('a', 1)]));
    feed.receive(delta(2, 1, [visitor('a', 20, 0.1)], [event('a', 2), event('a', 3)]));
    feed.receive(delta(3, 2, [])); // no events
    feed.receive(delta(4, 3, [], [event('a', 4)]));
    feed.receive(frame(5, [visitor('a', 50, 0.2)], [event('a', 5)], 4));
    feed.advance();
    expect(feed.view.events.map((e) => e.at)).toEqual([1, 2, 3, 4, 5]);
    feed.advance();
    expect(feed.view.events).toEqual([]);
    feed.receive(delta(6, 5, [], [event('a', 6)]));
    feed.advance();
    expect(feed.view.events.map((e) => e.at)).toEqual([6]);
    feed.advance();
    expect(feed.view.events).toEqual([]);
  });

  it('drops a duplicate or stale delta, events and all', () => {
    const feed = new VisitorFeed();
    const [a, b] = [visitor('a', 10, 0.1), visitor('b', 10, 0.2)];
    feed.receive(frame(5, [a, b], [event('a', 5)]));
    feed.advance();
    feed.receive(delta(5, 4, [visitor('a', 99, 0.9)], [event('a', 99)]));
    feed.receive(delta(3, 2, [visitor('b', 98, 0.9)], [event('b', 98)]));
    feed.advance();
    expect(feed.view.seq).toBe(5);
    expect(feed.view.visitors).toEqual([a, b]);
    expect(feed.view.events).toEqual([]);
  });

  it('takes seq 1 after resetSequence(), and counts on from it', () => {
    const feed = new VisitorFeed();
    feed.receive(frame(9, [visitor('a', 10, 0.1)]));
    feed.advance();
    feed.resetSequence();
    const x = visitor('x', 10, 0);
    feed.receive(frame(1, [x], [event('x', 1)]));
    feed.advance();
    expect(feed.view.seq).toBe(1);
    expect(feed.view.visitors).toEqual([x]);
    expect(feed.view.events.map((e) => e.at)).toEqual([1]);
    const x2 = visitor('x', 20, 0.3);
    feed.receive(delta(2, 1, [x2]));
    feed.advance();
    expect(feed.view.seq).toBe(2);
    expect(feed.view.visitors).toEqual([x2]);
  });

  it("rebuilds each of the hub's frames from what ScreenFrames sends", () => {
    // A wall as the hub makes its frames: states are replaced, never changed; arrays are new each frame.
    let wall: VisitorState[] = [];
    let seq = 0;
    const hubFrames: VisitorFrame[] = [];
    const emit = (events: VisitorEvent[] = []) => hubFrames.push({ wallId: 'main', seq: ++seq, at: 2000 + seq, visitors: wall.slice(), events, oldestSentAt: null });
    const join = (id: string) => (wall = [...wall, visitor(id, seq, 0)]);
    const input = (id: string, x: number) => (wall = wall.map((v) => (v.id === id ? { ...v, inputAt: seq * 10, input: { pad: { x, y: 0 } } } : v)));
    const leave = (id: string) => (wall = wall.filter((v) => v.id !== id));

    join('a');
    emit();
    join('b');
    emit();
    input('a', 0.1);
    emit([event('a', 1)]);
    emit(); // nothing
    input('b', 0.2);
    input('a', 0.3);
    emit([event('b', 2), event('a', 3)]);
    join('c');
    emit();
    input('c', -0.4);
    emit();
    input('b', 0.5);
    emit();
    leave('a'); // the first
    emit();
    input('c', 0.6);
    emit([event('c', 4)]);
    join('d');
    leave('b');
    emit(); // same count, other ids
    input('d', 0.7);
    emit();
    wall = [wall[1]!, wall[0]!]; // the same two in a new order
    emit();
    input('c', -0.8);
    emit();
    leave('c'); // the last (the order is d, c now), then the first
    leave('d');
    emit(); // nobody left
    join('e');
    emit();
    join('f');
    join('g');
    join('h');
    input('e', 0.9);
    emit(); // several at once
    leave('g'); // from the middle
    emit();
    input('h', 0.1);
    join('i');
    emit();
    leave('e');
    leave('h');
    join('j');
    join('k');
    input('f', -0.1);
    emit(); // several leave and several come
    input('j', 0.2);
    emit();
    wall = [wall[0]!, wall[2]!, wall[1]!, wall[3]!]; // a new order again
    emit();
    leave('i');
    emit();
    join('l');
    emit();

    const frames = new ScreenFrames(1000);
    const feed = new VisitorFeed();
    const wired: VisitorWireFrame[] = [];
    // one frame per rendered frame (16 ms), except from the 13th on: two per rendered frame
    let now = 0;
    for (const [i, f] of hubFrames.entries()) {
      const w = frames.wire(f, now);
      wired.push(w);
      feed.receive(w);
      if (i >= 12 && i % 2 === 0 && i !== hubFrames.length - 1) continue;
      feed.advance();
      expect(feed.view.seq, `frame ${f.seq}`).toBe(f.seq);
      expect(feed.view.visitors, `frame ${f.seq}`).toEqual(f.visitors);
      now += 16;
    }
    // full only for the first frame and the two new orders: every join (at the end) and leave went as a delta
    const fulls = wired.flatMap((w, i) => (w.full ? [i] : []));
    expect(fulls).toEqual([0, 12, 21]);
    const withGone = wired.filter((w) => !w.full && w.gone?.length);
    expect(withGone.map((w) => w.gone)).toEqual([['a'], ['b'], ['d', 'c'], ['g'], ['e', 'h'], ['i']]);
    const withNew = wired.filter((w, i) => !w.full && w.visitors.some((v) => !hubFrames[i - 1]!.visitors.some((x) => x.id === v.id)));
    expect(withNew.length).toBe(8);
    expect(wired.some((w) => !w.full && w.gone?.length && w.visitors.length)).toBe(true); // leave and join in one
    expect(wired.filter((w) => !w.full && !w.gone).length).toBeGreaterThan(8);

    // a screen long on the wall: full frames go by time too, and still rebuild the wall
    const later = new VisitorFeed();
    const timed = new ScreenFrames(100);
    const still = [visitor('p', 1, 0), visitor('q', 1, 0)];
    let list = still;
    for (let i = 1; i <= 40; i++) {
      if (i % 3 === 0) list = list.map((v, j) => (j === i % 2 ? { ...v, inputAt: i, input: { pad: { x: i / 40, y: 0 } } } : v));
      const f: VisitorFrame = { wallId: 'main', seq: i, at: i, visitors: list, events: [], oldestSentAt: null };
      later.receive(timed.wire(f, i * 16));
      later.advance();
      expect(later.view.visitors, `timed frame ${i}`).toEqual(list);
    }
  });
});
