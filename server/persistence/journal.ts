import nodeFs from 'node:fs';
import path from 'node:path';
import { Show } from '../../protocol';
import { DurableAppender, renameDurably, writeFileVerified, type FsLayer } from './durable';
import { applyOps, decodeRecord, diffShows, encodeRecord, type Payload } from './records';

/**
 * Durable show storage: a snapshot plus an fsync'd journal of checksummed records, each the
 * change one command made (server/persistence/records.ts). A command is acknowledged only after
 * all of its record's bytes were written and fsync'd; a failed write is cut back off and refused.
 *
 * On load, a torn or corrupt tail (a crash mid-write) is cut back to the last good record, and
 * logged, before anything is appended after it. Compaction writes a new snapshot in full, reads it
 * back, and only then moves the old snapshot and journal aside as `show.prev.json` and
 * `show.prev.journal` (the last two are kept): if the snapshot is unreadable at start, the previous
 * one plus both journals give the same show, and the log says so. See docs/operations.md.
 */
export interface ShowStorage {
  load(): Show | null;
  save(show: Show): void;
  close(): void;
}

export interface StorageLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
}

export const STORAGE_FILES = { snapshot: 'show.json', prevSnapshot: 'show.prev.json', journal: 'show.journal', prevJournal: 'show.prev.journal' } as const;

/** The good records of a journal and the length of its good prefix (every record whole and checked). */
function readRecords(bytes: Buffer): { end: number; records: Payload[] } {
  const records: Payload[] = [];
  let end = 0;
  for (let start = 0; ; ) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) break; // no newline: a torn last record
    const line = bytes.subarray(start, nl).toString('utf8');
    if (line.trim()) {
      const rec = decodeRecord(line);
      if (!rec) break; // corrupt: everything from here on is cut
      records.push(rec);
    }
    start = nl + 1;
    end = start;
  }
  return { end, records };
}

export function createFileStorage(dir: string, opts: { compactBytes?: number; log?: StorageLog; fs?: FsLayer } = {}): ShowStorage {
  const fs = opts.fs ?? nodeFs;
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: keyof typeof STORAGE_FILES) => path.join(dir, STORAGE_FILES[name]);
  const compactBytes = opts.compactBytes ?? 1024 * 1024;
  let journal = new DurableAppender(file('journal'), fs);
  /** The show last loaded or saved: the next record is a patch from it. */
  let last: Show | null = null;

  function readSnapshot(which: 'snapshot' | 'prevSnapshot'): Show | null {
    const p = file(which);
    if (!fs.existsSync(p)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(p, 'utf8') as string);
    } catch (e) {
      throw new Error(`persistence: ${p} is not readable JSON (${(e as Error).message})`);
    }
    const parsed = Show.safeParse(raw);
    if (!parsed.success) throw new Error(`persistence: ${p} is not a valid show (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  }

  /** The newest readable snapshot: show.json, else show.prev.json (said in the log). */
  function baseSnapshot(): Show | null {
    let problem: Error | null = null;
    try {
      const s = readSnapshot('snapshot');
      if (s) return s;
    } catch (e) {
      problem = e as Error;
    }
    let prev: Show | null;
    try {
      prev = readSnapshot('prevSnapshot');
    } catch (e) {
      throw new Error(
        `${problem ? `${problem.message}, and ` : ''}${(e as Error).message}; restore the show from an export (POST /api/show/import) or move ${dir} away to start fresh`,
      );
    }
    if (problem) {
      if (!prev) throw new Error(`${problem.message}; restore the show from an export (POST /api/show/import) or move ${dir} away to start fresh`);
      opts.log?.warn({ file: file('snapshot'), fallback: file('prevSnapshot'), err: problem.message }, 'persistence: the snapshot is unreadable; starting from the previous snapshot and both journals');
    }
    return prev;
  }

  /** Reads a journal's good records; cuts a torn or corrupt tail off the live journal (logged). */
  function journalRecords(which: 'journal' | 'prevJournal'): Payload[] {
    const p = file(which);
    if (!fs.existsSync(p)) return [];
    const bytes = fs.readFileSync(p) as Buffer;
    const { end, records } = readRecords(bytes);
    if (end < bytes.length && which === 'journal') {
      // A crash mid-write leaves a torn record; it was never acknowledged. Cut it off before the next
      // append, or that append would be glued onto it and be lost too.
      opts.log?.warn(
        { file: p, cutBytes: bytes.length - end, keptBytes: end, keptRecords: records.length },
        `persistence: the journal ended in a torn or corrupt record (${bytes.length - end} bytes, never acknowledged); cut back to the last good record`,
      );
      fs.truncateSync(p, end);
    }
    return records;
  }

  function compact(show: Show): void {
    const tmp = `${file('snapshot')}.tmp`;
    const json = JSON.stringify(show);
    try {
      writeFileVerified(tmp, Buffer.from(json), 0o644, fs);
    } catch (e) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        /* nothing more to do */
      }
      opts.log?.warn({ err: e, file: tmp }, 'persistence: compaction failed (the snapshot could not be written whole); the journal keeps every change, compaction is tried again later');
      return;
    }
    // From here a crash or a failure at any step leaves a loadable state: the snapshots' versions say
    // which records of the two journals to replay.
    journal.close();
    try {
      if (fs.existsSync(file('snapshot'))) renameDurably(file('snapshot'), file('prevSnapshot'), fs);
      if (fs.existsSync(file('journal'))) renameDurably(file('journal'), file('prevJournal'), fs);
      renameDurably(tmp, file('snapshot'), fs);
    } catch (e) {
      opts.log?.warn({ err: e, dir }, 'persistence: compaction stopped half-way; nothing is lost (the previous snapshot and the journals hold every change)');
    }
    journal = new DurableAppender(file('journal'), fs);
  }

  return {
    load() {
      let cur: Record<string, unknown> | null = (baseSnapshot() as unknown as Record<string, unknown>) ?? null;
      const records = [...journalRecords('prevJournal'), ...journalRecords('journal')];
      let version = typeof cur?.version === 'number' ? cur.version : -1;
      for (const rec of records) {
        if (rec.v <= version) continue; // already in the snapshot
        if ('show' in rec) cur = structuredClone(rec.show) as unknown as Record<string, unknown>;
        else if (cur && rec.from === version) applyOps(cur, rec.ops);
        else {
          opts.log?.warn({ version, next: rec.v, from: rec.from }, `persistence: the journal skips from version ${version} to ${rec.from}; later records are not replayed`);
          break;
        }
        cur.version = version = rec.v;
      }
      if (!cur) return null;
      const parsed = Show.safeParse(cur);
      if (!parsed.success)
        throw new Error(`persistence: replaying ${dir} gave an invalid show (${parsed.error.issues[0]?.message}); restore the show from an export or move ${dir} away to start fresh`);
      last = parsed.data;
      return parsed.data;
    },
    save(show) {
      const record = last && show.version === last.version + 1 ? { v: show.version, from: last.version, ops: diffShows(last, show) } : { v: show.version, show };
      journal.append(encodeRecord(record));
      last = show;
      if (journal.size > compactBytes) compact(show);
    },
    close() {
      journal.close();
    },
  };
}

/** In-memory storage for tests that do not exercise durability. */
export function createMemoryStorage(initial: Show | null = null): ShowStorage {
  let saved = initial;
  return { load: () => saved, save: (s) => void (saved = s), close: () => {} };
}
