import nodeFs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ActivityEntry, ActivityPage } from '../../protocol';
import { DurableAppender, replaceFileDurably } from '../persistence/durable';

export interface ActivityLog {
  /** Records one entry (seq and time added). Never throws: a failed write is logged, the entry kept in memory. */
  add(entry: Omit<ActivityEntry, 'seq' | 'at'>): ActivityEntry;
  /** Entries after `since`, oldest first, at most `limit` (the newest ones when more match). */
  since(since: number, limit: number, filter?: (e: ActivityEntry) => boolean): ActivityPage;
  /** Called for every new entry (the notices and the panel hear of it). */
  onAdd(fn: (e: ActivityEntry) => void): () => void;
  /** Closes the file (the app's close). */
  close(): void;
}

/** Entries kept, in memory and on disk: a bounded ring. */
export const ACTIVITY_MAX = 5000;

/**
 * The activity log: every command with its source, who and its result, screens coming and going,
 * piece errors, sign-ins. A bounded ring: in memory, and in `<data>/activity.jsonl` (one JSON line
 * per entry, appended all-or-nothing through persistence/durable.ts; rewritten to the newest `max`
 * when it holds twice that), read back at start (a line that does not parse is skipped). It is a
 * record, not the show: the show's durability is the journal's.
 */
export function createActivityLog(opts: { file: string; now: () => number; log: Logger; max?: number; fs?: typeof nodeFs }): ActivityLog {
  const fs = opts.fs ?? nodeFs;
  const max = opts.max ?? ACTIVITY_MAX;
  let entries: ActivityEntry[] = [];
  let lines = 0;
  let failing = false;
  /** The file ends in a torn line (a power cut mid-append): the next append starts a line of its own. */
  let torn = false;
  const listeners = new Set<(e: ActivityEntry) => void>();
  try {
    const text = fs.readFileSync(opts.file, 'utf8');
    torn = text.length > 0 && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      lines++;
      try {
        const e = JSON.parse(line) as ActivityEntry;
        if (typeof e.seq === 'number' && typeof e.at === 'number' && typeof e.text === 'string') entries.push(e);
      } catch {
        /* a torn line: skipped */
      }
    }
    entries = entries.slice(-max);
  } catch {
    /* no log yet */
  }
  let seq = entries.at(-1)?.seq ?? 0;
  let appender: DurableAppender | null = null;

  const write = (e: ActivityEntry) => {
    try {
      if (lines >= 2 * max) {
        appender?.close();
        appender = null;
        replaceFileDurably(opts.file, entries.map((x) => JSON.stringify(x)).join('\n') + '\n', {}, fs);
        lines = entries.length;
      } else {
        if (!appender) {
          fs.mkdirSync(path.dirname(opts.file), { recursive: true });
          appender = new DurableAppender(opts.file, fs);
        }
        appender.append(`${torn ? '\n' : ''}${JSON.stringify(e)}\n`);
        torn = false;
        lines++;
      }
      failing = false;
    } catch (err) {
      if (!failing) opts.log.warn({ err }, `activity: the log could not be written to ${opts.file} (${(err as Error).message}); entries are kept in memory until it can`);
      failing = true;
    }
  };

  return {
    add(partial) {
      // Built field by field, in one order, so that every entry shares one hidden class. A spread of
      // the five kinds of partial entry goes megamorphic in V8, which then gives each copy a map
      // (and descriptor array) of its own: over half of each entry's memory, seen in the soak's
      // server heap snapshots (docs/performance.md, session 26). Absent fields stay undefined, which
      // JSON (the file, GET /api/log) leaves out as before.
      const e: ActivityEntry = { seq: ++seq, at: Math.round(opts.now()), kind: partial.kind, source: partial.source, by: partial.by, type: partial.type, result: partial.result, text: partial.text };
      entries.push(e);
      if (entries.length > max) entries = entries.slice(-max);
      write(e);
      for (const fn of listeners) {
        try {
          fn(e);
        } catch (err) {
          opts.log.error({ err }, 'activity: a listener failed');
        }
      }
      return e;
    },
    since(since, limit, filter) {
      const after = entries.filter((e) => e.seq > since && (!filter || filter(e)));
      return { entries: after.slice(-Math.max(1, limit)), last: seq };
    },
    onAdd(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    close() {
      appender?.close();
      appender = null;
    },
  };
}
