import type { FoldedAck } from '../../protocol';
import type { Refusal } from './options';

/** One phone's folding state, kept on its connection: written in place, nothing allocated per input. */
export interface FoldSlot {
  /** The number of the latest accepted input not yet answered (owed), or of the last answered. */
  n: number;
  owed: boolean;
  /** When this phone was last answered (ms; -Infinity: never). */
  ackedAt: number;
  /** When its latest owed input came in (for `h`, the time the answer was held). */
  inAt: number;
  /** The phone flags a full window (input frames with answer-now): it is folded over the long window. */
  flags: boolean;
  /** The pace this phone was last told (0: none). */
  pace: number;
}

export const newFoldSlot = (): FoldSlot => ({ n: 0, owed: false, ackedAt: -Infinity, inAt: 0, flags: false, pace: 0 });

/**
 * Folded acks (`visitor:put` → `visitor:acked`): instead of one answer per input, at most one per
 * phone per `windowMs`, carrying the number of the latest accepted input and the pace. An input
 * that comes a window or more after the phone's last answer is answered at once (a phone that
 * sends rarely, or a button press after a pause, waits for nothing); the ones in between are owed,
 * and answered by the next input that crosses the window or by `sweep` (a few times a window).
 * Refusals are answered at once, and answer the owed inputs before them too (they were accepted).
 *
 * A phone that says when its window of unanswered inputs is full (an input frame with the
 * answer-now flag, protocol/visitor-wire.ts) has that input answered at once, and is otherwise
 * folded over `longWindowMs`: it never waits on a fold, so its answers need only be as frequent as
 * its round-trip estimate and the time-out need (one a second: 20 inputs per answer at 20 Hz
 * instead of 8; each answer is a socket write, the largest cost per input left, docs/performance.md).
 * A phone that never flags (an older page, `visitor:put`) keeps `windowMs`, which its window of 16
 * outlasts. Either way, a pace higher than the one a phone was last told is answered at its next
 * input once `windowMs` has passed since its last answer: a server that falls behind is heard as
 * soon as with the short window, and a crowd's answers are no more frequent while it slows down.
 * Pure: time is passed in; `S` is whatever the transport keeps per phone (its socket).
 */
export class AckFolder<S> {
  private readonly owing = new Set<S>();
  readonly longWindowMs: number;

  constructor(
    readonly windowMs: number,
    private readonly slotOf: (s: S) => FoldSlot,
    private readonly send: (s: S, ack: FoldedAck) => void,
    private readonly pace: () => number,
    longWindowMs = windowMs,
  ) {
    this.longWindowMs = Math.max(windowMs, longWindowMs);
  }

  /** Phones owed an answer. */
  get owed(): number {
    return this.owing.size;
  }

  /** Input `n` of this phone was accepted at `now`; `answerNow`: it filled the phone's window (answer it at once). */
  accepted(s: S, n: number, now: number, answerNow = false): void {
    const slot = this.slotOf(s);
    slot.n = n;
    if (answerNow) slot.flags = true;
    const since = now - slot.ackedAt;
    if (answerNow || since >= (slot.flags ? this.longWindowMs : this.windowMs)) return this.answer(s, slot, now, false);
    if (since >= this.windowMs && this.pace() > slot.pace) return this.answer(s, slot, now, false);
    slot.inAt = now;
    if (!slot.owed) {
      slot.owed = true;
      this.owing.add(s);
    }
  }

  /** Input `n` was refused: answered at once (it also answers the owed inputs before it). */
  refused(s: S, n: number, r: Readonly<Refusal>, now: number): void {
    const slot = this.slotOf(s);
    this.release(s, slot);
    slot.ackedAt = now;
    this.send(s, { ok: false, n, error: r.error });
  }

  /** Answers every phone whose owed inputs have waited a window since its last answer. */
  sweep(now: number): void {
    for (const s of this.owing) {
      const slot = this.slotOf(s);
      if (now - slot.ackedAt >= (slot.flags ? this.longWindowMs : this.windowMs)) this.answer(s, slot, now, true);
    }
  }

  /** The phone went away. */
  forget(s: S): void {
    this.owing.delete(s);
  }

  private answer(s: S, slot: FoldSlot, now: number, held: boolean): void {
    this.release(s, slot);
    slot.ackedAt = now;
    const pace = (slot.pace = this.pace());
    const h = held ? Math.max(0, Math.round(now - slot.inAt)) : 0;
    this.send(s, pace ? (h ? { ok: true, n: slot.n, pace, h } : { ok: true, n: slot.n, pace }) : h ? { ok: true, n: slot.n, h } : { ok: true, n: slot.n });
  }

  private release(s: S, slot: FoldSlot): void {
    if (!slot.owed) return;
    slot.owed = false;
    this.owing.delete(s);
  }
}
