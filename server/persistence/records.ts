import { crc32 } from 'node:zlib';
import type { Show } from '../../protocol';

/**
 * The journal's records, pure (no I/O). A record is one line: eight hex digits of CRC-32 over the
 * JSON payload, a space, the payload, a newline. A payload is either a whole show (the first
 * record, an import) or a patch: the show's changes from version `from` to version `v`, so that a
 * command's durable cost follows the size of the change, not the size of the show.
 *
 * Patches are taken by reference: the reducer never mutates, so an unchanged wall, screen or
 * preset is the very same object in the next show, and only what changed is written.
 */

/** Keys of the show that are records of entries (walls by id...): patched per entry. */
const ENTRY_KEYS = new Set(['walls', 'screens', 'presets']);

/** `{k, v}`: show[k] = v. `{k, id, v}`: show[k][id] = v. `{k, id, del: 1}`: delete show[k][id]. */
export type PatchOp = { k: string; v: unknown } | { k: string; id: string; v: unknown } | { k: string; id: string; del: 1 };

export type Payload = { v: number; show: Show } | { v: number; from: number; ops: PatchOp[] };

export function diffShows(prev: Show, next: Show): PatchOp[] {
  const ops: PatchOp[] = [];
  const a = prev as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (key === 'version' || a[key] === b[key]) continue;
    const pa = a[key];
    const pb = b[key];
    if (ENTRY_KEYS.has(key) && isRecord(pa) && isRecord(pb)) {
      for (const id of Object.keys(pb)) if (pa[id] !== pb[id]) ops.push({ k: key, id, v: pb[id] });
      for (const id of Object.keys(pa)) if (!(id in pb)) ops.push({ k: key, id, del: 1 });
    } else ops.push({ k: key, v: pb });
  }
  return ops;
}

/** Applies a patch to a show in place (the show must be a private copy). */
export function applyOps(show: Record<string, unknown>, ops: PatchOp[]): void {
  for (const op of ops) {
    if (!('id' in op)) {
      show[op.k] = op.v;
      continue;
    }
    const target = isRecord(show[op.k]) ? (show[op.k] as Record<string, unknown>) : (show[op.k] = {} as Record<string, unknown>);
    if ('del' in op) delete target[op.id];
    else target[op.id] = op.v;
  }
}

export function encodeRecord(payload: Payload): string {
  const json = JSON.stringify(payload);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/**
 * One line of the journal, checked: its payload, or null when the line is torn or corrupt. Lines
 * written before records had checksums hold a bare show (`{…}`) and are read as whole-show records.
 */
export function decodeRecord(line: string): Payload | null {
  let json = line;
  if (!line.startsWith('{')) {
    const m = /^([0-9a-f]{8}) /.exec(line);
    if (!m) return null;
    json = line.slice(9);
    if (crc32(json).toString(16).padStart(8, '0') !== m[1]) return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  if (!line.startsWith('{')) {
    if (typeof value.v !== 'number') return null;
    if (isRecord(value.show)) return { v: value.v, show: value.show as unknown as Show };
    if (typeof value.from === 'number' && Array.isArray(value.ops)) return { v: value.v, from: value.from, ops: value.ops as PatchOp[] };
    return null;
  }
  // A legacy line: the whole show, with its own version.
  return typeof value.version === 'number' ? { v: value.version, show: value as unknown as Show } : null;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
