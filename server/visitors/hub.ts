import type { Ack, VisitorListEntry, VisitorStats, VisitorView } from '../../protocol';
import { Membership } from './membership';
import { InputPipeline } from './pipeline';
import { DEFAULT_HUB_OPTIONS, GONE, type HubCounters, type HubOptions, type HubOutbox, type HubTimers, type InputAck, type Refusal, type Visitor, type WallInfo } from './options';

const NODE_TIMERS: HubTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/**
 * Visitors of every wall: membership and admission (membership.ts) and the input pipeline
 * (pipeline.ts, one lane per wall in lane.ts), kept in step with the show, and the clock that
 * drives both: heartbeat frames, input rates, expired places and bans. The per-input path
 * (`input`) allocates a few small objects and does no I/O. No sockets here.
 */
export class VisitorHub {
  private readonly o: HubOptions;
  private readonly members: Membership;
  private readonly pipeline: InputPipeline;
  private readonly heartbeat: unknown;
  private rateFrom: number;

  constructor(
    private readonly time: () => number,
    private readonly out: HubOutbox,
    private readonly timers: HubTimers = NODE_TIMERS,
    options: Partial<HubOptions> = {},
  ) {
    this.o = { ...DEFAULT_HUB_OPTIONS, ...options };
    this.pipeline = new InputPipeline(time, timers, this.o, out);
    this.members = new Membership(time, timers, this.o, out);
    this.rateFrom = time();
    this.heartbeat = timers.setInterval(() => this.tick(), Math.max(10, Math.min(this.o.heartbeatMs / 4, 250)));
  }

  stop(): void {
    this.timers.clearInterval(this.heartbeat);
    this.pipeline.stop();
    for (const w of this.members.walls.values()) this.members.stop(w);
  }

  /** Brings the walls in line with the show: caps, pause, piece switches (controls switch on every phone). */
  syncWalls(infos: readonly WallInfo[]): void {
    const seen = new Set<string>();
    let statsChanged = false;
    for (const info of infos) {
      seen.add(info.id);
      const w = this.members.walls.get(info.id);
      if (!w) this.members.open(info, this.pipeline.open(info.id, info.piece, info.inputOpen));
      else if (this.members.update(w, info)) statsChanged = true;
    }
    for (const [id, w] of this.members.walls) {
      if (seen.has(id)) continue;
      this.members.close(w);
      this.pipeline.close(w.lane);
      statsChanged = true;
    }
    if (statsChanged) this.out.statsChanged();
  }

  join(socketId: string, wallId: string, secret: string): Ack<{ view: VisitorView; visitor: Visitor }> {
    return this.members.join(socketId, wallId, secret);
  }

  /** Whether this visitor still has a place on its wall (not kicked, expired or closed). */
  isCurrent(v: Visitor): boolean {
    return this.members.isCurrent(v);
  }

  /** The hot path: one phone input, validated and merged by its wall's lane (lane.ts), answered through `done`. */
  input(v: Visitor, payload: unknown, done: (res: InputAck) => void): void {
    const w = this.members.walls.get(v.wallId);
    if (!w || w.visitors.get(v.secret) !== v) return done(this.pipeline.refuse(GONE));
    w.lane.input(v, payload, done);
  }

  /**
   * The same without a callback (folded acks, `visitor:put`: the transport answers; no closure per
   * input): null when the input was taken, else the refusal.
   */
  take(v: Visitor, payload: unknown): Refusal | null {
    const w = this.members.walls.get(v.wallId);
    if (!w || w.visitors.get(v.secret) !== v) return this.pipeline.refuse(GONE);
    return w.lane.take(v, payload);
  }

  /** The time the last input was taken at (one clock read per input, shared with the transport). */
  get lastInputAt(): number {
    return this.pipeline.lastNow;
  }

  /** The pace asked of phones while the server lags (ms between two sends), or 0. */
  get paceMs(): number {
    return this.pipeline.paceMs;
  }

  /** The server's event-loop lag (p99 ms over the last short window): sets the pace asked of phones. */
  loopLag(lagMs: number): void {
    this.pipeline.loopLag(lagMs);
  }

  /** The visitor's socket went away: they vanish from the wall but keep their place for `graceMs`. */
  disconnect(v: Visitor, socketId: string): void {
    this.members.disconnect(v, socketId);
  }

  /** Removes every visitor with this public id from every wall, and keeps them out for `banMs`. */
  kick(publicId: string): number {
    return this.members.kick(publicId);
  }

  stats(wallId: string): VisitorStats {
    const w = this.members.walls.get(wallId);
    if (!w) return { visitors: 0, inputsPerSecond: 0, queue: 0 };
    return { visitors: w.lane.size, inputsPerSecond: w.lane.inputsPerSecond, queue: w.admission.queueLength };
  }

  /** Who is on a wall (public ids only), for the control panel's kick list. `connected`: false while a dropped phone's place is held. */
  list(wallId: string): VisitorListEntry[] {
    return this.members.list(wallId);
  }

  /** How long a kicked visitor is kept out (the control panel says so before a kick). */
  get banMs(): number {
    return this.o.banMs;
  }

  /** Totals since start, over all walls (benchmarks and diagnostics). */
  counters(): HubCounters {
    return this.pipeline.counters();
  }

  /** A few times a second: heartbeats; once a second: input rates, expired grace periods and bans. */
  tick(): void {
    const now = this.time();
    this.pipeline.heartbeats(now);
    const elapsed = now - this.rateFrom;
    if (elapsed < 995) return;
    this.rateFrom = now;
    const ratesChanged = this.pipeline.sampleRates(elapsed);
    const someoneLeft = this.members.expire(now);
    if (ratesChanged || someoneLeft) this.out.statsChanged();
  }
}
