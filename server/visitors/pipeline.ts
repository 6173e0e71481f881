import type { PieceSummary } from '../../protocol';
import type { MergerCounters } from './merger';
import { DEFAULT_PACER, Pacer } from './pacer';
import { InputLane } from './lane';
import type { Accepted, HubCounters, HubOptions, HubOutbox, HubTimers, Refusal } from './options';

/**
 * The input pipeline of every wall: one lane per wall (lane.ts), and what the lanes share: the
 * frame sequence, the pace asked of phones while the server lags, and the totals for benchmarks.
 */
export class InputPipeline {
  private lastSeq = 0;
  /** Numbers frames across all walls. */
  readonly nextSeq = () => ++this.lastSeq;
  private readonly lanes = new Set<InputLane>();
  /** Asks phones to slow down while the server lags (fed by the transport: `loopLag`). */
  private readonly pacer: Pacer;
  private readonly refusedBy: Record<string, number> = {};
  private closedCounters: MergerCounters = { accepted: 0, coalesced: 0, dropped: 0, frames: 0 };
  /** The last answer to an accepted input, shared by every input until the frame or the pace changes. */
  private lastAccepted: Accepted = { ok: true, seq: 0 };
  /** The time the last input was taken at (the transport's folded acks reuse it). */
  lastNow = 0;

  constructor(
    readonly time: () => number,
    readonly timers: HubTimers,
    readonly o: HubOptions,
    readonly out: Pick<HubOutbox, 'frame'>,
  ) {
    this.pacer = new Pacer({ ...DEFAULT_PACER, ...o.pacer });
  }

  /** The last frame sequence issued, on any wall. */
  get seq(): number {
    return this.lastSeq;
  }

  /** Opens the lane of a new wall. */
  open(wallId: string, piece: PieceSummary | null, inputOpen: boolean): InputLane {
    const lane = new InputLane(wallId, piece, inputOpen, this);
    this.lanes.add(lane);
    return lane;
  }

  /** The wall closed: its owed acks are answered and its totals kept. */
  close(lane: InputLane): void {
    const c = lane.counters;
    const t = this.closedCounters;
    this.closedCounters = { accepted: t.accepted + c.accepted, coalesced: t.coalesced + c.coalesced, dropped: t.dropped + c.dropped, frames: t.frames + c.frames };
    lane.stop();
    this.lanes.delete(lane);
  }

  stop(): void {
    for (const lane of this.lanes) lane.stop();
  }

  /** The server's event-loop lag (p99 ms over the last short window): sets the pace asked of phones. */
  loopLag(lagMs: number): void {
    this.pacer.sample(lagMs);
  }

  heartbeats(now: number): void {
    for (const lane of this.lanes) lane.heartbeat(now, this.o.heartbeatMs);
  }

  /** Input rates over the last `elapsedMs`; true when any changed. */
  sampleRates(elapsedMs: number): boolean {
    let changed = false;
    for (const lane of this.lanes) if (lane.sampleRate(elapsedMs)) changed = true;
    return changed;
  }

  /** Counts a refusal by its code (benchmarks and diagnostics), and returns it. */
  refuse(r: Readonly<Refusal>): Refusal {
    this.refusedBy[r.error.code] = (this.refusedBy[r.error.code] ?? 0) + 1;
    return r;
  }

  /** The answer to an accepted input: in frame `seq`, with the pace asked of phones while the server lags. */
  accepted(seq: number): Accepted {
    const pace = this.pacer.paceMs;
    const last = this.lastAccepted;
    if (last.seq === seq && (last.pace ?? 0) === pace) return last;
    // Frozen: one object answers every input of a frame (socket.io encodes each answer at once).
    return (this.lastAccepted = Object.freeze(pace ? { ok: true, seq, pace } : { ok: true, seq }) as Accepted);
  }

  /** The pace asked of phones (ms between two sends), or 0 for none. */
  get paceMs(): number {
    return this.pacer.paceMs;
  }

  /** Totals since start, over all walls. */
  counters(): HubCounters {
    const c = { ...this.closedCounters, refused: { ...this.refusedBy } };
    for (const lane of this.lanes) {
      const l = lane.counters;
      c.accepted += l.accepted;
      c.coalesced += l.coalesced;
      c.dropped += l.dropped;
      c.frames += l.frames;
    }
    return c;
  }
}
