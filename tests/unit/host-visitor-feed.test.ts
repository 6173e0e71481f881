import { describe, expect, it } from 'vitest';
import { VisitorFeed } from '../../client/host/visitor-feed';
import type { VisitorEvent, VisitorFrame, VisitorState } from '../../protocol';
import { playing, testHost } from './host-fixtures';
import { programOf } from '../../client/host';

const visitor = (id: string, inputAt: number, x: number): VisitorState => ({ id, hue: 0.3, joinedAt: 100, inputAt, input: { pad: { x, y: 0 } }, sentAt: inputAt - 20 });
const event = (visitorId: string, at: number): VisitorEvent => ({ visitorId, input: 'call', value: true, at });
const frame = (seq: number, visitors: VisitorState[], events: VisitorEvent[] = []): VisitorFrame => ({ wallId: 'main', seq, at: 1000 + seq, visitors, events, oldestSentAt: null });

describe('host visitor feed', () => {
  it('hands pieces the latest visitors, with every event since the last rendered frame, none repeated', () => {
    const feed = new VisitorFeed();
    feed.receive(frame(1, [visitor('a', 10, 0.1)], [event('a', 10)]));
    feed.receive(frame(2, [visitor('a', 20, 0.2)], [event('a', 20)]));
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
    feed.receive(frame(4, [visitor('stale', 1, 0)]));
    feed.receive(frame(5, [visitor('dup', 1, 0)]));
    feed.advance();
    expect(feed.view.visitors.map((v) => v.id)).toEqual(['a']);
    feed.receive(frame(1, [visitor('restarted', 1, 0)]));
    feed.advance();
    expect(feed.view.visitors.map((v) => v.id)).toEqual(['restarted']);
    feed.receive(frame(9, []));
    feed.resetSequence();
    feed.receive(frame(2, [visitor('after-reconnect', 1, 0)]));
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
});
