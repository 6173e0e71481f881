import { describe, expect, it } from 'vitest';
import { InputMerger } from '../../server/visitors/merger';
import type { CheckedInput } from '../../server/visitors/validate';

const state = (input: string, value: CheckedInput['value'], sentAt: number | null = null): CheckedInput => ({ input, value, event: false, sentAt });
const event = (input: string, value: CheckedInput['value'], sentAt: number | null = null): CheckedInput => ({ input, value, event: true, sentAt });
const a = { id: 'visitor-a', hue: 0.1, joinedAt: 1 };
const b = { id: 'visitor-b', hue: 0.7, joinedAt: 2 };

describe('input merger', () => {
  it('sends nothing until something changes, then one frame with the latest state', () => {
    const m = new InputMerger('main');
    expect(m.flush(0)).toBeNull();
    m.add(a);
    m.add(b);
    const f1 = m.flush(10)!;
    expect(f1).toMatchObject({ wallId: 'main', seq: 1, at: 10, events: [], oldestSentAt: null });
    expect(f1.visitors.map((v) => v.id)).toEqual(['visitor-a', 'visitor-b']);
    expect(m.flush(11)).toBeNull();

    m.put('visitor-a', state('pad', { x: 0.1, y: 0.2 }), 20);
    m.put('visitor-a', state('pad', { x: 0.3, y: 0.4 }), 21);
    const f2 = m.flush(30)!;
    expect(f2.seq).toBe(2);
    expect(f2.visitors[0]!.input).toEqual({ pad: { x: 0.3, y: 0.4 } });
    expect(f2.visitors[1]!.input).toEqual({});
    // The server's merge time of the latest input, the same number on every screen of the wall.
    expect(f2.visitors[0]!.inputAt).toBe(21);
    expect(f2.visitors[1]!.inputAt).toBe(f2.visitors[1]!.joinedAt);
    expect(m.counters).toMatchObject({ accepted: 2, coalesced: 1, dropped: 0, frames: 2 });
  });

  it('keeps every event since the last frame, in order, once', () => {
    const m = new InputMerger('main');
    m.add(a);
    m.add(b);
    m.flush(0);
    m.put('visitor-a', event('call', true), 5);
    m.put('visitor-b', event('word', 'hello'), 6);
    m.put('visitor-a', event('call', true), 7);
    const f = m.flush(10)!;
    expect(f.events).toEqual([
      { visitorId: 'visitor-a', input: 'call', value: true, at: 5 },
      { visitorId: 'visitor-b', input: 'word', value: 'hello', at: 6 },
      { visitorId: 'visitor-a', input: 'call', value: true, at: 7 },
    ]);
    // discrete inputs are not coalesced: each one is an event
    expect(m.counters.coalesced).toBe(0);
    // the latest value stays in the state too
    expect(f.visitors[1]!.input.word).toBe('hello');
    expect(m.flush(20)).toBeNull();
    expect(m.frame(30).events).toEqual([]);
  });

  it('caps events per frame and counts the dropped ones (bounded memory)', () => {
    const m = new InputMerger('main', { maxEventsPerFrame: 4 });
    m.add(a);
    for (let i = 0; i < 10; i++) m.put('visitor-a', event('call', true), i);
    const f = m.flush(10)!;
    expect(f.events).toHaveLength(4);
    expect(m.counters.dropped).toBe(6);
    m.put('visitor-a', event('call', true), 11);
    expect(m.flush(12)!.events).toHaveLength(1);
  });

  it('ignores input from visitors who are not present', () => {
    const m = new InputMerger('main');
    expect(m.put('nobody-here', state('pad', { x: 0, y: 0 }), 1)).toBe(false);
    expect(m.flush(2)).toBeNull();
  });

  it('frames are snapshots: later input does not change a frame already handed out', () => {
    const m = new InputMerger('main');
    m.add(a);
    m.put('visitor-a', state('pad', { x: 0.5, y: 0.5 }), 1);
    const f = m.flush(2)!;
    m.put('visitor-a', state('pad', { x: -1, y: -1 }), 3);
    m.flush(4);
    expect(f.visitors[0]!.input.pad).toEqual({ x: 0.5, y: 0.5 });
  });

  it('reports the oldest send time merged into a frame, and the latest per visitor', () => {
    const m = new InputMerger('main');
    m.add(a);
    m.add(b);
    m.flush(0);
    m.put('visitor-a', state('pad', { x: 0, y: 0 }, 1005), 1010);
    m.put('visitor-b', state('pad', { x: 0, y: 0 }, 1001), 1011);
    m.put('visitor-a', state('pad', { x: 0, y: 0 }, 1008), 1012);
    const f = m.flush(1016)!;
    expect(f.oldestSentAt).toBe(1001);
    expect(f.visitors.map((v) => v.sentAt)).toEqual([1008, 1001]);
    m.put('visitor-a', state('pad', { x: 0, y: 0 }), 1020);
    expect(m.flush(1030)!.oldestSentAt).toBeNull();
  });

  it('removing a visitor takes them out of the next frame; a piece switch clears inputs', () => {
    const m = new InputMerger('main');
    m.add(a);
    m.add(b);
    m.put('visitor-b', state('pad', { x: 1, y: 1 }), 1);
    m.put('visitor-b', event('call', true), 1);
    m.remove('visitor-a');
    const f = m.flush(2)!;
    expect(f.visitors.map((v) => v.id)).toEqual(['visitor-b']);
    m.put('visitor-b', event('call', true), 3);
    m.resetInputs();
    const g = m.flush(4)!;
    expect(g.visitors[0]!.input).toEqual({});
    expect(g.events).toEqual([]);
  });

  it('sequence numbers can come from a shared counter (monotonic across walls)', () => {
    let seq = 100;
    const next = () => ++seq;
    const m1 = new InputMerger('one', { nextSeq: next });
    const m2 = new InputMerger('two', { nextSeq: next });
    expect(m1.frame(0).seq).toBe(101);
    expect(m2.frame(0).seq).toBe(102);
    expect(m1.frame(0).seq).toBe(103);
  });

  it('state stays bounded under a flood: one state per visitor, events capped', () => {
    const m = new InputMerger('main', { maxEventsPerFrame: 256 });
    for (let i = 0; i < 500; i++) m.add({ id: `visitor-${i}`, hue: 0, joinedAt: 0 });
    for (let round = 0; round < 20; round++)
      for (let i = 0; i < 500; i++) {
        m.put(`visitor-${i}`, state('pad', { x: 0, y: 0 }), round);
        m.put(`visitor-${i}`, event('call', true), round);
      }
    const f = m.flush(100)!;
    expect(f.visitors).toHaveLength(500);
    expect(f.events).toHaveLength(256);
    expect(m.counters.coalesced).toBe(500 * 19);
    expect(m.counters.dropped).toBe(500 * 20 - 256);
  });
});
