import { fail, type CommandSource, type ErrorCode } from '../../protocol';
import type { ShowStore } from '../show/store';
import type { PendingScreens } from './pairing';
import { newScreenKey } from './keys';

/**
 * The edge of the pairing commands, in front of the store (docs/api.md):
 * - `screen.pair` must name a code a page shows now, and that page must be online, or the show
 *   would gain a screen nobody can play as;
 * - `screen.pair` and `screen.rekey` get a random key here when the command leaves it out: the
 *   reducer is pure, so the randomness comes with the command, and the key is journaled with it.
 * Everything else passes through untouched. Every path that dispatches (control socket, REST)
 * holds this store.
 */
export function withPairing(store: ShowStore, deps: { pending: PendingScreens; newKey?: () => string }): ShowStore {
  const newKey = deps.newKey ?? newScreenKey;
  /** Refused here, in front of the store: the store's dispatch listeners (logs, metrics) hear of it too. */
  const refuse = (raw: unknown, source: CommandSource | undefined, code: ErrorCode, message: string) => {
    const res = fail(code, message);
    store.refused(raw, source ?? 'internal', res.error);
    return res;
  };
  return {
    ...store,
    dispatch(raw, source) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return store.dispatch(raw, source);
      const c = raw as Record<string, unknown>;
      if (c.type === 'screen.pair' && typeof c.code === 'string') {
        const entry = deps.pending.byCode(c.code);
        const minutes = Math.round(deps.pending.options.ttlMs / 60_000);
        if (!entry)
          return refuse(raw, source, 'not_found', `no screen page waits with code '${c.code.slice(0, 16)}'; read the code on the screen again (a code changes after ${minutes} minutes, and when its page has been closed for a while)`);
        if (entry.socketId === null)
          return refuse(raw, source, 'not_allowed_now', `the page with code ${entry.code} is offline right now; check the screen computer and its network, then approve it again`);
      }
      if ((c.type === 'screen.pair' || c.type === 'screen.rekey') && c.key === undefined) return store.dispatch({ ...c, key: newKey() }, source);
      return store.dispatch(raw, source);
    },
  };
}
