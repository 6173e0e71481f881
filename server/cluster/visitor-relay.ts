import type { VisitorEvent, VisitorFrame, VisitorState } from '../../protocol';
import type { DisplayTransport } from '../transport/display';
import type { Keys } from './keys';
import type { Redis } from './redis';
import { applyPartial, mergeStates, newOutgoing, parsePartial, partialOf, type Outgoing, type Remote } from './visitor-partials';

/** A node that sent nothing for a wall for this long (it died, or lost Redis) drops out of that wall's frames. */
export const REMOTE_TTL_MS = 5000;
/** A frame may go this much early (timer jitter) rather than wait for another turn. */
const EARLY_MS = 4;
/** How often a node checks which walls it has screens of, to listen on their channels only. */
const LISTEN_MS = 250;

export interface RelayDeps {
  /** Publishes (fails at once while Redis is unreachable). */
  main: Redis;
  /** Subscribes. */
  sub: Redis;
  keys: Keys;
  node: string;
  log: { warn(fields: Record<string, unknown>, message: string): void };
}

export interface FrameSinkOptions {
  /** The show's walls (the relay listens on the channels of those this node has screens of). */
  walls(): readonly string[];
  /** The wall's screens on this node to send a frame to, or null while none is connected (nothing is built then). */
  screens(wallId: string): ((frame: VisitorFrame) => void) | null;
  /** Show time (frames' `at`). */
  time(): number;
  /** The least time between two frames of a wall (the hub's `frameMs`). */
  frameMs: number;
  /** Events kept per frame (the hub's `maxEventsPerFrame`); more are dropped and counted. */
  maxEventsPerFrame: number;
}

/** Totals since start (benchmarks: Redis traffic per input). */
export interface RelayCounters {
  published: number;
  publishedBytes: number;
  publishFailed: number;
  received: number;
  receivedBytes: number;
  /** Messages that did not follow the last one of their node (the states waited for a full message). */
  gaps: number;
  droppedEvents: number;
}

/** Where the relay reports how long each message took from its node's PUBLISH to this node (show time, ms): the hop through Redis and this node's event loop. */
export type HopObserver = (ms: number, wallId: string) => void;

interface WallRelay {
  id: string;
  /** This node's visitors, from its hub's last frame of the wall. */
  local: VisitorState[];
  localSeq: number;
  out: Outgoing;
  /** Other nodes' visitors on the wall, by node id. */
  remotes: Map<string, Remote>;
  /** Events since the last frame sent to this node's screens (this node's and the others'). */
  events: VisitorEvent[];
  mixed: boolean;
  oldest: number | null;
  lastSentAt: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Visitors anywhere (issue 17): a phone on node B drives a wall whose screens are on node A.
 *
 * Every node merges, deterministically: each node publishes its own visitors' states on a wall
 * (what changed since its last message, a full list at least once a second) on the wall's Redis channel,
 * and each node that has screens of the wall sends them frames of every node's visitors, merged in
 * one order (by node id). The hub's frames of a node's own phones go through here
 * (`local`); admission, rate limits, validation and acks stay on the phone's node.
 *
 * Why not merge once on an owning node: a wall's screens may be on several nodes, so the owner's
 * frames would cross Redis a second time to reach them (two hops instead of one), and a wall would
 * need an owner chosen, handed over and replaced when it dies. Here a node that dies only stops
 * publishing, and its visitors leave the frames after REMOTE_TTL_MS. See docs/operations.md,
 * "Several nodes".
 */
export class VisitorRelay {
  private readonly walls = new Map<string, WallRelay>();
  private sink: FrameSinkOptions | null = null;
  private seq = 0;
  private sweeper: NodeJS.Timeout | null = null;
  /** The walls whose channel this node listens on: those it has screens of. */
  private readonly listening = new Set<string>();
  private lister: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly onMessage = (message: string): void => this.heard(message);
  readonly counters: RelayCounters = { published: 0, publishedBytes: 0, publishFailed: 0, received: 0, receivedBytes: 0, gaps: 0, droppedEvents: 0 };
  /** Hears each message's hop (GET /metrics: pavilion_cluster_visitor_hop_seconds). */
  onHop: HopObserver | null = null;

