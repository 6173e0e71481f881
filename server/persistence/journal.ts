import fs from 'node:fs';
import path from 'node:path';
import { Show } from '../protocol';

/**
 * Durable show storage: an fsync'd append-only journal of whole show states, compacted into an
 * atomically renamed snapshot. A line is acknowledged only after fsync, so a kill -9 at any moment
 * loses nothing acknowledged; a torn last line (never acknowledged) is ignored on load.
 * See docs/operations.md for why this and not SQLite.
 */
export interface ShowStorage {
  load(): Show | null;
  save(show: Show): void;
  close(): void;
}

const SNAPSHOT = 'show.json';
const JOURNAL = 'show.journal';

export function createFileStorage(dir: string, opts: { compactBytes?: number } = {}): ShowStorage {
  fs.mkdirSync(dir, { recursive: true });
  const snapshotPath = path.join(dir, SNAPSHOT);
  const journalPath = path.join(dir, JOURNAL);
  const compactBytes = opts.compactBytes ?? 4 * 1024 * 1024;
  let fd: number | null = null;
  let journalBytes = 0;

  function openJournal(): number {
    if (fd === null) {
      fd = fs.openSync(journalPath, 'a');
      journalBytes = fs.fstatSync(fd).size;
    }
    return fd;
  }

  function writeSnapshot(show: Show): void {
    const tmp = `${snapshotPath}.tmp`;
    const tfd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(tfd, JSON.stringify(show));
      fs.fsyncSync(tfd);
    } finally {
      fs.closeSync(tfd);
    }
    fs.renameSync(tmp, snapshotPath);
    fsyncDir(dir);
  }

  return {
    load() {
      let best: Show | null = null;
      if (fs.existsSync(snapshotPath)) {
        const parsed = Show.safeParse(JSON.parse(fs.readFileSync(snapshotPath, 'utf8')));
        if (!parsed.success) throw new Error(`persistence: ${snapshotPath} is not a valid show (${parsed.error.issues[0]?.message}); restore it from an export or move it away to start fresh`);
        best = parsed.data;
      }
      if (fs.existsSync(journalPath)) {
        const lines = fs.readFileSync(journalPath, 'utf8').split('\n');
        for (const line of lines) {
          if (!line.trim()) continue;
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch {
            continue; // a torn write from a crash: it was never acknowledged
          }
          const parsed = Show.safeParse(value);
          if (parsed.success && (!best || parsed.data.version >= best.version)) best = parsed.data;
        }
      }
      return best;
    },
    save(show) {
      const line = `${JSON.stringify(show)}\n`;
      const f = openJournal();
      fs.writeSync(f, line);
      fs.fsyncSync(f);
      journalBytes += Buffer.byteLength(line);
      if (journalBytes > compactBytes) {
        writeSnapshot(show);
        fs.closeSync(f);
        fd = null;
        fs.truncateSync(journalPath, 0);
        journalBytes = 0;
      }
    },
    close() {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}

function fsyncDir(dir: string): void {
  try {
    const d = fs.openSync(dir, 'r');
    fs.fsyncSync(d);
    fs.closeSync(d);
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  }
}

/** In-memory storage for tests that do not exercise durability. */
export function createMemoryStorage(initial: Show | null = null): ShowStorage {
  let saved = initial;
  return { load: () => saved, save: (s) => void (saved = s), close: () => {} };
}
