import type { FastifyInstance } from 'fastify';
import { fail, type ClusterNodeEntry, type NodesReply } from '../../protocol';
import type { Auth } from './auth';
import { requireHttpRole } from './guard';

const HINT = 'GET /api/nodes needs the technician: send `Authorization: Bearer <token>`, or sign in on the control panel';

/**
 * GET /api/nodes (technician): every node of the pavilion with its role, address, start, clients
 * and last heartbeat (the panel's Nodes tab). In multi-node mode the list comes from Redis, where
 * each node writes a heartbeat (server/cluster/nodes.ts); a node alone lists itself.
 */
export function registerNodesRoute(app: FastifyInstance, deps: { auth: Auth; cluster: (() => Promise<ClusterNodeEntry[]>) | null; self: () => ClusterNodeEntry }): void {
  app.get('/api/nodes', { preHandler: requireHttpRole(deps.auth, ['technician'], HINT) }, async (_req, reply) => {
    if (!deps.cluster) return { ok: true, mode: 'single', nodes: [deps.self()] } satisfies NodesReply;
    try {
      return { ok: true, mode: 'cluster', nodes: await deps.cluster() } satisfies NodesReply;
    } catch {
      return reply
        .code(503)
        .send(fail('not_allowed_now', 'the list of nodes is kept in Redis, which this node cannot reach now (PAVILION_REDIS_URL); GET /api/health on each node says how it is. Check that redis-server is running and reachable, then look again'));
    }
  });
}
