import { describe, expect, it } from 'vitest';
import { fakeTimers } from '../support/fake-timers';
import { InputSender, PHONE_PACING, type OutgoingInput, type SendOutcome } from '../../client/visit/sender';

/** The phone's pacing with folded answers (visitor:put / visitor:acked), a fake clock and a fake transport. */
function setup(opts = { ...PHONE_PACING, window: 8 }) {
  const clock = fakeTimers();
  const sent: OutgoingInput[] = [];
  const outcomes: Array<{ n: number | undefined; r: SendOutcome }> = [];
  const sender = new InputSender(
    {
      send: (msg) => void sent.push({ ...msg }),
      now: clock.now,
      stamp: () => 1000 + clock.now(),
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
    },
    opts,
  );
  sender.onOutcome = (msg, r) => void outcomes.push({ n: msg.n, r });
  const { advance, now } = clock;
  /** The server answers up to input `n` now, having held it since it came (a round trip of 0). */
  const answerNow = (n: number, extra: object = {}) => {
    const m = sent.find((x) => x.n === n)!;
    sender.answer({ ok: true, n, h: 1000 + now() - m.sentAt!, ...extra });
  };
  /** A finger moving for `ms`, one position every 10 ms. */
  const drag = (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      sender.state('pad', { x: (now() % 1000) / 1000, y: 0 });
      advance(10);
    }
  };
  /** Opens the window: 1 in flight, then 2, 4, 8 as answers come (slow start); ends with 8 in flight. */
  const fill = () => {
    sender.setOpen(true);
    drag(400);
    answerNow(1);
    drag(400);
    answerNow(3);
    drag(400);
    answerNow(7);
    drag(500);
  };
  return { sender, sent, outcomes, advance, answerNow, drag, fill, now };
}

describe('phone input pacing with folded answers', () => {
  it('starts with one input in flight and opens the window by each input answered, up to 8, one per 50 ms, only the latest state', () => {
    const { sender, sent, drag, answerNow } = setup();
    sender.setOpen(true);
    drag(400);
    expect(sent.map((m) => m.n)).toEqual([1]); // no answer yet: one in flight
    expect(sent[0]).toEqual({ input: 'pad', value: { x: 0, y: 0 }, sentAt: 1000, n: 1 });
    expect(sender.busy).toBe(true);
    answerNow(1);
    drag(400);
    expect(sent.map((m) => m.n)).toEqual([1, 2, 3]); // two in flight
    answerNow(3);
    drag(400);
    expect(sent).toHaveLength(7); // four in flight
    answerNow(7);
    drag(500);
    expect(sent).toHaveLength(15); // eight in flight: the window
    expect(sender.unanswered).toBe(8);
    expect(sender.busy).toBe(true);
    drag(200);
    expect(sent).toHaveLength(15);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.sentAt! - sent[i - 1]!.sentAt!).toBeGreaterThanOrEqual(50);
  });

  it('one answer settles every input up to its number, and sending resumes', () => {
    const { sender, sent, outcomes, answerNow, fill } = setup();
    fill();
    const before = outcomes.length;
    answerNow(11);
    expect(outcomes.slice(before).map((o) => o.n)).toEqual([8, 9, 10, 11]);
    expect(outcomes.every((o) => o.r.ok)).toBe(true);
    expect(sent.at(-1)!.n).toBe(16); // the latest position went out at once
    expect(sender.unanswered).toBe(5); // 12 to 16
    answerNow(11); // a repeat changes nothing
    expect(outcomes).toHaveLength(before + 4);
  });

  it('keeps the pace the server asks for, and two round trips (less the time the server held the answer)', () => {
    const { sender, sent, advance } = setup();
    sender.setOpen(true);
    sender.state('pad', { x: 0, y: 0 });
    advance(30);
    // answered after 30 ms, 20 of which the server held it: a 10 ms round trip; pace 200 ms
    sender.answer({ ok: true, n: 1, pace: 200, h: 20 });
    for (let t = 0; t < 1000; t += 10) {
      sender.state('pad', { x: t / 1000, y: 0 });
      advance(10);
      const last = sent.at(-1)!;
      if (last.n! > 1) sender.answer({ ok: true, n: last.n!, pace: 200 });
    }
    // 1,030 ms at a pace of 200 ms: sends at 0, 200, 400, 600, 800, 1000
    expect(sent).toHaveLength(6);
  });

  it('a refusal answers the inputs before it as accepted; rate_limited backs off and resends the latest', () => {
    const { sender, sent, outcomes, advance, answerNow } = setup();
    sender.setOpen(true);
    sender.state('pad', { x: 0, y: 0 });
    answerNow(1); // two may be in flight now
    advance(50);
    sender.event('go', true);
    advance(50);
    sender.state('pad', { x: 0.5, y: 0 });
    expect(sent.map((m) => m.n)).toEqual([1, 2, 3]);
    sender.answer({ ok: false, n: 3, error: { code: 'rate_limited', message: 'too many inputs' } });
    expect(outcomes).toEqual([
      { n: 1, r: { ok: true } },
      { n: 2, r: { ok: true } },
      { n: 3, r: { ok: false, code: 'rate_limited', message: 'too many inputs' } },
    ]);
    advance(299);
    expect(sent).toHaveLength(3); // backing off 300 ms
    advance(1);
    expect(sent.at(-1)).toMatchObject({ input: 'pad', value: { x: 0.5, y: 0 }, n: 4 });
  });

  it('counts what is in flight as lost when no answer comes for 3 s, then sends one input at a time again', () => {
    const { sender, sent, outcomes, advance, drag, fill } = setup();
    fill();
    const before = outcomes.length;
    advance(1000);
    expect(outcomes).toHaveLength(before); // input 8, the oldest in flight, went 1.5 s ago
    drag(2000);
    const lost = outcomes.slice(before);
    expect(lost.map((o) => o.n)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(lost.every((o) => !o.r.ok && o.r.code === 'timeout')).toBe(true);
    // after the back-off, one input at a time until answers come again
    const after = sent.filter((m) => m.n! > 15);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(sender.unanswered).toBe(1);
    expect(sender.busy).toBe(true);
  });

  it('ignores answers from before a reconnect', () => {
    const { sender, sent, outcomes, advance } = setup();
    sender.setOpen(true);
    sender.state('pad', { x: 0.1, y: 0 });
    sender.reset();
    advance(50);
    sender.state('pad', { x: 0.2, y: 0 });
    expect(sent.map((m) => m.n)).toEqual([1, 2]);
    sender.answer({ ok: true, n: 1 }); // the old connection's input: nothing in flight has that number
    expect(outcomes).toHaveLength(0);
    sender.answer({ ok: true, n: 2 });
    expect(outcomes.map((o) => o.n)).toEqual([2]);
  });

  it('with one answer per input (window 1) it keeps one input in flight and sends no number', () => {
    const sent: Array<{ msg: OutgoingInput; done: (r: SendOutcome) => void }> = [];
    const sender = new InputSender({ send: (msg, done) => void sent.push({ msg: { ...msg }, done }), now: () => 0, stamp: () => 0, setTimeout: () => 0, clearTimeout: () => {} });
    sender.setOpen(true);
    sender.state('pad', { x: 0, y: 0 });
    sender.state('pad', { x: 1, y: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.msg.n).toBeUndefined();
    expect(sender.busy).toBe(true);
  });
});
