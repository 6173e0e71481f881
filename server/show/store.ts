import { Command, Show, describeIssues, fail, type Ack } from '../../protocol';
import type { ShowStorage } from '../persistence/journal';
import type { TimeSource } from '../clock/time';
import { reduce, type Effect, type ReduceContext } from './reducer';
import { showProblem } from './validate';

export type ShowListener = (show: Show, effects: Effect[], command: Command | null) => void;

export interface ShowStore {
  get(): Show;
  /** Validates, applies, persists (durably), then notifies. The one way to change the show. */
  dispatch(raw: unknown): Ack<{ version: number }>;
  /** Replaces the whole show (import). Validated first; the running show is untouched on failure. */
  replace(raw: unknown): Ack<{ version: number }>;
  subscribe(listener: ShowListener): () => void;
}

export function createShowStore(opts: {
  initial: Show;
  storage: ShowStorage;
  time: TimeSource;
  piece: ReduceContext['piece'];
  /** Lead for a piece switch without `at` (default 600 ms); see server/screens/preload-times.ts. */
  playLeadMs?: (wallId: string, installationId: string) => number;
  changeLeadMs?: number;
  onError?: (err: unknown) => void;
}): ShowStore {
  let show = opts.initial;
  const listeners = new Set<ShowListener>();

  function commit(next: Show, effects: Effect[], command: Command | null): void {
    opts.storage.save(next); // fsync'd before anyone hears of it
    show = next;
    for (const l of listeners) {
      try {
        l(show, effects, command);
      } catch (e) {
        opts.onError?.(e);
      }
    }
  }

  return {
    get: () => show,
    dispatch(raw) {
      const parsed = Command.safeParse(raw);
      if (!parsed.success) {
        // A client's `type` may be anything: String() on an object whose toString is not a function throws.
        const given = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
        const type = typeof given === 'string' ? given.slice(0, 64) : typeof given === 'number' || typeof given === 'boolean' ? String(given) : '(none)';
        return fail('bad_request', `command '${type}' is not valid: ${describeIssues(parsed.error.issues)}`);
      }
      const res = reduce(show, parsed.data, {
        now: opts.time(),
        piece: opts.piece,
        playLeadMs: opts.playLeadMs ?? (() => 600),
        changeLeadMs: opts.changeLeadMs ?? 150,
      });
      if (!res.ok) return res;
      if (res.changed) {
        try {
          commit(res.show, res.effects, parsed.data);
        } catch (e) {
          opts.onError?.(e);
          return fail('internal', saveFailure(e));
        }
      } else {
        for (const l of listeners) l(show, res.effects, parsed.data);
      }
      return { ok: true, version: show.version };
    },
    replace(raw) {
      const parsed = Show.safeParse(raw);
      if (!parsed.success) return fail('bad_request', `the show document is not valid: ${describeIssues(parsed.error.issues)}`);
      const next = parsed.data;
      const problem = showProblem(next, opts.piece);
      if (problem) return problem;
      try {
        commit({ ...next, version: show.version + 1 }, [], null);
      } catch (e) {
        opts.onError?.(e);
        return fail('internal', saveFailure(e));
      }
      return { ok: true, version: show.version };
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/** What the technician reads when a change could not be made durable (nothing was changed). */
function saveFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const why =
    code === 'ENOSPC' ? 'the data disk is full; free space on it'
    : code === 'EROFS' ? 'the data directory is on a read-only filesystem; remount it read-write'
    : code === 'EACCES' || code === 'EPERM' ? 'the server may not write to the data directory; fix its permissions'
    : code === 'EIO' ? 'the data disk reported an I/O error; check the disk'
    : 'check disk space and permissions';
  return `the change was not made: the show could not be saved to the data directory (${code ?? 'error'}): ${why}, then retry`;
}
