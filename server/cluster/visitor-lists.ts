import type { VisitorListEntry } from '../../protocol';
import type { Beats } from './beats';

/** Rows read per node and wall (a wall's cap bounds them; this bounds a broken or hostile answer). */
const MAX_ROWS = 20_000;

/**
 * The panel's list of a wall's visitors, on every node (issue 17): `GET /api/walls/:id/visitors`
 * on any node asks the other nodes for their rows over Redis pub/sub (server/cluster/beats.ts `ask`)
 * and lists them after its own, each with its node's id. Nothing is kept in Redis: the rows cost
 * Redis nothing (no write, no fsync) until a panel asks. The rows are the same as on one node, with `node`.
 */
export class VisitorLists {
  constructor(private readonly d: { beats: Pick<Beats, 'ask'>; node: string; up(): boolean }) {}

  /**
   * A wall's visitors on every node alive: this node's rows (`local`) first, then each other node's
   * (by node id), each with its node's id. A phone listed by two nodes (it moved while its old
   * place was still held) is listed once: as this node has it, else as the first node by id. While
   * Redis is unreachable, or for a node that did not answer within ASK_MS: without its rows.
   */
  async list(wallId: string, local: readonly VisitorListEntry[]): Promise<VisitorListEntry[]> {
    const out: VisitorListEntry[] = local.map((v) => ({ ...v, node: this.d.node }));
    if (!this.d.up()) return out;
    const answers = await this.d.beats.ask(wallId);
    const seen = new Set(out.map((v) => v.id));
    for (const id of [...answers.keys()].sort()) {
      for (const row of rowsOf(answers.get(id) ?? null, wallId)) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        out.push({ ...row, node: id });
      }
    }
    return out;
  }
}

const STATUSES = new Set(['playing', 'queued', 'gone']);

/** One wall's rows of a node's answer; rows not shaped as written are left out (never throws). */
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
