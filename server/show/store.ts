import { COMMAND_TYPES, Command, Show, describeIssues, fail, type Ack, type CommandSource, type ErrorCode, type PlayNotes, type WireError } from '../../protocol';
import type { ShowStorage } from '../persistence/journal';
import type { TimeSource } from '../clock/time';
import { reduce, type Effect, type ReduceContext } from './reducer';
import { showProblem } from './validate';
import { playNotes, type LateScreens } from './transition-commands';
import { dmxLateNote } from './dmx-commands';

export type ShowListener = (show: Show, effects: Effect[], command: Command | null) => void;

/** What the store tells dispatch listeners about every command, refused or not (logs, metrics). */
export interface DispatchEvent {
  /** The command's type; `(invalid)` when it named no known command (a label, so never free text). */
  type: string;
  source: CommandSource;
  /** `ok`, or the error code it was refused with. */
  result: 'ok' | ErrorCode;
  /** The refusal, when refused. */
  error?: WireError;
  /** Seconds the durable write took; null when nothing was written (refused, or nothing changed). */
  durableS: number | null;
  /** The show's version after it (refused: unchanged). */
  version: number;
  /** The command as it was sent (it may be invalid): the activity log describes it (server/activity/describe.ts). */
  raw: unknown;
}
export type DispatchListener = (e: DispatchEvent) => void;

export interface ShowStore {
  get(): Show;
  /**
   * Validates, applies, persists (durably), then notifies. The one way to change the show.
   * `source` (default `internal`) says where the command came from, for logs and metrics.
   */
  dispatch(raw: unknown, source?: CommandSource): Ack<{ version: number } & PlayNotes>;
  /** Replaces the whole show (import). Validated first; the running show is untouched on failure. */
  replace(raw: unknown): Ack<{ version: number }>;
  subscribe(listener: ShowListener): () => void;
  /**
   * Hears every dispatch, after the show listeners: its type, source, result and the durable
   * write's time. A successful `cue.go` is followed by one event per command of the cue (source `cue`).
   */
  onDispatch(listener: DispatchListener): () => void;
  /** Tells the dispatch listeners of a command refused at an edge in front of the store (withPairing). */
  refused(raw: unknown, source: CommandSource, error: WireError): void;
}

const KNOWN_TYPES = new Set<string>(COMMAND_TYPES);
/** A command's type as a log and metric label: one of the known types, or `(invalid)`. */
export function typeLabel(raw: unknown): string {
  const t = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  return typeof t === 'string' && KNOWN_TYPES.has(t) ? t : '(invalid)';
}

export function createShowStore(opts: {
  initial: Show;
  storage: ShowStorage;
  time: TimeSource;
  piece: ReduceContext['piece'];
  /** Lead for a piece switch without `at` (default 600 ms); see server/screens/preload-times.ts. */
  playLeadMs?: (wallId: string, installationId: string) => number;
  /** Screens that would switch late to a piece started that soon (an explicit `at`): the ack says so (PlayNotes). */
  lateScreens?: LateScreens;
  changeLeadMs?: number;
  onError?: (err: unknown) => void;
}): ShowStore & AdoptingStore {
  let show = opts.initial;
  const listeners = new Set<ShowListener>();
  const dispatchListeners = new Set<DispatchListener>();

  function notify(effects: Effect[], command: Command | null): void {
    for (const l of listeners) {
      try {
        l(show, effects, command);
      } catch (e) {
        opts.onError?.(e);
      }
    }
  }

  /** Saves durably, then notifies; returns the seconds the write took. */
  function commit(next: Show, effects: Effect[], command: Command | null): number {
    const t0 = performance.now();
    opts.storage.save(next); // fsync'd before anyone hears of it
    const seconds = (performance.now() - t0) / 1000;
    show = next;
    notify(effects, command);
    return seconds;
  }

  function told(e: DispatchEvent): void {
    for (const l of dispatchListeners) {
      try {
        l(e);
      } catch (err) {
        opts.onError?.(err);
      }
    }
  }

  function answer<T extends Ack<{ version: number }>>(raw: unknown, source: CommandSource, res: T, durableS: number | null): T {
    if (dispatchListeners.size === 0) return res;
    told(res.ok
      ? { type: typeLabel(raw), source, result: 'ok', durableS, version: res.version, raw }
      : { type: typeLabel(raw), source, result: res.error.code, error: res.error, durableS: null, version: show.version, raw });
    return res;
  }

  return {
    get: () => show,
    dispatch(raw, source = 'internal') {
      const parsed = Command.safeParse(raw);
      if (!parsed.success) {
        // A client's `type` may be anything: String() on an object whose toString is not a function throws.
        const given = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
        const type = typeof given === 'string' ? given.slice(0, 64) : typeof given === 'number' || typeof given === 'boolean' ? String(given) : '(none)';
        return answer(raw, source, fail('bad_request', `command '${type}' is not valid: ${describeIssues(parsed.error.issues)}`), null);
      }
      const now = opts.time();
      const res = reduce(show, parsed.data, {
        now,
        piece: opts.piece,
        playLeadMs: opts.playLeadMs ?? (() => 600),
        changeLeadMs: opts.changeLeadMs ?? 150,
      });
      if (!res.ok) return answer(raw, source, res, null);
      let durableS: number | null = null;
      if (res.changed) {
        try {
          durableS = commit(res.show, res.effects, parsed.data);
        } catch (e) {
          opts.onError?.(e);
          return answer(raw, source, fail('internal', saveFailure(e)), null);
        }
      } else {
        notify(res.effects, parsed.data);
      }
      const done = answer(raw, source, { ok: true, version: show.version, ...playNotes(parsed.data, now, opts.lateScreens), ...dmxLateNote(parsed.data, opts.time()) }, durableS);
      // The GO's own commands, as the cue ran them (the reducer applied them inside the one change).
      if (parsed.data.type === 'cue.go' && dispatchListeners.size > 0)
        for (const c of show.cues[show.cuePosition]?.commands ?? []) told({ type: c.type, source: 'cue', result: 'ok', durableS: null, version: show.version, raw: c });
      return done;
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
    onDispatch(l) {
      dispatchListeners.add(l);
      return () => dispatchListeners.delete(l);
    },
    refused(raw, source, error) {
      answer(raw, source, { ok: false, error }, null);
    },
    adopt(next) {
      show = next;
      notify([], null);
    },
  };
}

/**
 * Multi-node mode (server/cluster/): a follower's store takes the writer's show as it is, already
 * durable in Redis, and tells its listeners (nothing is saved here, no dispatch listener hears it).
 */
export interface AdoptingStore {
  adopt(show: Show): void;
}

/** What the technician reads when a change could not be made durable (nothing was changed). */
function saveFailure(e: unknown): string {
  // A refusal that says it all by itself (server/cluster/: this node is not the writer, Redis is unreachable).
  const said = (e as { publicMessage?: unknown } | null)?.publicMessage;
  if (typeof said === 'string') return said;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const why =
    code === 'ENOSPC' ? 'the data disk is full; free space on it'
    : code === 'EROFS' ? 'the data directory is on a read-only filesystem; remount it read-write'
    : code === 'EACCES' || code === 'EPERM' ? 'the server may not write to the data directory; fix its permissions'
    : code === 'EIO' ? 'the data disk reported an I/O error; check the disk'
    : 'check disk space and permissions';
  return `the change was not made: the show could not be saved to the data directory (${code ?? 'error'}): ${why}, then retry`;
}
