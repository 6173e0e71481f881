import { Show } from '../../protocol';
import { applyOps, decodeRecord, encodeRecord, type Payload, type PatchOp } from '../persistence/records';
import type { Keys } from './keys';
import type { Redis } from './redis';
import { scripts } from './scripts';

/**
 * The show's durable log in Redis: a snapshot (`{ v, id, show }`) and a stream of the records after
 * it, each the change one show version made, in the journal's own checksummed format
 * (server/persistence/records.ts). Every node reads it; only the lease holder appends to it, through
 * the fenced script (server/cluster/scripts.ts). Durable when Redis runs with AOF `appendfsync
 * always` (docs/operations.md, "Several nodes").
 */

/** A stream entry as RESP2 gives it: id, then its fields and values in turn. */
type RawEntry = [string, string[]];

export interface LogEntry {
  id: string;
  payload: Payload | null;
}

export function parseEntries(raw: unknown): LogEntry[] {
  if (!Array.isArray(raw)) return [];
  return (raw as RawEntry[]).map(([id, fields]) => {
    const i = fields.indexOf('rec');
    return { id, payload: i >= 0 && typeof fields[i + 1] === 'string' ? decodeRecord(fields[i + 1]!) : null };
  });
}

/** The record line as stored: the journal's line without its newline. */
export const recordLine = (payload: Payload) => encodeRecord(payload).trimEnd();

/** The milliseconds (Redis's clock) at which an entry was appended, from its id. */
export const entryMs = (id: string) => Number(id.split('-')[0]);

/**
 * `show` with `ops` applied, sharing every entry the patch does not touch (the views compare walls
 * and screens by reference, as on the writer).
 */
export function patched(show: Show, ops: PatchOp[], v: number): Show {
  const next = { ...show } as unknown as Record<string, unknown>;
  const copied = new Set<string>();
  for (const op of ops)
    if ('id' in op && !copied.has(op.k)) {
      const cur = next[op.k];
      next[op.k] = typeof cur === 'object' && cur !== null ? { ...(cur as object) } : {};
      copied.add(op.k);
    }
  applyOps(next, ops);
  next.version = v;
  return next as unknown as Show;
}

export interface Loaded {
  /** null: the log is empty (no node has written a show yet). */
  show: Show | null;
  /** The id of the last entry read: the follower reads on from it. */
  cursor: string;
}

/** Reads the snapshot and every record after it, checked; throws (saying what to do) on a gap or a corrupt record. */
export async function loadLog(r: Redis, keys: Keys): Promise<Loaded> {
  const [snapRaw, entriesRaw] = await Promise.all([r.sendCommand<string | null>(['GET', keys.snapshot]), r.sendCommand<unknown>(['XRANGE', keys.log, '-', '+'])]);
  let show: Record<string, unknown> | null = null;
  let version = -1;
  if (snapRaw) {
    const snap = JSON.parse(snapRaw) as { v: number; show: Record<string, unknown> };
    show = snap.show;
    version = show.version = snap.v;
  }
  let cursor = '0-0';
  for (const e of parseEntries(entriesRaw)) {
    cursor = e.id;
    const p = e.payload;
    if (!p) throw new Error(`cluster: the show log in Redis (${keys.log}) holds a corrupt record at ${e.id}; restore the show from an export (POST /api/show/import on the writer) after deleting ${keys.log}, ${keys.snapshot} and ${keys.version}`);
    if (p.v <= version) continue;
    if ('show' in p) show = structuredClone(p.show) as unknown as Record<string, unknown>;
    else if (show && p.from === version) applyOps(show, p.ops);
    else throw new Error(`cluster: the show log in Redis skips from version ${version} to ${p.from} at ${e.id}; restore the show from an export`);
    show.version = version = p.v;
  }
  if (!show) return { show: null, cursor };
  const parsed = Show.safeParse(show);
  if (!parsed.success) throw new Error(`cluster: the show log in Redis gives an invalid show (${parsed.error.issues[0]?.message}); restore the show from an export`);
  return { show: parsed.data, cursor };
}

/** Appends one version's record, fenced by the lease; resolves with its entry id. */
export function appendRecord(r: Redis, keys: Keys, leaseValue: string, from: number, payload: Payload): Promise<string> {
  return scripts.append(r, keys, leaseValue, from, payload.v, recordLine(payload));
}

/** Writes a snapshot of `show` (whose record is entry `id`) and trims the log before it, fenced by the lease. */
export async function writeSnapshot(r: Redis, keys: Keys, leaseValue: string, show: Show, id: string): Promise<void> {
  await scripts.snapshot(r, keys, leaseValue, JSON.stringify({ v: show.version, id, show }), id);
}
