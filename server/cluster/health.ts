import type { ServerHealth } from '../../protocol';
import type { NodeContext } from './context';

/** The show clock's part of the health: the writer's own clock, or this follower's estimate of it. */
function clockHealth(ctx: NodeContext) {
  const c = ctx.opts.clock?.state();
  return c ? { synced: c.synced, offsetMs: c.offsetMs, rttMs: c.rttMs, uncertaintyMs: c.uncertaintyMs, follows: c.url } : { synced: true, offsetMs: 0, rttMs: null, uncertaintyMs: null, follows: null };
}

/** GET /api/health with this node's part (`cluster`): degraded while Redis is unreachable, no node writes, or Redis may lose writes. */
export function clusterHealth(ctx: NodeContext, h: ServerHealth, fsyncWarning: string | null): ServerHealth {
  const version = ctx.core?.get().version ?? ctx.logVersion;
  const reachable = ctx.up();
  const cluster = {
    role: ctx.role === 'writer' ? ('writer' as const) : ('follower' as const),
    node: ctx.node,
    writer: ctx.holder?.node ?? null,
    fence: ctx.holder?.token ?? null,
    redis: reachable ? ('ok' as const) : ('unreachable' as const),
    version,
    lagVersions: Math.max(0, ctx.logVersion - version),
    lastApplyMs: ctx.lastApplyMs,
    clock: clockHealth(ctx),
  };
  const reasons = [...h.reasons];
  if (!reachable) reasons.push(`this node cannot reach Redis (PAVILION_REDIS_URL): commands are refused until it is back, the screens keep playing; check that redis-server is running and reachable from this node`);
  else if (!ctx.holder) reasons.push('no node holds the writer lease: commands wait for a writer; check that the other nodes are running');
  if (fsyncWarning) reasons.push(fsyncWarning);
  return { ...h, status: reasons.length > 0 ? 'degraded' : h.status, reasons, cluster };
}
