import { describe, expect, it } from 'vitest';
import { InputSender, PHONE_PACING, type OutgoingInput, type SendOutcome } from '../../client/visit/sender';

/** The phone's pacing with folded answers (visitor:put / visitor:acked), a fake clock and a fake transport. */
function setup(opts = { ...PHONE_PACING, window: 8 }) {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const sent: OutgoingInput[] = [];
  const outcomes: Array<{ n: number | undefined; r: SendOutcome }> = [];
  const sender = new InputSender(
    {
      send: (msg) => void sent.push({ ...msg }),
      now: () => now,
      stamp: () => 1000 + now,
      setTimeout: (fn, ms) => {
        const t = { at: now + ms, fn };
        timers.push(t);
        return t;
      },
      clearTimeout: (h) => {
        const i = timers.indexOf(h as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
    },
    opts,
  );
  sender.onOutcome = (msg, r) => void outcomes.push({ n: msg.n, r });
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = Math.max(now, due.at);
      timers.splice(timers.indexOf(due), 1);
      due.fn();
    }
    now = end;
  };
  return { sender, sent, outcomes, advance, now: () => now };
}

describe('phone input pacing with folded answers', () => {
  it('numbers its inputs and keeps several in flight, still at most one per 50 ms and only the latest state', () => {
    const { sender, sent, advance } = setup();
    sender.setOpen(true);
    for (let t = 0; t < 400; t += 10) {
      sender.state('pad', { x: t / 1000, y: 0 });
      advance(10);
    }
    // 400 ms of a moving finger, no answers: 8 inputs (0, 50, …, 350), the window's worth
    expect(sent.map((m) => m.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(sent[1]).toEqual({ input: 'pad', value: { x: 0.04, y: 0 }, sentAt: 1050, n: 2 }); // the latest at 50 ms
    expect(sender.busy).toBe(true);
    advance(200);
    expect(sent).toHaveLength(8); // the window is full: nothing more until an answer
  });

  it('one answer settles every input up to its number, and sending resumes', () => {
    const { sender, sent, outcomes, advance } = setup();
    sender.setOpen(true);
    for (let t = 0; t < 400; t += 10) {
      sender.state('pad', { x: t / 1000, y: 0 });
      advance(10);
    }
    // input 5 went at 200 ms; the server held its answer 195 ms of the 200 (a 5 ms round trip)
    sender.answer({ ok: true, n: 5, h: 195 });
    expect(outcomes.map((o) => o.n)).toEqual([1, 2, 3, 4, 5]);
    expect(outcomes.every((o) => o.r.ok)).toBe(true);
    expect(sent.at(-1)!.n).toBe(9); // the latest position went out at once
    expect(sender.unanswered).toBe(4); // 6, 7, 8 and 9
    sender.answer({ ok: true, n: 5, h: 195 }); // a repeat changes nothing
    expect(outcomes).toHaveLength(5);
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
    const { sender, sent, outcomes, advance } = setup();
    sender.setOpen(true);
    sender.event('go', true);
    advance(50);
    sender.state('pad', { x: 0.5, y: 0 });
    advance(50);
    expect(sent.map((m) => m.n)).toEqual([1, 2]);
    sender.answer({ ok: false, n: 2, error: { code: 'rate_limited', message: 'too many inputs' } });
    expect(outcomes).toEqual([
      { n: 1, r: { ok: true } },
      { n: 2, r: { ok: false, code: 'rate_limited', message: 'too many inputs' } },
    ]);
    advance(299);
    expect(sent).toHaveLength(2); // backing off 300 ms
    advance(1);
    expect(sent.at(-1)).toMatchObject({ input: 'pad', value: { x: 0.5, y: 0 }, n: 3 });
  });

  it('counts what is in flight as lost when no answer comes for 3 s, then sends the latest again', () => {
    const { sender, sent, outcomes, advance } = setup();
    sender.setOpen(true);
    for (let t = 0; t < 400; t += 10) {
      sender.state('pad', { x: t / 1000, y: 0 });
      advance(10);
    }
    expect(sent).toHaveLength(8);
    advance(2599); // the oldest went at 0: 2,999 ms
    expect(outcomes).toHaveLength(0);
    advance(1);
    expect(outcomes).toHaveLength(8);
    expect(outcomes.every((o) => !o.r.ok && o.r.code === 'timeout')).toBe(true);
    advance(300); // the back-off
    expect(sent).toHaveLength(9);
    expect(sent.at(-1)).toMatchObject({ value: { x: 0.39, y: 0 }, n: 9 });
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
