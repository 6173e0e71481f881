import { fail, type Ack, type ErrorCode, type PieceSummary, type VisitorView } from '../../protocol';
import { Admission } from './admission';
import { hueOf, publicIdOf } from './identity';
import { InputMerger, type MergerCounters } from './merger';
import { TokenBucket } from './rate-limit';
import { Pacer } from './pacer';
import { checkInput, compileInputs, type InputTable } from './validate';
import {
  CLOSED,
  DEFAULT_HUB_OPTIONS,
  GONE,
  NOT_JOINED,
  PAUSED,
  QUEUED,
  RATE_LIMITED,
  type HubCounters,
  type HubOptions,
  type HubOutbox,
  type HubTimers,
  type Visitor,
  type VisitorStats,
  type WallInfo,
} from './options';

export * from './options';

interface WallState {
  info: WallInfo;
  pieceKey: string;
  pieceView: VisitorView['piece'];
  table: InputTable | null;
  merger: InputMerger;
  admission: Admission;
  visitors: Map<string, Visitor>;
  timer: unknown;
  lastFlushAt: number;
  queueTimer: unknown;
  inputs: number;
  inputsPerSecond: number;
  /** Answers owed to the inputs merged since the last frame. */
  acks: Array<(res: Ack<{ seq: number; pace?: number }>) => void>;
}

/**
 * Visitors of every wall: admission and queue, rate limits, validation against the current
 * piece, and per-wall input frames flushed at most once per `frameMs`. The per-input path
 * (`input`) allocates a few small objects and does no I/O.
 */
export class VisitorHub {
  private readonly o: HubOptions;
  private readonly walls = new Map<string, WallState>();
  private readonly gone = new Set<Visitor>();
  private readonly bans = new Map<string, number>();
  private seq = 0;
  private readonly nextSeq = () => ++this.seq;
  private readonly heartbeat: unknown;
  private readonly refusedBy: Record<string, number> = {};
  private closedCounters: MergerCounters = { accepted: 0, coalesced: 0, dropped: 0, frames: 0 };
  private rateFrom: number;
  /** Asks phones to slow down while the server lags (fed by the transport: `loopLag`). */
  private readonly pacer = new Pacer();

  constructor(
    private readonly time: () => number,
    private readonly out: HubOutbox,
    private readonly timers: HubTimers = {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      setInterval: (fn, ms) => setInterval(fn, ms),
      clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
    },
    options: Partial<HubOptions> = {},
  ) {
    this.o = { ...DEFAULT_HUB_OPTIONS, ...options };
    this.rateFrom = time();
    this.heartbeat = timers.setInterval(() => this.tick(), Math.max(10, Math.min(this.o.heartbeatMs / 4, 250)));
  }

  stop(): void {
    this.timers.clearInterval(this.heartbeat);
    for (const w of this.walls.values()) this.stopWall(w);
  }

  /** Brings the walls in line with the show: caps, pause, piece switches (controls switch on every phone). */
  syncWalls(infos: readonly WallInfo[]): void {
    const seen = new Set<string>();
    let statsChanged = false;
    for (const info of infos) {
      seen.add(info.id);
      const w = this.walls.get(info.id);
      if (!w) {
        this.walls.set(info.id, this.createWall(info));
        continue;
      }
      const prev = w.info;
      w.info = info;
      const key = pieceKey(info.piece);
      const pieceChanged = key !== w.pieceKey;
      if (pieceChanged) {
        const switched = prev.piece?.id !== info.piece?.id;
        w.pieceKey = key;
        w.pieceView = pieceView(info.piece);
        w.table = info.piece ? compileInputs(info.piece.inputs) : null;
        if (switched) w.merger.resetInputs();
        this.requestFlush(w, this.time());
      }
      const promoted = info.cap !== w.admission.capacity ? w.admission.setCap(info.cap) : [];
      for (const secret of promoted) this.promote(w, secret);
      if (promoted.length) {
        statsChanged = true;
        this.queueChanged(w);
      }
      if (pieceChanged || prev.inputOpen !== info.inputOpen || prev.name !== info.name) this.pushViews(w);
    }
    for (const [id, w] of this.walls) {
      if (seen.has(id)) continue;
      this.closeWall(w);
      statsChanged = true;
    }
    if (statsChanged) this.out.statsChanged();
  }

