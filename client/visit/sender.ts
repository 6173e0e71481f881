import type { InputValue, PayloadOf, VisitorClientToServer } from '../../protocol/plain';

/** One input as the phone sends it (`visitor:input`). */
export type OutgoingInput = PayloadOf<VisitorClientToServer, 'visitor:input'>;
/** `pace`: the server is behind and asks for at least this many ms between two sends. */
export type SendOutcome = { ok: true; pace?: number } | { ok: false; code: string; message: string };

export interface SenderDeps {
  /** Sends one input; `done` is called once with the server's answer (or a timeout). */
  send(msg: OutgoingInput, done: (r: SendOutcome) => void): void;
  now(): number;
  /** Show-time stamp for latency diagnostics. */
  stamp(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(h: unknown): void;
}

/**
 * Paces a phone's input: one message in flight, at most one per `minIntervalMs`, and only the
 * latest state of each continuous control. Discrete events (button, text) queue (a few at most)
 * and go first. Pure: the transport and the clock are passed in.
 */
export class InputSender {
  private readonly states = new Map<string, InputValue>();
  private events: OutgoingInput[] = [];
  private inFlight = false;
  private lastSent = -Infinity;
  private holdUntil = -Infinity;
  /** Round trip of the last answered input, ms. */
  private rtt = 0;
  /** The least interval the server last asked for (0: none). */
  private pace = 0;
  private timer: unknown = null;
  private open = false;
  private generation = 0;
  onOutcome: (msg: OutgoingInput, r: SendOutcome) => void = () => {};

  constructor(
    private readonly deps: SenderDeps,
    private readonly opts = { minIntervalMs: 50, maxEvents: 8, backoffMs: 300, rttFactor: 2 },
  ) {}

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
    this.inFlight = false;
    if (this.timer !== null) this.deps.clearTimeout(this.timer);
    this.timer = null;
  }

  get busy(): boolean {
    return this.inFlight;
  }

  get pending(): number {
    return this.states.size + this.events.length;
  }

  private pump(): void {
    if (!this.open || this.inFlight || this.timer !== null) return;
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
    this.inFlight = true;
    this.lastSent = now;
    const gen = this.generation;
    this.deps.send(msg, (r) => {
      if (gen !== this.generation) return;
      this.inFlight = false;
      if (r.ok) {
        this.rtt = this.deps.now() - now;
        this.pace = Math.min(5000, Math.max(0, r.pace ?? 0));
      }
      if (!r.ok && (r.code === 'rate_limited' || r.code === 'timeout')) {
        this.holdUntil = this.deps.now() + this.opts.backoffMs;
        // Put it back unless something newer replaced it.
        if (isEvent) this.events.unshift({ input: msg.input, value: msg.value });
        else if (!this.states.has(msg.input)) this.states.set(msg.input, msg.value);
      }
      this.onOutcome(msg, r);
      this.pump();
    });
  }
}
