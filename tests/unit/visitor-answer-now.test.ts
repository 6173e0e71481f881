import { describe, expect, it } from 'vitest';
import { INPUT_FLAG_ANSWER_NOW, VisitorInputMessage, decodeInputFrame, encodeInputFrame, isFrameRefusal, type FoldedAck } from '../../protocol';
import { foldedAcks } from '../support/acks';
import { fakeTimers } from '../support/fake-timers';
import { ANSWER_NOW_WINDOW, InputSender, PHONE_PACING, type OutgoingInput } from '../../client/visit/sender';

/*
 * The answer-now flag (issue 16): a phone says when an input fills its window of unanswered inputs
 * (an input frame's flag), the server answers that input at once and folds the others over a long
 * window, so that most inputs of a phone at 20 Hz share one answer a second without the phone ever
 * waiting on a fold.
 */

describe('the answer-now flag on the wire (protocol/visitor-wire.ts)', () => {
  it('round trip: the flag rides on the kind byte, and a frame without it decodes as before', () => {
    const msg = { input: 'pad', value: { x: 0.5, y: -0.25 }, sentAt: 12.5, n: 9 };
    const flagged = encodeInputFrame(msg, true)!;
    const plain = encodeInputFrame(msg)!;
    expect(flagged[1]).toBe(1 | INPUT_FLAG_ANSWER_NOW);
    expect(plain[1]).toBe(1);
    expect(flagged.length).toBe(plain.length);
    expect(decodeInputFrame(flagged)).toEqual({ ...msg, answerNow: true });
    expect(decodeInputFrame(plain)).toEqual(msg); // no key at all
    for (const [value, kind] of [[true, 3], [0.75, 2], ['hey', 4]] as const) {
      const f = encodeInputFrame({ input: 'c', value, n: 1 }, true)!;
      expect(f[1]).toBe(kind | INPUT_FLAG_ANSWER_NOW);
      expect(decodeInputFrame(f)).toEqual({ input: 'c', value, n: 1, answerNow: true });
    }
  });

  it('a flagged frame is still a payload the zod schema accepts; the flag on no kind is refused', () => {
    const f = decodeInputFrame(encodeInputFrame({ input: 'pad', value: { x: 0, y: 1 }, n: 2 }, true)!);
    expect(isFrameRefusal(f)).toBe(false);
    expect(VisitorInputMessage.safeParse(f).success).toBe(true);
    const bad = encodeInputFrame({ input: 'go', value: true, n: 3 }, true)!.slice();
    bad[1] = INPUT_FLAG_ANSWER_NOW; // kind 0
    const r = decodeInputFrame(bad);
    expect(isFrameRefusal(r) && r.bad).toMatch(/unknown input frame kind 0/);
  });
});

describe('folded acks with the answer-now flag (server/visitors/acks.ts)', () => {
  it('answers a flagged input at once, and folds the others of a flagging phone over the long window', () => {
    const { folder: f, sent } = foldedAcks(200, 1000);
    f.accepted('a', 1, 0, true); // the first input fills a window of 1
    f.accepted('a', 2, 50);
    f.accepted('a', 3, 100, true); // fills the window of 2
    expect(sent.map((s) => s.ack)).toEqual([
      { ok: true, n: 1 },
      { ok: true, n: 3 },
    ]);
    // now the window is wide: inputs at 20 Hz are folded, past the short window, up to the long one
    for (let n = 4; n <= 22; n++) f.accepted('a', n, 100 + (n - 3) * 50); // 150 … 1050
    f.sweep(600);
    f.sweep(1000);
    expect(sent).toHaveLength(2);
    f.sweep(1100); // a long window since the last answer (at 100)
    expect(sent.slice(2)).toEqual([{ phone: 'a', ack: { ok: true, n: 22, h: 50 } }]);
  });

  it('a phone that never flags (an older page, visitor:put) keeps the short window', () => {
    const { folder: f, sent } = foldedAcks(200, 1000);
    for (let n = 1; n <= 9; n++) f.accepted('b', n, (n - 1) * 50); // 0 … 400
    expect(sent.map((s) => s.ack.n)).toEqual([1, 5, 9]);
  });

  it('a pace higher than the one the phone was told is answered at its next input a short window after its last answer', () => {
    const { folder: f, sent, setPace } = foldedAcks(200, 1000);
    f.accepted('a', 1, 0, true);
    f.accepted('a', 2, 20);
    setPace(120);
    f.accepted('a', 3, 150); // under the short window since the last answer: folded
    expect(sent).toHaveLength(1);
    f.accepted('a', 4, 200);
    expect(sent.slice(1)).toEqual([{ phone: 'a', ack: { ok: true, n: 4, pace: 120 } }]);
    f.accepted('a', 5, 450); // the same pace: folded again
    expect(sent).toHaveLength(2);
    setPace(60); // easing waits for the long window
    f.accepted('a', 6, 500);
    expect(sent).toHaveLength(2);
    f.sweep(1200);
    expect(sent.slice(2)).toEqual([{ phone: 'a', ack: { ok: true, n: 6, pace: 60, h: 700 } }]);
  });
});

