import type { FastifyInstance } from 'fastify';
import { fail, type Ack, type CommandSource, type ServerHealth, type ShowView, type VisitorListEntry, type VisitorListReply } from '../../protocol';
import type { ShowStore } from '../show/store';
import type { PieceCatalog } from '../pieces/catalog';
import { SESSION_COOKIE, type Auth, type Role } from './auth';
import { checkRequest, refuse, requireHttpRole } from './guard';

export interface ApiDeps {
  store: ShowStore;
  /** Multi-node mode (server/cluster/): commands go through it (run on the writer node, or forwarded to it); the answer means durable. */
  command?: (raw: unknown, source: CommandSource) => Promise<Ack<{ version: number }>>;
  catalog: PieceCatalog;
  auth: Auth;
  version: string;
  startedAt: number;
  now: () => number;
  view: () => ShowView;
  /** The server's health (the data disk): GET /api/health says `degraded`, with the reasons, when it is not ok. */
  health?: () => ServerHealth;
  /** Imports a show document (default: the store's replace); the app migrates stale param values first. */
  importShow?: (raw: unknown) => Ack<{ version: number }>;
  /** Who is on a wall (public ids), for the kick list; null when the wall does not exist. */
  /** A wall's visitors (several nodes: every node's, read from Redis), or null for an unknown wall. */
  visitors?: (wallId: string) => VisitorListEntry[] | null | Promise<VisitorListEntry[] | null>;
  /** How long a kicked visitor is kept out, sent with the list so the panel can say so. */
  visitorBanMs?: number;
  /** A session was ended by signing out: close what it still has open (the panel's socket). */
  signedOut?: (sessionId: string) => void;
  /** A sign-in succeeded (the activity log records it). */
  signedIn?: (who: { role: string; artist?: string; address: string }) => void;
}

const TECHNICIAN_HINT = 'send the technician token as `Authorization: Bearer <token>` (see data/secrets.json or PAVILION_ADMIN_TOKEN), or sign in on the control panel';

/** Refuses the request unless it carries a token or session of one of `roles`. */
export const guard = (auth: Auth, roles: Role[]) => requireHttpRole(auth, roles, TECHNICIAN_HINT);

export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  const technician = { preHandler: guard(deps.auth, ['technician']) };

  app.get('/api/health', async () => {
    const h = deps.health?.();
    const uptimeS = Math.round((deps.now() - deps.startedAt) / 1000);
    return h ? { status: h.status, version: deps.version, uptimeS, reasons: h.reasons, disk: h.disk, ...(h.cluster ? { cluster: h.cluster } : {}) } : { status: 'ok', version: deps.version, uptimeS };
  });

  app.get('/api/installations', async () =>
    deps.catalog.list().map((p) => ({ id: p.id, title: p.title, artist: p.artist, description: p.description, version: p.version, params: p.params, inputs: p.inputs, source: p.source, moduleUrl: p.moduleUrl })),
  );

  app.get('/api/show', technician, async () => deps.view());

  app.get('/api/walls/:wallId/visitors', technician, async (req, reply) => {
    const { wallId } = req.params as { wallId: string };
    const list = (await deps.visitors?.(wallId)) ?? null;
    if (!list) return reply.code(404).send(fail('unknown_wall', `there is no wall '${String(wallId).slice(0, 64)}'`));
    const answer: VisitorListReply = { ok: true, visitors: list, now: deps.now(), ...(deps.visitorBanMs !== undefined ? { banMs: deps.visitorBanMs } : {}) };
    return answer;
  });

  app.post('/api/commands', { ...technician, config: { rateLimit: { max: 600, timeWindow: '1 minute' } } }, async (req, reply) => {
    const res = deps.command ? await deps.command(req.body, 'rest') : deps.store.dispatch(req.body, 'rest');
    if (!res.ok) return reply.code(statusOf(res.error.code)).send(res);
    return res;
  });

  app.get('/api/show/export', technician, async (_req, reply) => {
    reply.header('Content-Disposition', `attachment; filename="pavilion-show-${new Date().toISOString().slice(0, 10)}.json"`);
    return deps.store.get();
  });

  app.post('/api/show/import', { ...technician, bodyLimit: 5 * 1024 * 1024 }, async (req, reply) => {
    const res = deps.importShow ? deps.importShow(req.body) : deps.store.replace(req.body);
    if (!res.ok) return reply.code(statusOf(res.error.code)).send(res);
    return res;
  });

  app.post(
    '/api/session',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute', errorResponseBuilder: () => ({ statusCode: 429, message: 'too many sign-in attempts; wait a minute and try again', ...fail('rate_limited', 'too many sign-in attempts; wait a minute and try again') }) } } },
    async (req, reply) => {
      // Signing in from another site's page would plant a session in this browser: refused.
      if (deps.auth.foreign(req.headers.origin, req.headers.host))
        return reply.code(403).send(fail('forbidden', 'sign in from this server\'s own control panel, not from another site\'s page'));
      const token = (req.body as { token?: unknown } | null)?.token;
      const verdict = checkRequest(deps.auth, req, typeof token === 'string' ? token : '');
      if (refuse(reply, verdict, ['technician', 'artist'], 'that token is not right; find it in data/secrets.json or PAVILION_ADMIN_TOKEN') || !verdict?.ok) return reply;
      reply.setCookie(SESSION_COOKIE, deps.auth.issueSession(verdict.role, deps.now(), verdict.artist), deps.auth.cookieOptions);
      deps.signedIn?.({ role: verdict.role, ...(verdict.artist ? { artist: verdict.artist } : {}), address: req.ip });
      return { ok: true, role: verdict.role };
    },
  );

  app.get('/api/session', async (req, reply) => {
    const verdict = checkRequest(deps.auth, req);
    if (verdict && !verdict.ok && verdict.code === 'rate_limited') {
      refuse(reply, verdict, [], '');
      return reply;
    }
    return { ok: true, role: verdict?.ok ? verdict.role : null };
  });

  // Signing out ends the session on the server too: a copy of the cookie stops working.
  app.delete('/api/session', async (req, reply) => {
    const ended = deps.auth.revokeSession(deps.auth.sessionIn(req.headers.cookie)); // the one the server signed, not a planted one
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    if (ended && !ended.saved)
      req.log.warn('auth: a signed-out session could not be saved to revoked-sessions.json (check the data directory); it is ended until the next restart only');
    if (ended) deps.signedOut?.(ended.id);
    return { ok: true, ended: ended !== null };
  });
}

export function statusOf(code: string): number {
  switch (code) {
    case 'unauthorized': return 401;
    case 'forbidden': return 403;
    case 'not_found': case 'unknown_wall': case 'unknown_screen': case 'unknown_installation': case 'unknown_cue': return 404;
    case 'conflict': case 'not_allowed_now': return 409;
    case 'too_large': return 413;
    case 'rate_limited': return 429;
    case 'internal': return 500;
    default: return 400;
  }
}
