import type { ScreenStatus } from '../../protocol';
import type { PreloadSnapshot } from '../screens/preload-times';

/**
 * Screens anywhere (issue 17): a screen's page is connected to one node, but the panel on any node
 * lists it live, and the writer sizes a `wall.play`'s lead with its preload times. Each node's
 * heartbeat (server/cluster/nodes.ts) carries its connected screens' live status and preload times
 * (`ScreenCard`); every node reads every card at each tick (server/cluster/tick.ts) into
 * `RemoteScreens`. Pure: no Redis, no timers.
 */

/** The part of a screen's status that its page reports (the rest comes from the show, on every node alike). */
export const LIVE_FIELDS = ['since', 'installationId', 'fps', 'frameMsP95', 'offsetMs', 'rttMs', 'uncertaintyMs', 'clockPath', 'memory', 'preloadMs', 'warm', 'errors', 'heartbeatAt', 'stale', 'xr'] as const;
export type LiveStatus = Pick<ScreenStatus, (typeof LIVE_FIELDS)[number]>;

/** One connected screen in its node's heartbeat: its live status and its preload times. */
export interface ScreenCard {
  s: LiveStatus;
  p: PreloadSnapshot | null;
}

/** Errors a card carries per screen (the newest), and the characters of each one's stack. */
const ERRORS_KEPT = 5;
const STACK_CHARS = 2000;

/** This node's connected screens as its heartbeat carries them. */
export function screenCards(statuses: readonly ScreenStatus[], preloads: (screenId: string) => PreloadSnapshot | null): Record<string, ScreenCard> {
  const out: Record<string, ScreenCard> = {};
  for (const st of statuses) {
    if (!st.connected) continue;
    const s = {} as Record<string, unknown>;
    for (const k of LIVE_FIELDS) if (st[k] !== undefined) s[k] = st[k];
    s.errors = st.errors.slice(0, ERRORS_KEPT).map((e) => (typeof e.stack === 'string' && e.stack.length > STACK_CHARS ? { ...e, stack: e.stack.slice(0, STACK_CHARS) } : e));
    out[st.id] = { s: s as unknown as LiveStatus, p: preloads(st.id) };
  }
  return out;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Another node's screens from its card; whatever is not shaped as written is left out (never throws). */
export function parseScreens(raw: unknown): Record<string, ScreenCard> {
  const out: Record<string, ScreenCard> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [id, c] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof c !== 'object' || c === null) continue;
    const { s, p } = c as { s?: unknown; p?: unknown };
    if (typeof s !== 'object' || s === null) continue;
    const r = s as Record<string, unknown>;
    const live: LiveStatus = {
      since: num(r.since),
      installationId: typeof r.installationId === 'string' ? r.installationId : null,
      fps: num(r.fps),
      frameMsP95: num(r.frameMsP95),
      offsetMs: num(r.offsetMs),
      rttMs: num(r.rttMs),
      uncertaintyMs: num(r.uncertaintyMs),
      clockPath: r.clockPath === 'responder' || r.clockPath === 'socketio' ? r.clockPath : null,
      memory: typeof r.memory === 'object' && r.memory !== null ? (r.memory as LiveStatus['memory']) : null,
      preloadMs: num(r.preloadMs),
      ...(Array.isArray(r.warm) ? { warm: r.warm.filter((w): w is string => typeof w === 'string' && w.length <= 120).slice(0, 32) } : {}),
      errors: Array.isArray(r.errors) ? (r.errors.filter((e) => typeof e === 'object' && e !== null).slice(0, ERRORS_KEPT) as LiveStatus['errors']) : [],
      heartbeatAt: num(r.heartbeatAt),
      stale: r.stale === true,
      ...(typeof r.xr === 'object' && r.xr !== null ? { xr: r.xr as NonNullable<LiveStatus['xr']> } : {}),
    };
    const snap = typeof p === 'object' && p !== null && Array.isArray((p as PreloadSnapshot).l) && Array.isArray((p as PreloadSnapshot).c) ? (p as PreloadSnapshot) : null;
    out[id] = { s: live, p: snap };
  }
  return out;
}

/** A screen connected to another node, as this node last read that node's heartbeat. */
export interface RemoteScreen {
  node: string;
  card: ScreenCard;
}

/** Other nodes' connected screens, from the cards of the nodes alive at the last tick. */
export class RemoteScreens {
  private byId = new Map<string, RemoteScreen>();
  private signature = '';

  /** Takes the cards read at a tick (this node's own left out); true when what the panel would show changed. */
  update(cards: ReadonlyArray<{ id: string; screens: Record<string, ScreenCard> }>, self: string): boolean {
    const next = new Map<string, RemoteScreen>();
    for (const c of [...cards].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      if (c.id === self) continue;
      for (const [id, card] of Object.entries(c.screens)) if (!next.has(id)) next.set(id, { node: c.id, card });
    }
    const signature = JSON.stringify([...next].map(([id, r]) => [id, r.node, r.card.s]));
    this.byId = next;
    if (signature === this.signature) return false;
    this.signature = signature;
    return true;
  }

  get(screenId: string): RemoteScreen | undefined {
    return this.byId.get(screenId);
  }

  /**
   * Connected to another node and not stale there (its page still sends heartbeats, as that node's
   * card last said): a screen the wall's gate waits for (server/screens/wall-gate.ts).
   */
  answering(screenId: string): boolean {
    const r = this.byId.get(screenId);
    return r !== undefined && !r.card.s.stale;
  }

  /** Every remote screen (the writer adopts their preload times). */
  entries(): IterableIterator<[string, RemoteScreen]> {
    return this.byId.entries();
  }

  /**
   * The panel's list of screens: this node's statuses, where a screen is not connected here but is
   * on another node, with that node's live status (and `node`); a screen connected here says so
   * with this node's id.
   */
  merge(local: readonly ScreenStatus[], self: string): ScreenStatus[] {
    return local.map((st) => {
      if (st.connected) return { ...st, node: self };
      const r = this.byId.get(st.id);
      if (!r) return st;
      const xr = st.kind === 'vr' ? { xr: r.card.s.xr ?? { presenting: false, mode: null } } : {};
      return { ...st, ...r.card.s, ...xr, connected: true, node: r.node };
    });
  }
}
