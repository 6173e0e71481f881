import crypto from 'node:crypto';
import nodeFs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { Show, type RestorePoint, type RestoreReason } from '../../protocol';

export type { RestorePoint, RestoreReason };
import { summarize } from '../show/show-diff';
import { replaceFileDurably, type FsLayer } from './durable';

export interface RestorePoints {
  /** Saves `show` durably as a new point (throws when it could not: the caller refuses what it was about to do). */
  take(show: Show, reason: RestoreReason): RestorePoint;
  /** Newest first. */
  list(): RestorePoint[];
  /** The show a point holds; null when there is no such point, or its file no longer reads as a show. */
  read(id: string): Show | null;
  /** Starts the hourly points (only when the show changed since the last point); returns the stop. */
  hourly(show: () => Show, everyMs?: number): () => void;
}

/** How many points are kept (the oldest go first): two days of hourly ones, or fewer with imports and restores among them. */
export const KEEP_POINTS = 48;
const ID = /^\d{13}-(hourly|before-import|before-restore|manual)-[0-9a-f]{6}$/;
const HOUR = 3_600_000;

/**
 * Restore points in `<data>/restore-points/`: one JSON file per point, the whole show as its export
 * gives it, written durably (server/persistence/durable.ts). Bounded: the oldest beyond `keep` are
 * removed after each new one. Its list is read from the file names, so it survives restarts.
 */
export function createRestorePoints(opts: { dir: string; now: () => number; log: Logger; keep?: number; fs?: FsLayer & Pick<typeof nodeFs, 'readdirSync'> }): RestorePoints {
  const fs = opts.fs ?? nodeFs;
  const keep = opts.keep ?? KEEP_POINTS;
  const file = (id: string) => path.join(opts.dir, `${id}.json`);
  let lastVersion: number | null = null;
  // A point never changes once written: its entry is read (a whole show, parsed) once per id.
  const known = new Map<string, RestorePoint | null>();

  const ids = (): string[] => {
    try {
      return fs.readdirSync(opts.dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter((id) => ID.test(id)).sort().reverse();
    } catch {
      return [];
    }
  };
  // The summary is in the file: read it only for the list (a few dozen small files).
  const describe = (id: string): RestorePoint | null => {
    if (known.has(id)) return known.get(id)!;
    const show = points.read(id);
    const [at, ...rest] = id.split('-');
    const point = show ? { id, at: Number(at), reason: rest.slice(0, -1).join('-') as RestoreReason, summary: summarize(show) } : null;
    known.set(id, point);
    return point;
  };

  const points: RestorePoints = {
    take(show, reason) {
      const at = Math.floor(opts.now()); // show time has sub-millisecond digits
      const id = `${String(at).padStart(13, '0')}-${reason}-${crypto.randomBytes(3).toString('hex')}`;
      replaceFileDurably(file(id), `${JSON.stringify(show)}\n`, {}, fs);
      lastVersion = show.version;
      const point: RestorePoint = { id, at, reason, summary: summarize(show) };
      known.set(id, point);
      for (const old of ids().slice(keep)) {
        known.delete(old);
        try {
          fs.rmSync(file(old), { force: true });
        } catch (e) {
          opts.log.warn({ err: e }, `restore points: could not remove the old point ${old}; it stays until the next one`);
        }
      }
      opts.log.info({ restorePoint: id, reason, version: show.version }, `restore points: took ${id}`);
      return point;
    },
    list: () => ids().flatMap((id) => describe(id) ?? []),
    read(id) {
      if (!ID.test(id)) return null;
      try {
        const parsed = Show.safeParse(JSON.parse(fs.readFileSync(file(id), 'utf8') as string));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    hourly(show, everyMs = HOUR) {
      lastVersion = (() => {
        const newest = ids()[0];
        return newest ? (points.read(newest)?.version ?? null) : null;
      })();
      const timer = setInterval(() => {
        const s = show();
        if (s.version === lastVersion) return;
        try {
          points.take(s, 'hourly');
        } catch (e) {
          opts.log.error({ err: e }, `restore points: the hourly point could not be saved (${(e as Error).message}); check the data disk`);
        }
      }, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
  return points;
}
