import type { NodeContext } from './context';
import { parseHolder } from './lease';
import { beat, cardOf, readNodes } from './nodes';
import type { Roles } from './roles';
import { screenCards } from './screens';
import type { VisitorListEntry } from '../../protocol';
import { shareOf, type WallLoad } from './visitor-caps';

/**
 * The lease loop: a third of the lease's TTL apart on the writer (renew, or step down), a sixth on
 * a follower (try to take the lease); each tick also writes the heartbeat, reads who holds the
 * lease and the log's version, and points the show clock at the writer's responder.
 */
export function startTicks(ctx: NodeContext, roles: Roles) {
  const { main, keys, lease, node, opts } = ctx;

  /** This node's record in the list of nodes (once it listens: before that it has no address). */
  async function heartbeat(): Promise<void> {
    const self = ctx.self;
    const core = ctx.core;
    if (!self || ctx.closed) return;
    const walls: Record<string, WallLoad> = {};
    const lists: Record<string, VisitorListEntry[]> = {};
    for (const id of Object.keys(core?.get().walls ?? {})) {
      const list = self.visitors?.(id) ?? [];
      const queued = list.filter((v) => v.queuePosition > 0).length;
      if (list.length > 0) {
        walls[id] = [list.length - queued, queued];
        lists[id] = list;
      }
    }
    const card = { id: node, address: self.address(), upSince: self.upSince, clients: self.clients(), version: core?.get().version ?? ctx.logVersion, walls, clock: self.clockUrl?.() ?? null, screens: screenCards(self.screens?.() ?? [], (id) => self.preloads?.(id) ?? null) };
    [ctx.aliveNodes] = await Promise.all([beat(main, keys, card, ctx.nodeTtlMs), ctx.lists.write(lists)]);
    const { nodes } = await readNodes(main, keys, ctx.nodeTtlMs);
    if (ctx.caps && core) {
      // Each wall's visitor cap, shared out by every node's load as Redis has it now (this node's included).
      const shares = new Map<string, number>();
      for (const w of Object.values(core.get().walls)) shares.set(w.id, shareOf(w.visitorCap, nodes.map((n) => ({ id: n.card.id, load: n.card.walls[w.id] ?? [0, 0] })), node));
      ctx.caps.setShares(shares);
    }
    // Other nodes' screens and visitors, for the panel and the play lead (server/cluster/screens.ts).
    let changed = ctx.remote.update(nodes.map((n) => ({ id: n.card.id, screens: n.card.screens })), node);
    for (const [id, r] of ctx.remote.entries()) if (r.card.p) self.adoptPreloads?.(id, r.card.p);
    const loads = new Map<string, WallLoad>();
    for (const n of nodes) {
      if (n.card.id === node) continue;
      for (const [wallId, [holding, queued]] of Object.entries(n.card.walls)) {
        const sum = loads.get(wallId) ?? [0, 0];
        loads.set(wallId, [sum[0] + holding, sum[1] + queued]);
      }
    }
    if (JSON.stringify([...loads]) !== JSON.stringify([...ctx.remoteLoads])) changed = true;
    ctx.remoteLoads = loads;
    if (changed)
      for (const fn of ctx.remoteChanged)
        try {
          fn();
        } catch (e) {
          ctx.log.warn({ err: (e as Error).message }, "cluster: showing other nodes' screens and visitors failed");
        }
  }

  // The heartbeat is written once a lease renewal period (1 s by default) on every node, though a
  // follower ticks twice as often (to take a lapsed lease sooner): each beat is a write, and with
  // appendfsync always every write makes Redis fsync, which holds up every pub/sub delivery of that
  // moment (the visitors' hop; docs/performance.md, "Several nodes").
  const beatEveryMs = ctx.leaseMs / 3;
  let beatAt = -Infinity;
  const beatIfDue = (): Promise<void> => {
    const now = performance.now();
    if (now - beatAt < beatEveryMs * 0.9) return Promise.resolve();
    beatAt = now;
    return heartbeat();
  };

  let tickTimer: NodeJS.Timeout | null = null;
  async function tick(): Promise<void> {
    try {
      if (ctx.role === 'writer') {
        if (!(await lease.renew())) await roles.stepDown('its lease ran out or another node holds it');
      } else if (ctx.role === 'follower' && ctx.core && !ctx.resyncWanted && (await lease.tryAcquire())) {
        try {
          await roles.takeOver();
        } catch (e) {
          await roles.stepDown(`the show log could not be loaded (${(e as Error).message})`);
        }
      }
      const [value, v] = await Promise.all([main.sendCommand<string | null>(['GET', keys.lease]), main.sendCommand<string | null>(['GET', keys.version]), beatIfDue()]);
      const was = ctx.holder?.node;
      const holder = (ctx.holder = parseHolder(value));
      ctx.logVersion = v === null ? -1 : Number(v);
      if (!holder) ctx.writerAddress = null;
      else if (holder.node === node) ctx.writerAddress = ctx.self?.address() ?? null;
      else if (holder.node !== was || ctx.writerAddress === null || (opts.clock && ctx.writerClock === null)) {
        const card = await cardOf(main, keys, holder.node);
        ctx.writerAddress = card?.address ?? null;
        ctx.writerClock = card?.clock ?? null;
      }
      // The show clock is the writer's: a follower syncs to its responder (a writer stopped following in setRole).
      if (ctx.role !== 'writer' && holder && holder.node !== node && ctx.writerClock) opts.clock?.follow(ctx.writerClock);
    } catch {
      // Redis unreachable: a writer stops on its own once its lease may have run out.
      if (ctx.role === 'writer' && !lease.valid()) await roles.stepDown('Redis was unreachable for longer than the lease');
    }
    if (!ctx.closed) tickTimer = setTimeout(() => void tick(), ctx.role === 'writer' ? ctx.leaseMs / 3 : ctx.leaseMs / 6);
  }
  tickTimer = setTimeout(() => void tick(), ctx.leaseMs / 3);

  return {
    heartbeat,
    stop() {
      if (tickTimer) clearTimeout(tickTimer);
    },
  };
}
