import fs from 'node:fs';
import path from 'node:path';
import { Show } from '../../protocol';
import { DurableAppender, replaceFileDurably } from './durable';

/**
 * Durable show storage: an fsync'd append-only journal of whole show states, compacted into an
 * atomically renamed snapshot. A line is acknowledged only after all of its bytes were written and
 * fsync'd; a failed write is cut back off and refused. On load, a torn or corrupt tail (a crash
 * mid-write) is cut back to the last good line, and logged, before anything is appended after it.
 * A snapshot is read back and compared before it replaces the old one, and only then is the
 * journal emptied. See docs/operations.md for why this and not SQLite.
 */
export interface ShowStorage {
  load(): Show | null;
  save(show: Show): void;
  close(): void;
}

export interface StorageLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

const SNAPSHOT = 'show.json';
const JOURNAL = 'show.journal';

/** The byte length of the journal's good prefix: every line in it is whole and parses as a show. */
function goodPrefix(bytes: Buffer): { end: number; shows: Show[] } {
  const shows: Show[] = [];
  let end = 0;
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) break; // no newline: a torn last line
    const line = bytes.subarray(start, nl).toString('utf8');
    if (line.trim()) {
      let parsed: ReturnType<typeof Show.safeParse> | null = null;
      try {
        parsed = Show.safeParse(JSON.parse(line));
      } catch {
        parsed = null;
      }
      if (!parsed?.success) break; // corrupt: everything from here on is cut
      shows.push(parsed.data);
    }
    start = nl + 1;
    end = start;
  }
  return { end, shows };
}

export function createFileStorage(dir: string, opts: { compactBytes?: number; log?: StorageLog } = {}): ShowStorage {
  fs.mkdirSync(dir, { recursive: true });
  const snapshotPath = path.join(dir, SNAPSHOT);
  const journalPath = path.join(dir, JOURNAL);
  const compactBytes = opts.compactBytes ?? 4 * 1024 * 1024;
  const journal = new DurableAppender(journalPath);

  function readSnapshot(): Show | null {
    if (!fs.existsSync(snapshotPath)) return null;
    const text = fs.readFileSync(snapshotPath, 'utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error(`persistence: ${snapshotPath} is not readable JSON (${(e as Error).message}); restore it from an export or move it away to start fresh`);
    }
    const parsed = Show.safeParse(raw);
    if (!parsed.success) throw new Error(`persistence: ${snapshotPath} is not a valid show (${parsed.error.issues[0]?.message}); restore it from an export or move it away to start fresh`);
    return parsed.data;
  }

  return {
    load() {
      let best = readSnapshot();
      if (fs.existsSync(journalPath)) {
        const bytes = fs.readFileSync(journalPath);
        const { end, shows } = goodPrefix(bytes);
        for (const s of shows) if (!best || s.version >= best.version) best = s;
        if (end < bytes.length) {
          // A crash mid-write leaves a torn line; it was never acknowledged. Cut it off before the next
          // append, or that append would be glued onto it and be lost too.
          opts.log?.warn(
            { file: journalPath, cutBytes: bytes.length - end, keptBytes: end, keptRecords: shows.length },
            `persistence: the journal ended in a torn or corrupt record (${bytes.length - end} bytes, never acknowledged); cut back to the last good record`,
          );
          fs.truncateSync(journalPath, end);
        }
      }
      return best;
    },
    save(show) {
      journal.append(`${JSON.stringify(show)}\n`);
      if (journal.size > compactBytes) {
        // The snapshot replaces the old one only after it was read back whole; the journal is emptied
        // only after that. A failure here leaves the journal as it was: nothing is lost.
        try {
          replaceFileDurably(snapshotPath, JSON.stringify(show));
          journal.truncate();
        } catch (e) {
          opts.log?.warn({ err: e, file: snapshotPath }, 'persistence: compaction failed; the journal keeps every change and compaction will be tried again');
        }
      }
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
