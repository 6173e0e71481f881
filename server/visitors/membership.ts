import { fail, type Ack, type PieceSummary, type VisitorListEntry, type VisitorView } from '../../protocol';
import { Admission } from './admission';
import { hueOf, publicIdOf } from './identity';
import { TokenBucket } from './rate-limit';
import type { InputLane } from './lane';
import type { HubOptions, HubOutbox, HubTimers, Visitor, WallInfo } from './options';

/** Who is on one wall: its admission (players and queue), its visitors by secret, and its input lane. */
export interface WallMembers {
  info: WallInfo;
  /** What of the piece the phones see; changes only when that does. */
  pieceKey: string;
  pieceView: VisitorView['piece'];
  readonly admission: Admission;
  readonly visitors: Map<string, Visitor>;
  readonly lane: InputLane;
  queueTimer: unknown;
}

/**
 * Membership of every wall: joins, admission and queue, held places of dropped phones (`graceMs`),
 * kicks and bans, and the views the phones are told. Who starts or stops playing is passed on to
 * the wall's input lane.
 */
export class Membership {
  readonly walls = new Map<string, WallMembers>();
  private readonly gone = new Set<Visitor>();
  /** Kicked public ids, until when: by public id, so that a kick keeps out a phone this node never had (another node's kick, server/cluster/kicks.ts). */
  private readonly bans = new Map<string, number>();

  constructor(
    private readonly time: () => number,
    private readonly timers: HubTimers,
    private readonly o: HubOptions,
    private readonly out: HubOutbox,
  ) {}

  open(info: WallInfo, lane: InputLane): void {
    const pieceKey = keyOf(info.piece);
    this.walls.set(info.id, { info, pieceKey, pieceView: pieceView(info.piece), admission: new Admission(info.cap, this.o.maxQueue), visitors: new Map(), lane, queueTimer: null });
  }

  /** The wall changed in the show (cap, pause, name, piece); true when visitors were promoted from the queue. */
  update(w: WallMembers, info: WallInfo): boolean {
    const prev = w.info;
    w.info = info;
    w.lane.inputOpen = info.inputOpen;
    const key = keyOf(info.piece);
    const pieceChanged = key !== w.pieceKey;
    if (pieceChanged) {
      w.pieceKey = key;
      w.pieceView = pieceView(info.piece);
      w.lane.setPiece(info.piece, prev.piece?.id !== info.piece?.id);
    }
    const promoted = info.cap !== w.admission.capacity ? w.admission.setCap(info.cap) : [];
    for (const secret of promoted) this.promote(w, secret);
    if (promoted.length) this.queueChanged(w);
    if (pieceChanged || prev.inputOpen !== info.inputOpen || prev.name !== info.name) this.pushViews(w);
    return promoted.length > 0;
  }

  /** The wall left the show: its phones are told it closed. */
  close(w: WallMembers): void {
    for (const v of w.visitors.values()) {
      v.status = 'gone';
      if (v.socketId) this.out.view(v.socketId, { ...this.viewOf(w, v), status: 'closed', piece: null, queuePosition: 0 });
      this.gone.delete(v);
    }
    this.stop(w);
    this.walls.delete(w.info.id);
  }

  stop(w: WallMembers): void {
    if (w.queueTimer !== null) this.timers.clearTimeout(w.queueTimer);
    w.queueTimer = null;
  }

  join(socketId: string, wallId: string, secret: string): Ack<{ view: VisitorView; visitor: Visitor }> {
    const w = this.walls.get(wallId);
    if (!w) return fail('unknown_wall', `there is no wall '${wallId}'; scan the code shown on the wall again`);
    const now = this.time();
    const banned = this.bans.size ? this.bans.get(publicIdOf(secret)) : undefined;
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
      v = { secret, id, hue: hueOf(id), joinedAt: Math.round(now), wallId, socketId, status: place.status, goneAt: 0, bucket: new TokenBucket(this.o.ratePerSecond, this.o.burst, now), clockPath: null };
      w.visitors.set(secret, v);
    }
    if (v.status === 'playing') w.lane.play(v, now);
    this.out.statsChanged();
    return { ok: true, view: this.viewOf(w, v), visitor: v };
  }

  /** Whether this visitor still has a place on its wall (not kicked, expired or closed). */
  isCurrent(v: Visitor): boolean {
    return this.walls.get(v.wallId)?.visitors.get(v.secret) === v;
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
    w.lane.leave(v.id, v.goneAt);
    this.out.statsChanged();
  }

  /** Removes every visitor with this public id from every wall, and keeps them out for `banMs` (also when none is here: they may be on another node). */
  kick(publicId: string): number {
    let n = 0;
    this.bans.set(publicId, this.time() + this.o.banMs);
    for (const w of this.walls.values()) {
      for (const v of w.visitors.values()) {
        if (v.id !== publicId) continue;
        n++;
        if (v.socketId) this.out.kicked(v.socketId, { message: 'the staff removed you from this wall', reason: 'kick' });
        this.remove(w, v);
      }
    }
    if (n) this.out.statsChanged();
    return n;
  }

  /** Ends the held places whose grace ran out, and the bans that expired; true when someone left. */
  expire(now: number): boolean {
    let changed = false;
    for (const v of this.gone) {
      if (now - v.goneAt < this.o.graceMs) continue;
      this.gone.delete(v);
      const w = this.walls.get(v.wallId);
      if (w && w.visitors.get(v.secret) === v && !v.socketId) {
        this.remove(w, v);
        changed = true;
      }
    }
    for (const [id, until] of this.bans) if (until <= now) this.bans.delete(id);
    return changed;
  }

  /** Who is on a wall (public ids only), for the control panel's kick list. */
  list(wallId: string): VisitorListEntry[] {
    const w = this.walls.get(wallId);
    if (!w) return [];
    return [...w.visitors.values()].map((v) => ({ id: v.id, hue: v.hue, joinedAt: v.joinedAt, status: v.status, queuePosition: w.admission.position(v.secret), connected: v.socketId !== null, clockPath: v.clockPath }));
  }

  private remove(w: WallMembers, v: Visitor): void {
    w.visitors.delete(v.secret);
    this.gone.delete(v);
    v.status = 'gone';
    v.socketId = null;
    w.lane.leave(v.id, this.time());
    const { promoted, queueChanged } = w.admission.leave(v.secret);
    for (const secret of promoted) this.promote(w, secret);
    if (queueChanged) this.queueChanged(w);
  }

  private promote(w: WallMembers, secret: string): void {
    const v = w.visitors.get(secret);
    if (!v) return;
    if (!v.socketId) {
      v.status = 'gone';
      return;
    }
    v.status = 'playing';
    w.lane.play(v, this.time());
    this.out.view(v.socketId, this.viewOf(w, v));
  }

  /** Queue positions moved: tell the waiting phones, at most 4 times a second. */
  private queueChanged(w: WallMembers): void {
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

  private pushViews(w: WallMembers): void {
    for (const v of w.visitors.values()) if (v.socketId) this.out.view(v.socketId, this.viewOf(w, v));
  }

  private viewOf(w: WallMembers, v: Visitor): VisitorView {
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
}

function keyOf(p: PieceSummary | null): string {
  return p ? JSON.stringify([p.id, p.version, p.title, p.artist, p.inputs]) : '';
}

function pieceView(p: PieceSummary | null): VisitorView['piece'] {
  return p ? { id: p.id, title: p.title, artist: p.artist, description: p.description, inputs: p.inputs } : null;
}
