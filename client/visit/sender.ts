import type { AnswerFrame, FoldedAck, InputValue, PayloadOf, VisitorClientToServer } from '../../protocol/plain';

/** One input as the phone sends it (`visitor:input`, or `visitor:put` with its number `n`). */
export type OutgoingInput = PayloadOf<VisitorClientToServer, 'visitor:input'>;
/** `pace`: the server is behind and asks for at least this many ms between two sends. */
export type SendOutcome = { ok: true; pace?: number } | { ok: false; code: string; message: string };

export interface SenderDeps {
  /**
   * Sends one input. With one answer per input (`window` 1), `done` is called once with the
   * server's answer (or a timeout). With folded answers (`window` > 1) `done` is never called:
   * the server's `visitor:acked` answers go to `InputSender.answer`. `full`: this input fills the
   * window (nothing more goes out until an answer comes), so the server should answer it at once
   * (an input frame's answer-now flag, protocol/visitor-wire.ts; ignored elsewhere).
   */
  send(msg: OutgoingInput, done: (r: SendOutcome) => void, full: boolean): void;
  now(): number;
  /** Show-time stamp for latency diagnostics. */
  stamp(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(h: unknown): void;
}

export interface SenderOptions {
  minIntervalMs: number;
  maxEvents: number;
  backoffMs: number;
  rttFactor: number;
  /**
   * Inputs sent and not yet answered, at most. 1: one in flight, one answer per input
   * (`visitor:input`). More: the server folds its answers (`visitor:put`, one `visitor:acked` per
   * ack window), and each input carries its number `n`.
   */
  window?: number;
  /** Folded answers: unanswered this long, the inputs in flight count as lost (0: the transport times out). */
  timeoutMs?: number;
}

/**
 * The phone page's pacing: 20 inputs a second at most, never more often than every two round
 * trips, up to 16 in flight with folded answers (the server answers each phone at most every
 * 400 ms, 8 inputs at 20 a second, so 16 leaves room for one late answer), and 3 s without an
 * answer counts as lost.
 */
export const PHONE_PACING: SenderOptions = Object.freeze({ minIntervalMs: 50, maxEvents: 8, backoffMs: 300, rttFactor: 2, window: 16, timeoutMs: 3000 });
/**
 * The window with a server that answers a full window at once (its join answer says `answerNow`):
 * it folds its other answers over a second (20 inputs at 20 a second), so 32 never fills at 20 Hz
 * and the phone never waits on a fold; each input that fills the window carries the flag.
 */
export const ANSWER_NOW_WINDOW = 32;

interface InFlight {
  n: number;
  msg: OutgoingInput;
  /** `now()` when sent. */
  at: number;
  isEvent: boolean;
}

const OK: SendOutcome = Object.freeze({ ok: true });

/**
 * Paces a phone's input: at most one per `minIntervalMs`, never more often than every
 * `rttFactor` round trips, at the server's pace while it asks for one, and only the latest state
 * of each continuous control. Discrete events (button, text) queue (a few at most) and go first.
 * At most `window` inputs unanswered: 1 with one answer per input; more with folded answers
 * (the server answers a phone a few times a second, carrying the number of its latest accepted
 * input; `answer`). Pure: the transport and the clock are passed in.
 */
export class InputSender {
  private readonly states = new Map<string, InputValue>();
  private events: OutgoingInput[] = [];
  private inFlight: InFlight[] = [];
  private nextN = 1;
  private lastSent = -Infinity;
  private holdUntil = -Infinity;
  /** Round trip of the last answered input, ms. */
  private rtt = 0;
  /** The least interval the server last asked for (0: none). */
  private pace = 0;
  private timer: unknown = null;
  /** Folded answers: fires when the oldest input in flight has waited `timeoutMs`. */
  private deadline: unknown = null;
  private open = false;
  private generation = 0;
  private window: number;
  /**
   * Inputs allowed in flight now: 1 at first and after a timeout, growing by each input answered
   * up to `window` (TCP's slow start): a phone whose answers stopped coming (a server far behind)
   * sends one input per timeout, not a window's worth, so it never piles work up on that server.
   */
  private cwnd = 1;
  onOutcome: (msg: OutgoingInput, r: SendOutcome) => void = () => {};

  constructor(
    private readonly deps: SenderDeps,
    private readonly opts: SenderOptions = { minIntervalMs: 50, maxEvents: 8, backoffMs: 300, rttFactor: 2 },
  ) {
    this.window = Math.max(1, Math.floor(opts.window ?? 1));
  }

  /** Sending is allowed (joined and playing). While closed, input is dropped: stale input is worthless. */
  setOpen(open: boolean): void {
    this.open = open;
    if (!open) this.clear();
    else this.pump();
  }

  /** Latest value of a continuous control (xy, tilt, slider): replaces any unsent value. */
  state(input: string, value: InputValue): void {
    if (!this.open) return;
    this.states.delete(input);
    this.states.set(input, value);
    this.pump();
  }

  /** A discrete event (button press, a word): queued, oldest dropped past `maxEvents`. */
  event(input: string, value: InputValue): void {
    if (!this.open) return;
    this.events.push({ input, value });
    if (this.events.length > this.opts.maxEvents) this.events.shift();
    this.pump();
  }

  clear(): void {
    this.states.clear();
    this.events = [];
  }

  /** The connection dropped: answers still on the way will never come. */
  reset(): void {
    this.generation++;
    this.inFlight = [];
    this.cwnd = 1;
    if (this.timer !== null) this.deps.clearTimeout(this.timer);
    this.timer = null;
    this.stopDeadline();
  }