  join(socketId: string, wallId: string, secret: string): Ack<{ view: VisitorView; visitor: Visitor }> {
    const w = this.walls.get(wallId);
    if (!w) return fail('unknown_wall', `there is no wall '${wallId}'; scan the code shown on the wall again`);
    const now = this.time();
    const banned = this.bans.get(secret);
    if (banned !== undefined && banned > now) return fail('forbidden', 'the staff removed you from this wall; you can come back a little later');
    let v = w.visitors.get(secret);
    if (v) {
      if (v.socketId && v.socketId !== socketId)
        this.out.kicked(v.socketId, { message: 'this wall was opened in another tab or window; carry on there', reason: 'replaced' });
      v.socketId = socketId;
      this.gone.delete(v);
      if (v.status === 'gone') v.status = w.admission.isPlaying(secret) ? 'playing' : 'queued';
    } else {
      const place = w.admission.join(secret);
      if (place.status === 'full') return fail('not_allowed_now', 'this wall is full and so is its queue; try again in a few minutes');
      const id = publicIdOf(secret);
      v = { secret, id, hue: hueOf(id), joinedAt: Math.round(now), wallId, socketId, status: place.status, goneAt: 0, bucket: new TokenBucket(this.o.ratePerSecond, this.o.burst, now) };
      w.visitors.set(secret, v);
    }
    if (v.status === 'playing') {
      w.merger.add(v);
      this.requestFlush(w, now);
    }
    this.out.statsChanged();
    return { ok: true, view: this.viewOf(w, v), visitor: v };
  }

  /** Whether this visitor still has a place on its wall (not kicked, expired or closed). */
  isCurrent(v: Visitor): boolean {
    return this.walls.get(v.wallId)?.visitors.get(v.secret) === v;
  }

  /**
   * The hot path: one phone input, answered at once (`seq`: the last frame issued before it; the
   * input rides in the first later frame of its wall). With `ackWithFrame` the answer waits for
   * that frame instead: measured slower here (longer round trips, and a burst of acks after every
   * frame holds the event loop; docs/performance.md), so it is off by default.
   */
  input(v: Visitor, payload: unknown, done: (res: Ack<{ seq: number; pace?: number }>) => void): void {
    const w = this.walls.get(v.wallId);
    if (!w || w.visitors.get(v.secret) !== v) return done(this.refuse(GONE));
    if (v.status !== 'playing') return done(this.refuse(v.status === 'queued' ? QUEUED : NOT_JOINED));
    if (!w.table) return done(this.refuse(CLOSED));
    if (!w.info.inputOpen) return done(this.refuse(PAUSED));
    const now = this.time();
    if (!v.bucket.take(now)) return done(this.refuse(RATE_LIMITED));
    const c = checkInput(w.table, payload);
    if ('code' in c) return done(this.refuse({ ok: false, error: c }));
    w.merger.put(v.id, c, now);
    w.inputs++;
    if (this.o.ackWithFrame) w.acks.push(done);
    else done(this.accepted(this.seq));
    // A frame is due: send it now rather than after this burst of network events (under load one
    // poll phase can take longer than a frame, and the timer would only run after it).
    if (now - w.lastFlushAt >= this.o.frameMs) this.flush(w, false, now);
    else if (w.timer === null) this.requestFlush(w, now);
  }

  /** The server's event-loop lag (p99 ms over the last short window): sets the pace asked of phones. */
  loopLag(lagMs: number): void {
    this.pacer.sample(lagMs);
  }

  /** The visitor's socket went away: they vanish from the wall but keep their place for `graceMs`. */
  disconnect(v: Visitor, socketId: string): void {
    if (v.socketId !== socketId) return;
    const w = this.walls.get(v.wallId);
    v.socketId = null;
    if (!w || w.visitors.get(v.secret) !== v) return;
    v.status = v.status === 'playing' || w.admission.isPlaying(v.secret) ? 'gone' : v.status;
    v.goneAt = this.time();
    this.gone.add(v);
    if (w.merger.has(v.id)) {
      w.merger.remove(v.id);
      this.requestFlush(w, v.goneAt);
    }
    this.out.statsChanged();
  }

