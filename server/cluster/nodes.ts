import type { ClusterNodeEntry } from '../../protocol';
import type { Keys } from './keys';
import type { Redis } from './redis';
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
}

/** A live node's card, with Redis's time of its heartbeat. */
export interface NodeRecord {
  at: number;
  card: NodeCard;
}

/**
 * KEYS: the node's record, the set of nodes. ARGV: the card's JSON, the record's TTL (ms), the node
 * id. Stamps the record with Redis's clock (so ages compare across nodes whatever their clocks), drops
 * the nodes whose last heartbeat is older than the TTL, and returns how many are left.
 */
const BEAT = `
local t = redis.call('TIME')
local ms = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000))
redis.call('SET', KEYS[1], ms .. ' ' .. ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ms, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (tonumber(ms) - tonumber(ARGV[2])))
return redis.call('ZCARD', KEYS[2])`;

/** Writes this node's heartbeat; resolves with the number of nodes alive. */
export async function beat(r: Redis, keys: Keys, card: NodeCard, ttlMs: number): Promise<number> {
  return Number(await r.sendCommand<number>(['EVAL', BEAT, '2', keys.node(card.id), keys.nodes, JSON.stringify(card), String(ttlMs), card.id]));
}

/** Removes this node's heartbeat (a clean stop): the others stop listing it at once. */
export async function forget(r: Redis, keys: Keys, id: string): Promise<void> {
  await Promise.all([r.sendCommand(['DEL', keys.node(id)]), r.sendCommand(['ZREM', keys.nodes, id])]);
}

const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0);

/** A heartbeat record: Redis's time of the beat and the card; null when unreadable. */
export function parseRecord(raw: string | null): NodeRecord | null {
  if (!raw) return null;
  const i = raw.indexOf(' ');
  const at = Number(raw.slice(0, i));
  try {
    const card = JSON.parse(raw.slice(i + 1)) as Partial<NodeCard>;
    if (!Number.isFinite(at) || typeof card.id !== 'string' || typeof card.address !== 'string') return null;
    const walls: Record<string, WallLoad> = {};
    for (const [id, load] of Object.entries(card.walls ?? {})) if (Array.isArray(load)) walls[id] = [count(load[0]), count(load[1])];
    const clock = typeof card.clock === 'string' && /^wss?:\/\//.test(card.clock) ? card.clock : null;
    return { at, card: { id: card.id, address: card.address, upSince: count(card.upSince), clients: count(card.clients), version: Number(card.version) || 0, walls, clock, screens: parseScreens(card.screens) } };
  } catch {
    return null;
  }
}

/** A live node's card (null when it has no record, e.g. it stopped). */
export async function cardOf(r: Redis, keys: Keys, id: string): Promise<NodeCard | null> {
  return parseRecord(await r.sendCommand<string | null>(['GET', keys.node(id)]))?.card ?? null;
}

/** Every node whose heartbeat is alive, with Redis's time now and the writer's id as the lease says. */
export async function readNodes(r: Redis, keys: Keys, ttlMs: number): Promise<{ now: number; writer: string | null; nodes: NodeRecord[] }> {
  const [time, ids, lease] = await Promise.all([
    r.sendCommand<[string, string]>(['TIME']),
    r.sendCommand<string[]>(['ZRANGE', keys.nodes, '0', '-1']),
    r.sendCommand<string | null>(['GET', keys.lease]),
  ]);
  const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const raws = ids.length ? await r.sendCommand<Array<string | null>>(['MGET', ...ids.map((id) => keys.node(id))]) : [];
  const nodes = raws.map(parseRecord).filter((rec): rec is NodeRecord => rec !== null && now - rec.at <= ttlMs);
  return { now, writer: lease ? lease.slice(lease.indexOf(':') + 1) : null, nodes };
}

/** Every node alive as GET /api/nodes lists it: the writer first, then by address. */
export async function listNodes(r: Redis, keys: Keys, self: string, ttlMs: number): Promise<ClusterNodeEntry[]> {
  const { now, writer, nodes } = await readNodes(r, keys, ttlMs);
  const out = nodes.map(({ at, card: { walls, screens: _screens, ...card } }): ClusterNodeEntry => ({
    ...card,
    role: card.id === writer ? 'writer' : 'follower',
    heartbeatAgeMs: Math.max(0, now - at),
    self: card.id === self,
    visitors: Object.fromEntries(Object.entries(walls).map(([id, [playing, queued]]) => [id, { playing, queued }])),
  }));
  const rank = (n: ClusterNodeEntry) => (n.role === 'writer' ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b) || a.address.localeCompare(b.address) || a.id.localeCompare(b.id));
}
