import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { COMMAND_SOURCES, describeIssues, fail, type ActivityEntry } from '../../protocol';
import type { Auth } from './auth';
import { guard } from './api';
import type { ActivityLog } from '../activity/log';

const Query = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  kind: z.enum(['command', 'show-replaced', 'screen', 'piece-error', 'sign-in']).optional(),
  source: z.enum(COMMAND_SOURCES).optional(),
  /** Only refusals (commands whose result is not ok). */
  refused: z.enum(['1', 'true']).optional(),
});

/** GET /api/log (technician): the activity log after `since`, oldest first, filtered by kind, source or refusals. */
export function registerActivityRoutes(app: FastifyInstance, deps: { auth: Auth; log: ActivityLog }): void {
  app.get('/api/log', { preHandler: guard(deps.auth, ['technician']) }, async (req, reply) => {
    const q = Query.safeParse(req.query);
    if (!q.success) return reply.code(400).send(fail('bad_request', `GET /api/log takes since (a seq), limit (1–1000), kind, source, refused=1: ${describeIssues(q.error.issues)}`));
    const { since, limit, kind, source, refused } = q.data;
    const keep = (e: ActivityEntry) => (!kind || e.kind === kind) && (!source || e.source === source) && (!refused || (e.kind === 'command' && e.result !== 'ok'));
    reply.header('Cache-Control', 'no-store');
    return { ok: true, ...deps.log.since(since, limit, keep) };
  });
}