  constructor(private readonly d: RelayDeps) {}

  /** Starts merging other nodes' visitors into the frames of this node's screens. */
  async start(sink: FrameSinkOptions): Promise<void> {
    this.sink = sink;
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
    this.lister = setInterval(() => void this.listen().catch(() => {}), LISTEN_MS);
    this.lister.unref();
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.lister) clearInterval(this.lister);
    for (const w of this.walls.values()) if (w.timer) clearTimeout(w.timer);
    this.walls.clear();
    const channels = [...this.listening].map((id) => this.d.keys.visitorsOf(id));
    this.listening.clear();
    if (channels.length) await this.d.sub.unsubscribe(channels).catch(() => {});
  }

  /**
   * Listens on the channels of the walls this node has screens of, and only those: another wall's
   * states would be decoded here for nobody (so Redis sends each message to the nodes that draw
   * its wall, not to every node). A node that starts listening has a wall's states with each
   * node's next full message (within FULL_EVERY_MS); one that stops forgets them.
   */
  private async listen(): Promise<void> {
    const sink = this.sink;
    if (!sink || this.stopped) return;
    const want = new Set(sink.walls().filter((id) => sink.screens(id) !== null));
    const jobs: Array<Promise<unknown>> = [];
    for (const id of want) {
      if (this.listening.has(id)) continue;
      this.listening.add(id);
      jobs.push(
        this.d.sub.subscribe(this.d.keys.visitorsOf(id), this.onMessage).catch((e: unknown) => {
          this.listening.delete(id); // tried again at the next check
          throw e;
        }),
      );
    }
    for (const id of this.listening) {
      if (want.has(id)) continue;
      this.listening.delete(id);
      this.walls.get(id)?.remotes.clear();
      jobs.push(this.d.sub.unsubscribe(this.d.keys.visitorsOf(id)).catch(() => {}));
    }
    await Promise.all(jobs);
  }

  /** A frame of this node's phones on a wall (the hub's): published for the other nodes, sent to this node's screens with theirs. */
  local(wallId: string, frame: VisitorFrame): void {
    const w = this.wall(wallId);
    w.local = frame.visitors;
    w.localSeq = frame.seq;
    this.publish(w, frame);
    if (frame.events.length) this.addEvents(w, frame.events);
    if (frame.oldestSentAt !== null) w.oldest = w.oldest === null ? frame.oldestSentAt : Math.min(w.oldest, frame.oldestSentAt);
    this.due(w);
  }

  private wall(id: string): WallRelay {
    let w = this.walls.get(id);
    if (!w) this.walls.set(id, (w = { id, local: [], localSeq: 0, out: newOutgoing(), remotes: new Map(), events: [], mixed: false, oldest: null, lastSentAt: -Infinity, timer: null }));
    return w;
  }

  private publish(w: WallRelay, frame: VisitorFrame): void {
    const p = partialOf(w.out, frame, performance.now());
    if (!p) return;
    if (this.sink) p.t = Math.round(this.sink.time() * 10) / 10;
    const message = `${this.d.node}\n${JSON.stringify(p)}`;
    this.counters.published++;
    this.counters.publishedBytes += message.length;
    this.d.main.sendCommand(['PUBLISH', this.d.keys.visitorsOf(w.id), message]).catch(() => {
      // Redis unreachable: this node's screens still get its own phones; the others get a full list once it is back.
      this.counters.publishFailed++;
      w.out.fullAt = -Infinity;
    });
  }