  /** Removes every visitor with this public id from every wall, and keeps them out for `banMs`. */
  kick(publicId: string): number {
    let n = 0;
    for (const w of this.walls.values()) {
      for (const v of w.visitors.values()) {
        if (v.id !== publicId) continue;
        n++;
        this.bans.set(v.secret, this.time() + this.o.banMs);
        if (v.socketId) this.out.kicked(v.socketId, { message: 'the staff removed you from this wall', reason: 'kick' });
        this.remove(w, v);
      }
    }
    if (n) this.out.statsChanged();
    return n;
  }

  stats(wallId: string): VisitorStats {
    const w = this.walls.get(wallId);
    if (!w) return { visitors: 0, inputsPerSecond: 0, queue: 0 };
    return { visitors: w.merger.size, inputsPerSecond: w.inputsPerSecond, queue: w.admission.queueLength };
  }

  /** Who is on a wall (public ids only), for the control panel's kick list. `connected`: false while a dropped phone's place is held. */
  list(wallId: string): Array<{ id: string; hue: number; joinedAt: number; status: Visitor['status']; queuePosition: number; connected: boolean }> {
    const w = this.walls.get(wallId);
    if (!w) return [];
    return [...w.visitors.values()].map((v) => ({ id: v.id, hue: v.hue, joinedAt: v.joinedAt, status: v.status, queuePosition: w.admission.position(v.secret), connected: v.socketId !== null }));
  }

  /** How long a kicked visitor is kept out (the control panel says so before a kick). */
  get banMs(): number {
    return this.o.banMs;
  }

  /** Totals since start, over all walls (benchmarks and diagnostics). */
  counters(): HubCounters {
    const c = { ...this.closedCounters, refused: { ...this.refusedBy } };
    for (const w of this.walls.values()) {
      c.accepted += w.merger.counters.accepted;
      c.coalesced += w.merger.counters.coalesced;
      c.dropped += w.merger.counters.dropped;
      c.frames += w.merger.counters.frames;
    }
    return c;
  }

  /** A few times a second: heartbeats; once a second: input rates, expired grace periods and bans. */
  tick(): void {
    const now = this.time();
    let changed = false;
    for (const w of this.walls.values()) if (now - w.lastFlushAt >= this.o.heartbeatMs - 5) this.flush(w, true);
    const elapsed = now - this.rateFrom;
    if (elapsed < 995) return;
    this.rateFrom = now;
    for (const w of this.walls.values()) {
      const rate = Math.round((w.inputs * 1000) / elapsed);
      if (rate !== w.inputsPerSecond) changed = true;
      w.inputsPerSecond = rate;
      w.inputs = 0;
    }
    for (const v of this.gone) {
      if (now - v.goneAt < this.o.graceMs) continue;
      this.gone.delete(v);
      const w = this.walls.get(v.wallId);
      if (w && w.visitors.get(v.secret) === v && !v.socketId) {
        this.remove(w, v);
        changed = true;
      }
    }
    for (const [secret, until] of this.bans) if (until <= now) this.bans.delete(secret);
    if (changed) this.out.statsChanged();
  }

  private refuse(r: Readonly<{ ok: false; error: { code: ErrorCode; message: string } }>): { ok: false; error: { code: ErrorCode; message: string } } {
    this.refusedBy[r.error.code] = (this.refusedBy[r.error.code] ?? 0) + 1;
    return r;
  }

  private createWall(info: WallInfo): WallState {
    return {
      info,
      pieceKey: pieceKey(info.piece),
      pieceView: pieceView(info.piece),
      table: info.piece ? compileInputs(info.piece.inputs) : null,
      merger: new InputMerger(info.id, { maxEventsPerFrame: this.o.maxEventsPerFrame, nextSeq: this.nextSeq }),
      admission: new Admission(info.cap, this.o.maxQueue),
      visitors: new Map(),
      timer: null,
      lastFlushAt: -Infinity,
      queueTimer: null,
      inputs: 0,
      inputsPerSecond: 0,
      acks: [],
    };
  }

  private closeWall(w: WallState): void {
    for (const v of w.visitors.values()) {
      v.status = 'gone';
      if (v.socketId) this.out.view(v.socketId, { ...this.viewOf(w, v), status: 'closed', piece: null, queuePosition: 0 });
      this.gone.delete(v);
    }
    const c = w.merger.counters;
    this.closedCounters = { accepted: this.closedCounters.accepted + c.accepted, coalesced: this.closedCounters.coalesced + c.coalesced, dropped: this.closedCounters.dropped + c.dropped, frames: this.closedCounters.frames + c.frames };
    this.stopWall(w);
    this.walls.delete(w.info.id);
  }

