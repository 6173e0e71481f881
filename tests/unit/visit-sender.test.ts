import { describe, expect, it } from 'vitest';
import { InputSender, type OutgoingInput, type SendOutcome } from '../../client/visit/sender';

/** The phone's pacing, with a fake clock and a fake transport that answers when told. */
function setup() {
  let now = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const sent: Array<{ msg: OutgoingInput; done: (r: SendOutcome) => void }> = [];
  const sender = new InputSender({
    send: (msg, done) => void sent.push({ msg: { ...msg }, done }),
    now: () => now,
    stamp: () => 1000 + now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout: (h) => void timers.splice(timers.indexOf(h as (typeof timers)[number]), 1),
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
  };
  const answer = (r: SendOutcome = { ok: true }) => sent.find((s) => !('answered' in s) && Object.assign(s, { answered: true }))!.done(r);
  return { sender, sent, advance, answer };
}

describe('phone input pacing', () => {
  it('keeps one input in flight and sends only the latest state', () => {
    const { sender, sent, advance, answer } = setup();
    sender.setOpen(true);
    sender.state('pad', { x: 0, y: 0 });
    expect(sent).toHaveLength(1);
    for (let i = 1; i <= 10; i++) sender.state('pad', { x: i / 10, y: 0 });
    advance(10);
    expect(sent).toHaveLength(1); // still waiting for the answer
    answer();
    advance(40);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.msg).toEqual({ input: 'pad', value: { x: 1, y: 0 }, sentAt: 1050 });
    expect(sender.pending).toBe(0);
  });

  it('leaves a slow server room: never more often than every two round trips', () => {
    const { sender, sent, advance, answer } = setup();
    sender.setOpen(true);
    // The server answers each input 100 ms after it was sent; the finger never stops.
    for (let t = 0; t < 2000; t += 10) {
      sender.state('pad', { x: (t % 100) / 100, y: 0 });
      const last = sent.at(-1);
      if (sender.busy && last && 1000 + t - last.msg.sentAt! >= 100) answer();
      advance(10);
    }
    // ~ one every 200 ms, not one every 100 ms (which would keep a queue full at the server)
    expect(sent.length).toBeGreaterThanOrEqual(9);
    expect(sent.length).toBeLessThanOrEqual(11);
  });

  it('sends at the pace a busy server asks for, and speeds up again when it stops asking', () => {
    const { sender, sent, advance, answer } = setup();
    sender.setOpen(true);
    const run = (ms: number, pace: number | undefined) => {
      const before = sent.length;
      for (let t = 0; t < ms; t += 5) {
        sender.state('pad', { x: (t % 100) / 100, y: 0 });
        if (sender.busy) answer(pace === undefined ? { ok: true } : { ok: true, pace });
        advance(5);
      }
      return sent.length - before;
    };
    expect(run(1000, 250)).toBeLessThanOrEqual(5); // one every 250 ms
    expect(run(1000, undefined)).toBeGreaterThanOrEqual(18); // back to 20 per second
    expect(run(1000, 1e9)).toBeLessThanOrEqual(1); // an absurd pace is capped (5 s), not obeyed forever
  });

  it('sends at most 20 per second even when answers are instant', () => {
    const { sender, sent, advance, answer } = setup();
    sender.setOpen(true);
    for (let t = 0; t < 1000; t += 5) {
      sender.state('pad', { x: (t % 100) / 100, y: 0 });
      if (sender.busy) answer();
      advance(5);
    }
    expect(sent.length).toBeGreaterThanOrEqual(19);
    expect(sent.length).toBeLessThanOrEqual(21);
  });

  it('sends button presses and words before state, and none is lost', () => {
    const { sender, sent, answer, advance } = setup();
    sender.setOpen(true);
    sender.state('pad', { x: 0, y: 0 });
    sender.event('go', true);
    sender.state('pad', { x: 1, y: 1 });
    sender.event('word', 'hi');
    for (let i = 0; i < 4; i++) {
      answer();
      advance(60);
    }
    expect(sent.map((s) => s.msg.input)).toEqual(['pad', 'go', 'word', 'pad']);
    expect(sent[3]!.msg.value).toEqual({ x: 1, y: 1 });
  });

  it('backs off and retries when the server says too fast', () => {
    const { sender, sent, answer, advance } = setup();
    sender.setOpen(true);
    sender.event('go', true);
    answer({ ok: false, code: 'rate_limited', message: 'too many inputs' });
    expect(sent).toHaveLength(1);
    advance(100);
    expect(sent).toHaveLength(1);
    advance(300);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.msg.input).toBe('go');
  });

  it('sends nothing while closed (queued, paused) and forgets stale input; a reconnect frees the slot', () => {
    const { sender, sent, advance } = setup();
    sender.state('pad', { x: 0, y: 0 });
    expect(sent).toHaveLength(0);
    sender.setOpen(true);
    expect(sent).toHaveLength(0); // closing forgot it
    sender.state('pad', { x: 0.5, y: 0 });
    expect(sent).toHaveLength(1);
    sender.reset(); // the connection dropped: that answer will never come
    advance(100);
    sender.state('pad', { x: 0.6, y: 0 });
    expect(sent).toHaveLength(2);
  });
});
