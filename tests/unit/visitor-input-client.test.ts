import { describe, expect, it } from 'vitest';
import { INPUT_CLOSE, READY_FRAME, encodeAnswerFrame, encodeInputFrame, type AnswerFrame } from '../../protocol';
import { InputSocket, type InputWebSocket } from '../../client/visit/input-socket';
import { InputSender, PHONE_PACING } from '../../client/visit/sender';
import { fakeTimers } from '../support/fake-timers';

/*
 * The phone's input socket (client/visit/input-socket.ts): used only after the server's ready
 * frame; inputs go over the session while it is not (refused, dropped, silent), and it tries again
 * with a new ticket and backoff. Fake WebSocket and clock: no network, no waiting.
 */

class FakeWs implements InputWebSocket {
  binaryType = 'blob';
  bufferedAmount = 0;
  onopen: ((e: unknown) => void) | null = null;
  onclose: ((e: { code?: number; reason?: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  sent: Uint8Array[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  /** The server sends bytes. */
  deliver(b: Uint8Array): void {
    this.onmessage?.({ data: b.slice().buffer });
  }
  /** The server (or a proxy) closes it. */
  shut(code: number, reason = ''): void {
    this.onclose?.({ code, reason });
  }
}

function setup(tickets: Array<string | null> = []) {
  const clock = fakeTimers();
  const made: FakeWs[] = [];
  const answers: AnswerFrame[] = [];
  let asked = 0;
  const socket = new InputSocket({
    origin: 'ws://pavilion.local:8080',
    make: (url) => {
      const ws = new FakeWs(url);
      made.push(ws);
      return ws;
    },
    ticket: () => {
      asked++;
      return Promise.resolve(tickets.shift() ?? null);
    },
    answer: (a) => answers.push(a),
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
  });
  return { clock, made, answers, socket, asked: () => asked };
}
const frame = encodeInputFrame({ input: 'pad', value: { x: 0.1, y: 0.2 }, n: 1 })!;
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("the phone's input socket", () => {
  it('opens with the ticket on the input path, and is used only after the ready frame', () => {
    const { made, socket } = setup();
    socket.start('tick-1');
    expect(made).toHaveLength(1);
    expect(made[0]!.url).toBe('ws://pavilion.local:8080/visitor/input?t=tick-1');
    expect(made[0]!.binaryType).toBe('arraybuffer');
    made[0]!.onopen?.({});
    expect(socket.ready).toBe(false);
    expect(socket.send(frame)).toBe(false); // open, but not bound to the session yet: over the session
    made[0]!.deliver(READY_FRAME);
    expect(socket.ready).toBe(true);
    expect(socket.send(frame)).toBe(true);
    expect(made[0]!.sent).toEqual([frame]);
  });

  it("hands the server's answer frames to the sender, which settles what they answer", () => {
    const { made, socket, answers } = setup();
    const clock = fakeTimers();
    const sent: number[] = [];
    const sender = new InputSender({ send: (m) => void sent.push(m.n!), now: clock.now, stamp: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, PHONE_PACING);
    sender.setOpen(true);
    socket.start('t');
    made[0]!.deliver(READY_FRAME);
    sender.state('pad', { x: 0, y: 0 });
    expect(sender.unanswered).toBe(1);
    made[0]!.deliver(encodeAnswerFrame({ ok: true, n: 1, pace: 120 }));
    expect(answers).toEqual([{ ok: true, n: 1, pace: 120 }]);
    sender.answer(answers[0]!);
    expect(sender.unanswered).toBe(0);
  });

  it('refused (a proxy that will not upgrade, or a ticket without a session): falls back, asks a new ticket, tries again with backoff', async () => {
    const { made, socket, clock, asked } = setup(['t2', 't3']);
    socket.start('t1');
    made[0]!.shut(INPUT_CLOSE.ticket, 'unknown or already used ticket');
    expect(socket.ready).toBe(false);
    expect(socket.send(frame)).toBe(false);
    expect(socket.failures).toBe(1);
    expect(asked()).toBe(0); // not at once: after a backoff
    clock.advance(2000);
    await settle();
    expect(asked()).toBe(1);
    expect(made).toHaveLength(2);
    expect(made[1]!.url).toMatch(/t=t2$/);
    made[1]!.shut(1006); // refused by a proxy: no close frame
    clock.advance(1000);
    await settle();
    expect(made).toHaveLength(2); // the second wait is longer (≥ 1.5 s)
    clock.advance(2000);
    await settle();
    expect(made).toHaveLength(3);
    made[2]!.deliver(READY_FRAME);
    expect(socket.ready).toBe(true);
  });

  it('a session that ended, or a newer socket: no retry until the next join', async () => {
    for (const code of [INPUT_CLOSE.sessionEnded, INPUT_CLOSE.replaced]) {
      const { made, socket, clock, asked } = setup(['x']);
      socket.start('t1');
      made[0]!.deliver(READY_FRAME);
      made[0]!.shut(code);
      clock.advance(120_000);
      await settle();
      expect(asked()).toBe(0);
      expect(made).toHaveLength(1);
      socket.start('t-after-join');
      expect(made).toHaveLength(2);
    }
  });

  it('a socket that stops answering (a silent drop) is dropped, and inputs go over the session', () => {
    const { made, socket, clock } = setup();
    socket.start('t1');
    made[0]!.deliver(READY_FRAME);
    expect(socket.send(frame)).toBe(true);
    clock.advance(3000);
    expect(socket.send(frame)).toBe(true); // slow, not dead
    made[0]!.deliver(encodeAnswerFrame({ ok: true, n: 1 }));
    expect(socket.send(frame)).toBe(true);
    clock.advance(6001);
    expect(socket.send(frame)).toBe(false);
    expect(socket.ready).toBe(false);
    expect(made[0]!.closed).toBe(true);
  });

  it('stop (the session dropped) closes it and cancels the retries', async () => {
    const { made, socket, clock, asked } = setup(['t2']);
    socket.start('t1');
    made[0]!.shut(1006);
    socket.stop();
    clock.advance(120_000);
    await settle();
    expect(asked()).toBe(0);
    socket.start('t3');
    made[1]!.deliver(READY_FRAME);
    socket.stop();
    expect(made[1]!.closed).toBe(true);
    expect(socket.ready).toBe(false);
  });
});