/** The phone's sender with a fake clock; records, per input, whether it filled the window. */
function sender(window = ANSWER_NOW_WINDOW) {
  const clock = fakeTimers();
  const sent: Array<{ n: number; full: boolean }> = [];
  const sentAt = new Map<number, number>();
  const s = new InputSender(
    {
      send: (msg: OutgoingInput, _done, full) => {
        sent.push({ n: msg.n!, full });
        sentAt.set(msg.n!, clock.now());
      },
      now: clock.now,
      stamp: clock.now,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
    },
    PHONE_PACING,
  );
  s.setWindow(window);
  const drag = (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      s.state('pad', { x: (clock.now() % 1000) / 1000, y: 0 });
      clock.advance(10);
    }
  };
  /** The server answers up to input `n` now, having held it since it came (a round trip of 0). */
  const answer = (n: number) => s.answer({ ok: true, n, h: clock.now() - sentAt.get(n)! });
  return { s, sent, drag, answer };
}

describe('the phone says which input fills its window (client/visit/sender.ts)', () => {
  it('flags exactly the inputs that fill the window as it opens (1, 2, 4 … in flight), then none while it is wide enough', () => {
    const { s, sent, drag, answer } = sender();
    s.setOpen(true);
    drag(200);
    expect(sent).toEqual([{ n: 1, full: true }]); // a window of 1: the first input fills it
    answer(1);
    drag(200);
    expect(sent.slice(1)).toEqual([
      { n: 2, full: false },
      { n: 3, full: true },
    ]);
    answer(3);
    drag(400);
    expect(sent.slice(3).map((x) => x.full)).toEqual([false, false, false, true]);
    answer(7);
    drag(1000); // a window of 8
    expect(sent.slice(7).map((x) => x.full)).toEqual([...Array(7).fill(false), true]);
    answer(15);
    drag(1000); // 16
    expect(sent.slice(15).map((x) => x.full)).toEqual([...Array(15).fill(false), true]);
    answer(31); // 32, the most: 20 inputs a second never fill it when answered once a second
    sent.length = 0;
    drag(1000);
    answer(sent.at(-1)!.n);
    drag(1000);
    expect(sent.length).toBeGreaterThanOrEqual(38);
    expect(sent.some((x) => x.full)).toBe(false);
  });

  it('setWindow narrows to a server without the flag (16) and never makes a one-answer-per-input sender fold', () => {
    const { s, sent, drag, answer } = sender(PHONE_PACING.window!);
    s.setOpen(true);
    drag(100);
    for (let k = 0; k < 6; k++) {
      answer(sent.at(-1)!.n);
      drag(1000);
    }
    expect(s.unanswered).toBe(16); // held at 16, not 32
    const one = new InputSender({ send: () => {}, now: () => 0, stamp: () => 0, setTimeout: () => 0, clearTimeout: () => {} });
    one.setWindow(32);
    one.setOpen(true);
    one.state('pad', { x: 0, y: 0 });
    one.state('pad', { x: 1, y: 0 });
    expect(one.unanswered).toBe(1);
    expect(one.busy).toBe(true);
  });
});
