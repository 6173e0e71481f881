import type { VisitorListEntry } from '../../protocol';
import type { Keys } from './keys';
import type { Redis } from './redis';

/** Rows read per node and wall (a wall's cap bounds them; this bounds a broken or hostile record). */
const MAX_ROWS = 20_000;

/**
 * The panel's list of a wall's visitors, on every node (issue 17): each node keeps its own phones'
 * rows in Redis (`<prefix>visitors:list:<node>`, all its walls in one JSON value, with twice the
 * heartbeat's TTL; a node that dies drops out of the list of nodes, and its rows with it), written
 * at its heartbeat when they changed (else only the TTL is renewed, every half TTL); `GET /api/walls/:id/visitors` on any node reads the other nodes'
 * rows when asked. The rows are the same as on one node, with `node`.
 */
export class VisitorLists {
  private last = '';
  /** When the key's TTL was last set (performance.now()): renewed only every half TTL, each renewal being a write Redis fsyncs. */
  private setAt = -Infinity;

  constructor(private readonly d: { main: Redis; keys: Keys; node: string; ttlMs: number }) {}

  /** At each heartbeat: this node's rows by wall (walls with none left out). */
  async write(lists: Record<string, VisitorListEntry[]>): Promise<void> {
    const key = this.d.keys.visitorList(this.d.node);
    const json = JSON.stringify(lists);
    if (json === '{}') {
      // No phones here: no key (and no write for Redis to log at every heartbeat).
      if (this.last !== json) await this.d.main.sendCommand(['DEL', key]);
      this.last = json;
      return;
    }
    const ttl = 2 * this.d.ttlMs; // the readers list only the nodes alive, so a dead node's rows outliving it a while do no harm
    const now = performance.now();
    if (json === this.last) {
      if (now - this.setAt < ttl / 2) return;
      this.setAt = now;
      if (Number(await this.d.main.sendCommand<number>(['PEXPIRE', key, String(ttl)])) === 1) return;
    }
    this.last = '';
    await this.d.main.sendCommand(['SET', key, json, 'PX', String(ttl)]);
    this.last = json;
    this.setAt = now;
  }

  async forget(): Promise<void> {
    await this.d.main.sendCommand(['DEL', this.d.keys.visitorList(this.d.node)]);
  }

  /**
   * A wall's visitors on every node alive: this node's rows (`local`) first, then each other node's,
   * each with its node's id. A phone listed by two nodes (it moved while its old place was still
   * held) is listed once: as this node has it, else as the first node by id. While Redis is
   * unreachable: this node's rows alone.
   */
  async list(wallId: string, local: readonly VisitorListEntry[]): Promise<VisitorListEntry[]> {
    const out: VisitorListEntry[] = local.map((v) => ({ ...v, node: this.d.node }));
    let raws: Array<string | null> = [];
    let ids: string[] = [];
    try {
      ids = (await this.d.main.sendCommand<string[]>(['ZRANGE', this.d.keys.nodes, '0', '-1'])).filter((id) => id !== this.d.node).sort();
      if (ids.length) raws = await this.d.main.sendCommand<Array<string | null>>(['MGET', ...ids.map((id) => this.d.keys.visitorList(id))]);
    } catch {
      return out;
    }
    const seen = new Set(out.map((v) => v.id));
    raws.forEach((raw, i) => {
      for (const row of rowsOf(raw, wallId)) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        out.push({ ...row, node: ids[i]! });
      }
    });
    return out;
  }
}

const STATUSES = new Set(['playing', 'queued', 'gone']);

/** One wall's rows of a node's record; rows not shaped as written are left out (never throws). */
export function rowsOf(raw: string | null, wallId: string): VisitorListEntry[] {
  if (!raw) return [];
  let all: unknown;
  try {
    all = JSON.parse(raw);
  } catch {
    return [];
  }
  const rows = typeof all === 'object' && all !== null ? (all as Record<string, unknown>)[wallId] : undefined;
  if (!Array.isArray(rows)) return [];
  const out: VisitorListEntry[] = [];
  for (const r of rows.slice(0, MAX_ROWS) as Array<Partial<VisitorListEntry> | null>) {
    if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || !STATUSES.has(r.status as string)) continue;
    out.push({
      id: r.id,
      hue: typeof r.hue === 'number' ? r.hue : 0,
      joinedAt: typeof r.joinedAt === 'number' ? r.joinedAt : 0,
      status: r.status!,
      queuePosition: typeof r.queuePosition === 'number' ? r.queuePosition : 0,
      connected: r.connected === true,
      clockPath: r.clockPath === 'responder' || r.clockPath === 'socketio' ? r.clockPath : null,
    });
  }
  return out;
}
