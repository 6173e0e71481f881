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
/** A delta: only the states that changed since frame `prev`. */
const delta = (seq: number, prev: number, visitors: VisitorState[], events: VisitorEvent[] = []): VisitorWireFrame => ({
  ...frame(seq, visitors, events, prev),
  full: false,
});

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
    leave('a');
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
    leave('c');
    leave('d');
    emit();
    join('e');
    emit();

    const frames = new ScreenFrames(1000);
    const feed = new VisitorFeed();
    const kinds: boolean[] = [];
    // one frame per rendered frame (16 ms), except the last few, two per rendered frame
    let now = 0;
    for (const [i, f] of hubFrames.entries()) {
      const w = frames.wire(f, now);
      kinds.push(w.full);
      feed.receive(w);
      if (i >= 12 && i % 2 === 0 && i !== hubFrames.length - 1) continue;
      feed.advance();
      expect(feed.view.seq, `frame ${f.seq}`).toBe(f.seq);
      expect(feed.view.visitors, `frame ${f.seq}`).toEqual(f.visitors);
      now += 16;
    }
    // both kinds went
    expect(kinds.filter((full) => full).length).toBeGreaterThan(1);
    expect(kinds.filter((full) => !full).length).toBeGreaterThan(3);

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
