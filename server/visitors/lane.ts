import type { PieceSummary } from '../../protocol';
import { InputMerger } from './merger';
import { checkInput, compileInputs, type InputTable } from './validate';
import { CLOSED, NOT_JOINED, PAUSED, QUEUED, RATE_LIMITED, type InputAck, type Refusal, type Visitor } from './options';
import type { InputPipeline } from './pipeline';

/**
 * One wall's input pipeline: the current piece's input table, the merger, and the frame and ack
 * timing (at most one frame per `frameMs`, a heartbeat frame when nothing changed). Membership
 * (who plays) is decided elsewhere (membership.ts); the lane only hears who starts and stops playing.
 */
export class InputLane {
  /** Whether the staff let visitor input through on this wall. */
  inputOpen: boolean;
  inputsPerSecond = 0;
  private table: InputTable | null;
  private readonly merger: InputMerger;
  private readonly frameMs: number;
  private readonly ackWithFrame: boolean;
  private timer: unknown = null;
  private lastFlushAt = -Infinity;
  private inputs = 0;
  /** Answers owed to the inputs merged since the last frame (`ackWithFrame`). */
  private acks: Array<(res: InputAck) => void> = [];

  constructor(
    readonly wallId: string,
    piece: PieceSummary | null,
    inputOpen: boolean,
    private readonly p: InputPipeline,
  ) {
    this.inputOpen = inputOpen;
    this.table = piece ? compileInputs(piece.inputs) : null;
    this.merger = new InputMerger(wallId, { maxEventsPerFrame: p.o.maxEventsPerFrame, nextSeq: p.nextSeq });
    this.frameMs = p.o.frameMs;
    this.ackWithFrame = p.o.ackWithFrame;
  }

  /** Visitors playing (in the frames). */
  get size(): number {
    return this.merger.size;
  }

  get counters(): InputMerger['counters'] {
    return this.merger.counters;
  }

  /** The wall's piece changed: new controls; `switched` (another piece, not a new version of it) forgets old input. */
  setPiece(piece: PieceSummary | null, switched: boolean): void {
    this.table = piece ? compileInputs(piece.inputs) : null;
    if (switched) this.merger.resetInputs();
    this.requestFlush(this.p.time());
  }

  /** A visitor starts playing: they are in the next frame. */
  play(v: Visitor, now: number): void {
    this.merger.add(v);
    this.requestFlush(now);
  }

  /** A visitor stops playing (left, kicked, or only their connection dropped): they leave the frames. */
  leave(id: string, now: number): void {
    if (!this.merger.has(id)) return;
    this.merger.remove(id);
    this.requestFlush(now);
  }

  /**
   * The hot path: one input of a visitor who has a place on this wall, answered at once (`seq`:
   * the last frame issued before it; the input rides in the first later frame of its wall). With
   * `ackWithFrame` the answer waits for that frame instead: measured slower here (longer round
   * trips, and a burst of acks after every frame holds the event loop; docs/performance.md), so it
   * is off by default.
   */
  input(v: Visitor, payload: unknown, done: (res: InputAck) => void): void {
    const r = this.merge(v, payload);
    if (r !== null) return done(this.p.refuse(r));
    const p = this.p;
    if (this.ackWithFrame) this.acks.push(done);
    else done(p.accepted(p.seq));
    this.afterMerge(p.lastNow);
  }

  /** The same without an answer (folded acks: the transport answers, server/visitors/acks.ts): null when taken, else the refusal. */
  take(v: Visitor, payload: unknown): Refusal | null {
    const r = this.merge(v, payload);
    if (r !== null) return this.p.refuse(r);
    this.afterMerge(this.p.lastNow);
    return null;
  }

  /** Checks and merges one input: null when merged, else why not. Reads the clock once (kept in `p.lastNow`). */
  private merge(v: Visitor, payload: unknown): Readonly<Refusal> | null {
    const p = this.p;
    if (v.status !== 'playing') return v.status === 'queued' ? QUEUED : NOT_JOINED;
    if (!this.table) return CLOSED;
    if (!this.inputOpen) return PAUSED;
    const now = (p.lastNow = p.time());
    if (!v.bucket.take(now)) return RATE_LIMITED;
    const c = checkInput(this.table, payload);
    if ('code' in c) return { ok: false, error: c };
    this.merger.put(v.id, c, now);
    this.inputs++;
    return null;
  }

  /** A frame is due: send it now rather than after this burst of network events (under load one
   * poll phase can take longer than a frame, and the timer would only run after it). */
  private afterMerge(now: number): void {
    if (now - this.lastFlushAt >= this.frameMs) this.flush(false, now);
    else if (this.timer === null) this.requestFlush(now);
  }

  /** A frame even when nothing changed, when none went out for about `heartbeatMs`. */
  heartbeat(now: number, heartbeatMs: number): void {
    if (now - this.lastFlushAt >= heartbeatMs - 5) this.flush(true);
  }

  /** Counts the inputs of the last `elapsedMs` as a rate; true when the rate changed. */
  sampleRate(elapsedMs: number): boolean {
    const rate = Math.round((this.inputs * 1000) / elapsedMs);
    const changed = rate !== this.inputsPerSecond;
    this.inputsPerSecond = rate;
    this.inputs = 0;
    return changed;
  }

  /** Answers what is owed and stops the frame timer (the wall closed, or the hub stopped). */
  stop(): void {
    this.answer(this.p.seq);
    if (this.timer !== null) this.p.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private requestFlush(now: number): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, Math.ceil(this.lastFlushAt + this.frameMs - now));
    this.timer = this.p.timers.setTimeout(() => {
      this.timer = null;
      this.flush(false);
    }, wait);
  }

  private flush(heartbeat: boolean, now = this.p.time()): void {
    if (this.timer !== null) {
      this.p.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    const f = heartbeat ? this.merger.frame(now) : this.merger.flush(now);
    if (f) {
      this.lastFlushAt = now;
      this.p.out.frame(this.wallId, f);
    }
    this.answer(f ? f.seq : this.p.seq);
  }

  /** Acks every input merged since the last frame: they are in frame `seq`. */
  private answer(seq: number): void {
    if (!this.acks.length) return;
    const acks = this.acks;
    this.acks = [];
    const res = this.p.accepted(seq); // shared: socket.io encodes it at once
    for (const done of acks) {
      try {
        done(res);
      } catch {
        /* a client that went away */
      }
    }
  }
}
