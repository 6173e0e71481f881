import type { Show } from '../../protocol';
import { describeChange, type ParamChange } from './migrate-params';
import type { ShowStore } from './store';

/** The review flags between restarts (server/persistence/cue-memory.ts). */
export interface CueReviewMemory {
  load(): Record<string, string>;
  save(flags: Record<string, string>): void;
}

/**
 * Cues a piece upgrade changed (their stored values reset or dropped to fit the new manifest,
 * migrate-params.ts): each is flagged in the panel with what changed, until the technician saves
 * it again (or deletes it). What no longer fits at all is found from the manifests (cue-checks.ts).
 */
export interface CueReview {
  /** Runs a migration (upgradeStoredParams) and flags the cues whose commands it changed. */
  around(migrate: () => ParamChange[]): ParamChange[];
  /** The flags, by cue id, for the cues still in the show. */
  flags(show: Show): Record<string, string>;
  close(): void;
}

export function createCueReview(opts: {
  store: Pick<ShowStore, 'get' | 'subscribe'>;
  memory: CueReviewMemory;
  log: { warn(fields: object, message: string): void };
}): CueReview {
  let flags = opts.memory.load();
  const save = () => {
    try {
      opts.memory.save(flags);
    } catch (e) {
      opts.log.warn({ err: e }, 'cues: the review flags could not be saved; they show until the next restart');
    }
  };
  // Saved again or deleted: the technician has seen it.
  const unsubscribe = opts.store.subscribe((_show, _effects, command) => {
    if (!command || (command.type !== 'cue.save' && command.type !== 'cue.delete' && command.type !== 'cue.record')) return;
    if (!(command.cueId in flags)) return;
    const { [command.cueId]: _seen, ...rest } = flags;
    flags = rest;
    save();
  });
  return {
    around(migrate) {
      const before = new Map(opts.store.get().cues.map((q) => [q.id, JSON.stringify(q.commands)]));
      const changes = migrate();
      const after = opts.store.get().cues;
      let any = false;
      for (const cue of after) {
        const was = before.get(cue.id);
        if (was === undefined || was === JSON.stringify(cue.commands)) continue;
        const said = changes.filter((c) => c.kind === 'cue' && c.where.startsWith(`cue '${cue.id}' `)).map(describeChange);
        flags = { ...flags, [cue.id]: `a piece changed, so this cue was changed to fit it: ${said.join('; ') || 'its params were reset'}. Check it, then save it to clear this` };
        any = true;
      }
      if (any) save();
      return changes;
    },
    flags(show) {
      const out: Record<string, string> = {};
      for (const q of show.cues) if (flags[q.id]) out[q.id] = flags[q.id]!;
      return out;
    },
    close: unsubscribe,
  };
}
