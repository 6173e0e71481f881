import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../http/auth';
import { checkRequest, refuse } from '../http/guard';
import type { Metrics } from './registry';

const HINT = 'GET /metrics needs `Authorization: Bearer <token>`: the scrapers\' PAVILION_METRICS_TOKEN, or the technician token (docs/links.md, "Metrics")';

function same(a: string, b: string): boolean {
  const x = crypto.createHash('sha256').update(a).digest();
  const y = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(x, y);
}

/**
 * GET /metrics in Prometheus text format, never public: the scrapers' own token
 * (PAVILION_METRICS_TOKEN, which opens nothing else) or the technician's credentials (the one Auth:
 * wrong tokens count against the address like anywhere else).
 */
export function registerMetricsRoute(app: FastifyInstance, deps: { auth: Auth; metrics: Metrics; token?: string }): void {
  app.get('/metrics', async (req, reply) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const scraper = deps.token !== undefined && deps.token !== '' && bearer !== undefined && same(bearer, deps.token);
    if (!scraper && refuse(reply, checkRequest(deps.auth, req), ['technician'], HINT)) return reply;
    const t0 = performance.now();
    const text = await deps.metrics.render();
    // How long the collection took here, apart from the network and the event loop's queue (bench:metrics reads it).
    const dur = (performance.now() - t0).toFixed(2);
    return reply.header('content-type', deps.metrics.contentType).header('cache-control', 'no-store').header('server-timing', `collect;dur=${dur}`).send(text);
  });
}