  /** A message on the channel: another node's visitors on a wall. */
  private heard(message: string): void {
    try {
      const nl = message.indexOf('\n');
      const from = message.slice(0, nl);
      if (nl <= 0 || from === this.d.node) return;
      this.counters.received++;
      this.counters.receivedBytes += message.length;
      const p = parsePartial(message.slice(nl + 1));
      if (!p) return;
      if (p.t !== undefined && this.sink && this.onHop) this.onHop(Math.max(0, this.sink.time() - p.t), p.w);
      const w = this.wall(p.w);
      const { remote, changed, gap } = applyPartial(w.remotes.get(from), p, performance.now());
      w.remotes.set(from, remote);
      if (gap) this.counters.gaps++;
      if (p.e?.length) {
        this.addEvents(w, p.e);
        w.mixed = true;
      }
      if (p.o !== undefined) w.oldest = w.oldest === null ? p.o : Math.min(w.oldest, p.o);
      if (changed || p.e?.length) this.due(w);
    } catch (e) {
      this.d.log.warn({ err: (e as Error).message }, 'cluster: a message of visitors from another node could not be read; it was skipped');
    }
  }

  private addEvents(w: WallRelay, events: readonly VisitorEvent[]): void {
    const cap = this.sink?.maxEventsPerFrame ?? 256;
    const room = Math.max(0, cap - w.events.length);
    if (events.length > room) this.counters.droppedEvents += events.length - room;
    for (let i = 0; i < events.length && i < room; i++) w.events.push(events[i]!);
  }

  /** Sends the wall's frame now, or at the end of the current frame interval (at most one frame per `frameMs`). */
  private due(w: WallRelay): void {
    if (w.timer) return;
    const wait = w.lastSentAt + (this.sink?.frameMs ?? 0) - performance.now();
    if (wait <= EARLY_MS) return this.send(w);
    w.timer = setTimeout(() => {
      w.timer = null;
      this.send(w);
    }, Math.ceil(wait));
  }

  private send(w: WallRelay): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = null;
    const events = w.events;
    const mixed = w.mixed;
    const oldest = w.oldest;
    w.events = [];
    w.mixed = false;
    w.oldest = null;
    const to = this.sink?.screens(w.id);
    if (!to) return; // nobody draws it here
    // Events in one order on every node: by time, then visitor.
    if (mixed && events.length > 1) events.sort((a, b) => a.at - b.at || (a.visitorId < b.visitorId ? -1 : a.visitorId > b.visitorId ? 1 : 0));
    w.lastSentAt = performance.now();
    // Screens drop a frame whose seq is not above the last one's: one counter for every wall, never behind the hub's.
    this.seq = Math.max(this.seq + 1, w.localSeq);
    to({ wallId: w.id, seq: this.seq, at: this.sink!.time(), visitors: mergeStates(this.d.node, w.local, w.remotes), events, oldestSentAt: oldest });
  }

  /** Drops the nodes that went quiet (dead, or cut off from Redis) from each wall's frames. */
  private sweep(): void {
    const now = performance.now();
    for (const w of this.walls.values()) {
      let changed = false;
      for (const [id, r] of w.remotes) {
        if (now - r.seenAt <= REMOTE_TTL_MS) continue;
        w.remotes.delete(id);
        if (r.states.size) changed = true;
      }
      if (changed) this.due(w);
    }
  }
}

/**
 * The display transport as a node's visitor transport must see it in multi-node mode: the frames
 * its hub sends to a wall (`frameTo(wallId)`) go to the relay (`local`), always, since other nodes
 * may have screens of the wall; the relay sends this node's screens the merged frames through the
 * real transport. Everything else passes through.
 */
export function relayedDisplay(display: DisplayTransport, local: (wallId: string, frame: VisitorFrame) => void): DisplayTransport {
  return { ...display, frameTo: (wallId) => (frame) => local(wallId, frame) };
}

/** Where the relay sends a wall's merged frames: the real transport's screens of the wall on this node. */
export function screensOf(display: DisplayTransport): FrameSinkOptions['screens'] {
  return (wallId) => display.frameTo(wallId);
}