  private stopWall(w: WallState): void {
    this.answer(w, this.seq);
    if (w.timer !== null) this.timers.clearTimeout(w.timer);
    if (w.queueTimer !== null) this.timers.clearTimeout(w.queueTimer);
    w.timer = w.queueTimer = null;
  }

  private remove(w: WallState, v: Visitor): void {
    w.visitors.delete(v.secret);
    this.gone.delete(v);
    v.status = 'gone';
    v.socketId = null;
    if (w.merger.has(v.id)) {
      w.merger.remove(v.id);
      this.requestFlush(w, this.time());
    }
    const { promoted, queueChanged } = w.admission.leave(v.secret);
    for (const secret of promoted) this.promote(w, secret);
    if (queueChanged) this.queueChanged(w);
  }

  private promote(w: WallState, secret: string): void {
    const v = w.visitors.get(secret);
    if (!v) return;
    if (!v.socketId) {
      v.status = 'gone';
      return;
    }
    v.status = 'playing';
    w.merger.add(v);
    this.requestFlush(w, this.time());
    this.out.view(v.socketId, this.viewOf(w, v));
  }

  /** Queue positions moved: tell the waiting phones, at most 4 times a second. */
  private queueChanged(w: WallState): void {
    if (w.queueTimer !== null) return;
    w.queueTimer = this.timers.setTimeout(() => {
      w.queueTimer = null;
      for (const secret of w.admission.queued()) {
        const v = w.visitors.get(secret);
        if (v?.socketId) this.out.view(v.socketId, this.viewOf(w, v));
      }
      this.out.statsChanged();
    }, 250);
  }

  private pushViews(w: WallState): void {
    for (const v of w.visitors.values()) if (v.socketId) this.out.view(v.socketId, this.viewOf(w, v));
  }

  private viewOf(w: WallState, v: Visitor): VisitorView {
    const queued = v.status === 'queued' || (v.status === 'gone' && !w.admission.isPlaying(v.secret));
    const status: VisitorView['status'] = !w.info.piece ? 'closed' : queued ? 'queued' : !w.info.inputOpen ? 'paused' : 'playing';
    return {
      wallId: w.info.id,
      wallName: w.info.name,
      status,
      queuePosition: queued ? w.admission.position(v.secret) : 0,
      piece: w.pieceView,
      hue: v.hue,
      visitorId: v.id,
    };
  }

  private requestFlush(w: WallState, now: number): void {
    if (w.timer !== null) return;
    const wait = Math.max(0, Math.ceil(w.lastFlushAt + this.o.frameMs - now));
    w.timer = this.timers.setTimeout(() => {
      w.timer = null;
      this.flush(w, false);
    }, wait);
  }

  private flush(w: WallState, heartbeat: boolean, now = this.time()): void {
    if (w.timer !== null) {
      this.timers.clearTimeout(w.timer);
      w.timer = null;
    }
    const f = heartbeat ? w.merger.frame(now) : w.merger.flush(now);
    if (f) {
      w.lastFlushAt = now;
      this.out.frame(w.info.id, f);
    }
    this.answer(w, f ? f.seq : this.seq);
  }

  /** The answer to an accepted input: in frame `seq`, with the pace asked of phones while the server lags. */
  private accepted(seq: number): { ok: true; seq: number; pace?: number } {
    const pace = this.pacer.paceMs;
    return pace ? { ok: true, seq, pace } : { ok: true, seq };
  }

  /** Acks every input merged since the last frame: they are in frame `seq`. */
  private answer(w: WallState, seq: number): void {
    if (!w.acks.length) return;
    const acks = w.acks;
    w.acks = [];
    const res = this.accepted(seq); // shared: socket.io encodes it at once
    for (const done of acks) {
      try {
        done(res);
      } catch {
        /* a client that went away */
      }
    }
  }
}

function pieceKey(p: PieceSummary | null): string {
  return p ? JSON.stringify([p.id, p.version, p.title, p.artist, p.inputs]) : '';
}

function pieceView(p: PieceSummary | null): VisitorView['piece'] {
  return p ? { id: p.id, title: p.title, artist: p.artist, description: p.description, inputs: p.inputs } : null;
}
