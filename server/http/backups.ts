import type { FastifyInstance } from 'fastify';
import { Show, describeIssues, fail, type Ack } from '../../protocol';
import type { Auth } from './auth';
import { guard, statusOf } from './api';
import type { RestorePoints } from '../persistence/restore-points';
import { diffShows, summarize } from '../show/show-diff';

export interface BackupDeps {
  auth: Auth;
  show: () => Show;
  points: RestorePoints;
  /** The import the API already does (params upgraded, validated, the whole show replaced durably). */
  importShow: (raw: unknown) => Ack<{ version: number }>;
}

const IMPORT_LIMIT = 5 * 1024 * 1024;

/** A body sent as text (curl's default for --data-binary, or text/plain) that holds JSON: read as JSON. */
export function jsonBody(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * An import that first keeps the running show as a restore point: refused, with the show
 * untouched, when that point cannot be saved (a full disk), so an import never loses the show.
 */
export function importWithRestorePoint(deps: Pick<BackupDeps, 'show' | 'points' | 'importShow'>, raw: unknown, reason: 'before-import' | 'before-restore' = 'before-import'): Ack<{ version: number; restorePoint?: string }> {
  raw = jsonBody(raw);
  if (!Show.safeParse(raw).success) return deps.importShow(raw); // refused there, with the reason
  let point: string;
  try {
    point = deps.points.take(deps.show(), reason).id;
  } catch (e) {
    return fail('internal', `could not save a restore point of the running show first (${(e as Error).message}); nothing was changed. Free space on the data disk, then try again`);
  }
  const res = deps.importShow(raw);
  return res.ok ? { ...res, restorePoint: point } : res;
}

/**
 * Backups in the panel (technician only): a preview of what an import would change, restore
 * points (hourly, before each import and restore, or taken by hand), and restoring one.
 */
export function registerBackupRoutes(app: FastifyInstance, deps: BackupDeps): void {
  const technician = { preHandler: guard(deps.auth, ['technician']) };

  app.post('/api/show/import/preview', { ...technician, bodyLimit: IMPORT_LIMIT }, async (req, reply) => {
    const parsed = Show.safeParse(jsonBody(req.body));
    if (!parsed.success) return reply.code(400).send(fail('bad_request', `this file is not a Pavilion show export: ${describeIssues(parsed.error.issues)}`));
    return { ok: true, diff: diffShows(deps.show(), parsed.data), incoming: summarize(parsed.data), current: summarize(deps.show()) };
  });

  app.get('/api/restore-points', technician, async () => ({ ok: true, points: deps.points.list() }));

  app.post('/api/restore-points', technician, async (_req, reply) => {
    try {
      return { ok: true, point: deps.points.take(deps.show(), 'manual') };
    } catch (e) {
      return reply.code(500).send(fail('internal', `the restore point could not be saved (${(e as Error).message}); free space on the data disk and try again`));
    }
  });

  app.get('/api/restore-points/:id/preview', technician, async (req, reply) => {
    const show = deps.points.read((req.params as { id: string }).id);
    if (!show) return reply.code(404).send(fail('not_found', 'there is no such restore point (GET /api/restore-points lists them)'));
    return { ok: true, diff: diffShows(deps.show(), show), incoming: summarize(show), current: summarize(deps.show()) };
  });

  app.post('/api/restore-points/:id/restore', technician, async (req, reply) => {
    const { id } = req.params as { id: string };
    const show = deps.points.read(id);
    if (!show) return reply.code(404).send(fail('not_found', 'there is no such restore point (GET /api/restore-points lists them)'));
    const res = importWithRestorePoint(deps, show, 'before-restore');
    if (!res.ok) return reply.code(statusOf(res.error.code)).send(res);
    req.log.info({ restorePoint: id, source: 'rest', result: 'ok' }, `backups: restored the show from ${id}`);
    return res;
  });
}
