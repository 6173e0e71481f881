import type { ClusterNodeEntry } from '../../protocol';
import { parseScreens, type ScreenCard } from './screens';
import type { WallLoad } from './visitor-caps';

/** What a node says of itself in its heartbeat (GET /api/nodes on any node lists them all). */
export interface NodeCard {
  id: string;
  /** Its base URL (PAVILION_PUBLIC_URL, else its first LAN address and port). */
  address: string;
  upSince: number;
  clients: number;
  version: number;
  /** Its visitors by wall, walls with none left out (the shared visitor caps: server/cluster/visitor-caps.ts). */
  walls: Record<string, WallLoad>;
  /** Its clock responder's ws(s) URL (the followers sync the show clock to the writer's: server/cluster/clock.ts); null without one. */
  clock: string | null;
  /** Its connected screens: live status and preload times (the panel on any node lists them; the writer's play lead counts them: server/cluster/screens.ts). */
  screens: Record<string, ScreenCard>;
  /**
   * How long the writer's changes take to reach this node (ms): the worst of its recent applies,
   * from the writer's append in Redis to this node's copy (server/cluster/lead.ts); null on the
   * writer, and on a follower that has applied none yet. The writer's play lead adds it for this
   * node's screens.
   */
  lag: number | null;
  /** Whether a panel on this node watches the screens' thumbnails: the others send theirs (server/cluster/screen-reports.ts). */
  watching: boolean;
}

/** A lag no follower can report (a broken or hostile card): past this the play lead is the longest anyway. */
const MAX_LAG_MS = 60_000;

/** A live node's card, with how long ago this node last heard its heartbeat (ms, this node's monotonic clock). */
export interface NodeRecord {
  ageMs: number;
  card: NodeCard;
}

const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0);

/** A heartbeat's card as another node published it (server/cluster/beats.ts); null when unreadable (never throws). */
export function parseCard(json: string): NodeCard | null {
  try {
    const card = JSON.parse(json) as Partial<NodeCard> | null;
    if (typeof card !== 'object' || card === null || typeof card.id !== 'string' || typeof card.address !== 'string') return null;
    const walls: Record<string, WallLoad> = {};
    for (const [id, load] of Object.entries(card.walls ?? {})) if (Array.isArray(load)) walls[id] = [count(load[0]), count(load[1])];
    const clock = typeof card.clock === 'string' && /^wss?:\/\//.test(card.clock) ? card.clock : null;
    const lag = typeof card.lag === 'number' && Number.isFinite(card.lag) && card.lag >= 0 ? Math.min(card.lag, MAX_LAG_MS) : null;
    return { id: card.id, address: card.address, upSince: count(card.upSince), clients: count(card.clients), version: Number(card.version) || 0, walls, clock, screens: parseScreens(card.screens), lag, watching: card.watching === true };
  } catch {
    return null;
  }
}

/** Every node alive as GET /api/nodes lists it (`records`: this node's own card included): the writer first, then by address. */
export function listNodes(records: readonly NodeRecord[], writer: string | null, self: string): ClusterNodeEntry[] {
  const out = records.map(({ ageMs, card: { walls, screens: _screens, lag: _lag, watching: _watching, ...card } }): ClusterNodeEntry => ({
    ...card,
    role: card.id === writer ? 'writer' : 'follower',
    heartbeatAgeMs: Math.max(0, Math.round(ageMs)),
    self: card.id === self,
    visitors: Object.fromEntries(Object.entries(walls).map(([id, [playing, queued]]) => [id, { playing, queued }])),
  }));
  const rank = (n: ClusterNodeEntry) => (n.role === 'writer' ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b) || a.address.localeCompare(b.address) || a.id.localeCompare(b.id));
}
