import { Show, type Ack } from '../../protocol';
import type { ShowStore } from './store';
import { describeChange, migrateParams, type ParamChange, type PieceLookup } from './migrate-params';
import type { Notices } from './notices';

export interface UpgradeDeps {
  store: ShowStore;
  piece: PieceLookup;
  log: { warn(fields: Record<string, unknown>, message: string): void; error(fields: Record<string, unknown>, message: string): void };
  notices: Notices;
}

/** Logs each change and tells the panel, one notice per change (a few at most in practice). */
function report(deps: UpgradeDeps, changes: ParamChange[], when: string): void {
  for (const c of changes) {
    const text = describeChange(c);
    deps.log.warn({ where: c.where, installationId: c.installationId, param: c.param, from: c.from, to: c.to }, `show: ${when}: ${text}`);
    deps.notices.add('params-migrated', `${when}: ${text}`);
  }
}

/**
 * Migrates the running show's stored params to the pieces as they are now (at start-up, and
 * whenever the catalog changes), as one durable change through the store. A failed save leaves the
 * show as it was and says so; the next catalog change or start tries again.
 */
export function upgradeStoredParams(deps: UpgradeDeps, when: string): ParamChange[] {
  try {
    return upgrade(deps, when);
  } catch (e) {
    deps.log.error({ err: e }, `show: ${when}: migrating stored params failed; the show is unchanged`);
    return [];
  }
}

function upgrade(deps: UpgradeDeps, when: string): ParamChange[] {
  const m = migrateParams(deps.store.get(), deps.piece);
  if (!m.changes.length) return [];
  const res = deps.store.replace(m.show);
  if (!res.ok) {
    deps.log.error({ error: res.error }, `show: ${when}: stored params no longer fit their pieces, and the migration could not be saved`);
    deps.notices.add('params-migrated', `${when}: ${m.changes.length} stored param value(s) no longer fit their pieces, and the fix could not be saved (${res.error.message}); it is tried again at the next start`);
    return [];
  }
  report(deps, m.changes, when);
  return m.changes;
}

/**
 * An import, with the same migration first: a backup taken before a piece changed still imports,
 * its out-of-date values reset to the defaults and reported. Anything else is the store's to refuse.
 */
export function importShow(deps: UpgradeDeps, raw: unknown): Ack<{ version: number }> {
  const parsed = Show.safeParse(raw);
  if (!parsed.success) return deps.store.replace(raw); // refused there, with the reason
  const m = migrateParams(parsed.data, deps.piece);
  const res = deps.store.replace(m.show);
  if (res.ok && m.changes.length) report(deps, m.changes, 'import');
  return res;
}