  /** A folded answer from the server (`visitor:acked`, or an input socket's answer frame): every input up to `a.n` is answered. */
  answer(a: FoldedAck | AnswerFrame): void {
    if (typeof a !== 'object' || a === null || typeof a.n !== 'number') return;
    if (a.ok) this.settle(a.n, { ok: true, ...(typeof a.pace === 'number' ? { pace: a.pace } : {}) }, typeof a.h === 'number' ? a.h : 0);
    else this.settle(a.n, { ok: false, code: a.error?.code ?? 'internal', message: a.error?.message ?? '' }, 0);
  }

  /**
   * Inputs allowed unanswered, at most (the server's join answer may widen it: `ANSWER_NOW_WINDOW`).
   * Only between one and many: a sender made with one answer per input keeps it.
   */
  setWindow(window: number): void {
    if (this.window <= 1) return;
    this.window = Math.max(2, Math.floor(window));
    this.cwnd = Math.min(this.cwnd, this.window);
  }

  /** Every input sent is waiting for an answer: nothing more goes out until one comes. */
  get busy(): boolean {
    return this.inFlight.length >= this.cwnd;
  }

  /** Inputs sent and not answered yet. */
  get unanswered(): number {
    return this.inFlight.length;
  }

  get pending(): number {
    return this.states.size + this.events.length;
  }

  private pump(): void {
    if (!this.open || this.timer !== null) return;
    if (this.inFlight.length >= this.cwnd) return this.armDeadline();
    if (!this.events.length && !this.states.size) return;
    const now = this.deps.now();
    // At most one per minIntervalMs, and never more often than every rttFactor round trips: when
    // the server is busy its answers slow down, and phones then leave it room instead of keeping
    // a full queue (the latency stays low for everyone; the server stays just as busy).
    // And while the server says it is behind, at its pace (server/visitors/pacer.ts).
    const wait = Math.max(this.lastSent + Math.max(this.opts.minIntervalMs, this.opts.rttFactor * this.rtt, this.pace), this.holdUntil) - now;
    if (wait > 0) {
      this.timer = this.deps.setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    let msg: OutgoingInput;
    let isEvent = false;
    const ev = this.events.shift();
    if (ev) {
      msg = ev;
      isEvent = true;
    } else {
      const [input, value] = this.states.entries().next().value as [string, InputValue];
      this.states.delete(input);
      msg = { input, value };
    }
    msg.sentAt = this.deps.stamp();
    const n = this.nextN++;
    if (this.window > 1) msg.n = n;
    this.inFlight.push({ n, msg, at: now, isEvent });
    this.lastSent = now;
    const gen = this.generation;
    this.deps.send(
      msg,
      (r) => {
        if (gen === this.generation) this.settle(n, r, 0);
      },
      this.window > 1 && this.inFlight.length >= this.cwnd,
    );
  }

  /**
   * Input `n` was answered with `r`, and every input before it too: accepted (a refusal of `n`
   * tells that those before it were taken). `heldMs`: how long the server held the answer.
   */
  private settle(n: number, r: SendOutcome, heldMs: number): void {
    let done: InFlight | undefined;
    let settled = 0;
    while (this.inFlight.length && this.inFlight[0]!.n <= n) {
      const f = this.inFlight.shift()!;
      settled++;
      if (f.n === n) done = f;
      else this.onOutcome(f.msg, r.ok ? r : OK);
    }
    if (!done) return; // an answer to something already settled (a timeout, a reconnect)
    this.stopDeadline();
    this.cwnd = Math.min(this.window, this.cwnd + settled);
    if (r.ok) {
      this.rtt = Math.max(0, this.deps.now() - done.at - heldMs);
      this.pace = Math.min(5000, Math.max(0, r.pace ?? 0));
    } else if (r.code === 'rate_limited' || r.code === 'timeout') this.holdBack(done);
    this.onOutcome(done.msg, r);
    this.pump();
  }

  /** Backs off, and puts the input back unless something newer replaced it. */
  private holdBack(f: InFlight): void {
    this.holdUntil = this.deps.now() + this.opts.backoffMs;
    const { input, value } = f.msg;
    if (f.isEvent) this.events.unshift({ input, value });
    else if (!this.states.has(input)) this.states.set(input, value);
  }

  /** Folded answers: the window is full; if no answer comes for `timeoutMs`, what is in flight is lost. */
  private armDeadline(): void {
    const timeoutMs = this.opts.timeoutMs ?? 0;
    if (timeoutMs <= 0 || this.deadline !== null || !this.inFlight.length) return;
    const wait = Math.max(0, this.inFlight[0]!.at + timeoutMs - this.deps.now());
    this.deadline = this.deps.setTimeout(() => {
      this.deadline = null;
      const lost = this.inFlight;
      if (!lost.length) return;
      if (this.deps.now() - lost[0]!.at < timeoutMs) return this.pump();
      this.inFlight = [];
      this.cwnd = 1;
      const timeout: SendOutcome = { ok: false, code: 'timeout', message: 'no answer' };
      // The newest of each control goes again after the back-off (the older values are stale).
      for (let i = lost.length - 1; i >= 0; i--) this.holdBack(lost[i]!);
      for (const f of lost) this.onOutcome(f.msg, timeout);
      this.pump();
    }, wait);
  }

  private stopDeadline(): void {
    if (this.deadline === null) return;
    this.deps.clearTimeout(this.deadline);
    this.deadline = null;
  }
}
