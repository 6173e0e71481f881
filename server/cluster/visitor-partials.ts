import type { VisitorEvent, VisitorFrame, VisitorState } from '../../protocol';

/**
 * One node's visitors on one wall, as it publishes them for the other nodes (one message on the
 * `<prefix>visitors:<wall>` channel; server/cluster/visitor-relay.ts). Pure: no Redis, no timers.
 */
export interface WallPartial {
  /** The wall. */
  w: string;
  /** The node's message number for this wall (1, 2, …): a receiver that missed one waits for the next full message. */
  n: number;
  /** 1: `s` holds every visitor of the node on the wall; 0: only those that changed since the last message, and `g` those that left. */
  f: 0 | 1;
  s: VisitorState[];
  g?: string[];
  /** Events since the last message. */
  e?: VisitorEvent[];
  /** The oldest phone send time among them (latency measurement). */
  o?: number;
  /** Show time when the node published it (the receiving node measures the hop through Redis). */
  t?: number;
}

/** A full message at least this often while a node has visitors on a wall (so every heartbeat frame of its hub, about once a second, sends one): a receiver that missed a message, or started late, catches up. */
export const FULL_EVERY_MS = 900;

/** What a node last published for one wall. */
export interface Outgoing {
  n: number;
  /** The states as last published, by visitor id (states are replaced, never mutated, by the merger: a reference tells a change). */
  sent: Map<string, VisitorState>;
  /** When the last full message went (performance.now()). */
  fullAt: number;
}

export const newOutgoing = (): Outgoing => ({ n: 0, sent: new Map(), fullAt: -Infinity });

/**
 * The message for a local frame of a wall, or null when the other nodes need none (nothing
 * changed, no events, and no full message due). Updates `out` as if it was sent.
 */
export function partialOf(out: Outgoing, frame: VisitorFrame, nowMs: number): WallPartial | null {
  const states = frame.visitors;
  const e = frame.events.length ? frame.events : undefined;
  const o = frame.oldestSentAt ?? undefined;
  if (states.length > 0 && nowMs - out.fullAt >= FULL_EVERY_MS) {
    out.sent = new Map(states.map((s) => [s.id, s]));
    out.fullAt = nowMs;
    return withExtras({ w: frame.wallId, n: ++out.n, f: 1, s: states }, e, o);
  }
  const changed: VisitorState[] = [];
  for (const s of states) {
    if (out.sent.get(s.id) === s) continue;
    changed.push(s);
    out.sent.set(s.id, s);
  }
  let gone: string[] | undefined;
  if (out.sent.size > states.length) {
    const here = new Set(states.map((s) => s.id));
    gone = [];
    for (const id of out.sent.keys()) if (!here.has(id)) gone.push(id);
    for (const id of gone) out.sent.delete(id);
  }
  if (!changed.length && !gone?.length && !e) return null;
  const p: WallPartial = { w: frame.wallId, n: ++out.n, f: 0, s: changed };
  if (gone?.length) p.g = gone;
  return withExtras(p, e, o);
}

function withExtras(p: WallPartial, e: VisitorEvent[] | undefined, o: number | undefined): WallPartial {
  if (e) p.e = e;
  if (o !== undefined) p.o = o;
  return p;
}

/** Another node's visitors on one wall, as this node has them from its messages. */
export interface Remote {
  n: number;
  states: Map<string, VisitorState>;
  /** False after a missed message: the states may be stale until the next full message. */
  synced: boolean;
  /** When its last message came (performance.now()): a node that stops publishing is dropped. */
  seenAt: number;
}

const isState = (s: unknown): s is VisitorState => typeof s === 'object' && s !== null && typeof (s as VisitorState).id === 'string';
const isEvent = (e: unknown): e is VisitorEvent => typeof e === 'object' && e !== null && typeof (e as VisitorEvent).visitorId === 'string';

/** Reads a message's JSON; null when it is not one (never throws). */
export function parsePartial(json: string): WallPartial | null {
  let p: unknown;
  try {
    p = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof p !== 'object' || p === null) return null;
  const m = p as Record<string, unknown>;
  if (typeof m.w !== 'string' || !Number.isSafeInteger(m.n) || (m.f !== 0 && m.f !== 1) || !Array.isArray(m.s) || !m.s.every(isState)) return null;
  if (m.g !== undefined && !(Array.isArray(m.g) && m.g.every((id) => typeof id === 'string'))) return null;
  if (m.e !== undefined && !(Array.isArray(m.e) && m.e.every(isEvent))) return null;
  if (m.o !== undefined && typeof m.o !== 'number') return null;
  if (m.t !== undefined && typeof m.t !== 'number') return null;
  return m as unknown as WallPartial;
}

/**
 * Applies one message of a node to what this node has of it (`r`, undefined for a node not heard
 * yet); returns the new record and whether its visitors changed. A delta that does not follow the
 * last message (one was lost: Redis's pub/sub does not resend) leaves the states as they were,
 * marked stale, until the next full message.
 */
export function applyPartial(r: Remote | undefined, p: WallPartial, nowMs: number): { remote: Remote; changed: boolean; gap: boolean } {
  if (p.f === 1) return { remote: { n: p.n, states: new Map(p.s.map((s) => [s.id, s])), synced: true, seenAt: nowMs }, changed: true, gap: false };
  if (!r || !r.synced || p.n !== r.n + 1) {
    const remote = r ?? { n: p.n, states: new Map<string, VisitorState>(), synced: false, seenAt: nowMs };
    remote.n = p.n;
    remote.synced = false;
    remote.seenAt = nowMs;
    return { remote, changed: false, gap: true };
  }
  for (const s of p.s) r.states.set(s.id, s);
  for (const id of p.g ?? []) r.states.delete(id);
  r.n = p.n;
  r.seenAt = nowMs;
  return { remote: r, changed: p.s.length > 0 || (p.g?.length ?? 0) > 0, gap: false };
}

/**
 * Every node's visitors on a wall, in one order whatever the node that merges them: by node id,
 * each node's in its own order. A visitor in two nodes' lists (a phone that moved while its old
 * place was still held) is kept once, with its latest input.
 */
export function mergeStates(self: string, local: readonly VisitorState[], remotes: ReadonlyMap<string, Remote>): VisitorState[] {
  let others = 0;
  for (const r of remotes.values()) others += r.states.size;
  if (others === 0) return local as VisitorState[];
  const ids = [self, ...remotes.keys()].sort();
  const out: VisitorState[] = [];
  const at = new Map<string, number>();
  for (const id of ids) {
    const list = id === self ? local : remotes.get(id)!.states.values();
    for (const s of list) {
      const i = at.get(s.id);
      if (i === undefined) {
        at.set(s.id, out.length);
        out.push(s);
      } else if (s.inputAt > out[i]!.inputAt) out[i] = s;
    }
  }
  return out;
}
