import type { NodeContext } from './context';
import { parseHolder } from './lease';
import type { NodeCard } from './nodes';
import type { Roles } from './roles';
import { screenCards } from './screens';
import { shareOf, type WallLoad } from './visitor-caps';

/**
 * The lease loop and the heartbeat.
 *
 * The lease loop: the writer renews its lease every half TTL (1.5 s of 3 s: the least often that
 * leaves a renewal that fails once room to be tried again before its local deadline, TTL less
 * 500 ms); a follower tries to take it every sixth of the TTL (a read while another node holds it:
 * nothing for Redis to write). Each turn also reads who holds the lease, the log's version and
 * Redis's clock, and points the show clock at the writer's responder.
 *
 * The heartbeat, once a third of the lease's TTL (1 s), on a timer of its own: this node's card
 * goes out over pub/sub (server/cluster/beats.ts: no write, so Redis fsyncs nothing for it), and the
 * cards of every node heard from give the shared visitor caps, the other nodes' screens and
 * visitor counts, and the writer's play lead (their lag).
 */
/** A node whose screens came or went beats this soon (screens that come together go in one card). */
const SCREENS_BEAT_MS = 50;

export function startTicks(ctx: NodeContext, roles: Roles) {
  const { main, keys, lease, node, opts } = ctx;

  /** This node's card (once it listens: before that it has no address). */
  function cardOf(): NodeCard | null {
    const self = ctx.self;
    const core = ctx.core;
    if (!self) return null;
    const walls: Record<string, WallLoad> = {};
    for (const id of Object.keys(core?.get().walls ?? {})) {
      const list = self.visitors?.(id) ?? [];
      const queued = list.filter((v) => v.queuePosition > 0).length;
      if (list.length > 0) walls[id] = [list.length - queued, queued];
    }
    return {
      id: node,
      address: self.address(),
      upSince: self.upSince,
      clients: self.clients(),
      version: core?.get().version ?? ctx.logVersion,
      walls,
      clock: self.clockUrl?.() ?? null,
      screens: screenCards(self.screens?.() ?? [], (id) => self.preloads?.(id) ?? null),
      lag: ctx.role === 'writer' ? null : ctx.lags.worst(performance.now()),
      watching: ctx.reports?.watching ?? false,
    };
  }

  /** Publishes this node's card, then takes in every node's as heard (its own included). */
  async function heartbeat(): Promise<void> {
    const card = ctx.closed ? null : cardOf();
    if (!card) return;
    await ctx.beats.publish(card);
    takeIn();
  }

  /** Takes in every node's card as last heard: the visitor caps' shares, the other nodes' screens and visitors. */
  function takeIn(): void {
    const core = ctx.core;
    const nodes = ctx.beats.records();
    ctx.aliveNodes = nodes.length;
    ctx.reports?.othersWatching(nodes.some((n) => n.card.id !== node && n.card.watching));
    if (ctx.caps && core) {
      // Each wall's visitor cap, shared out by every node's load as last heard (this node's included).
      const shares = new Map<string, number>();
      for (const w of Object.values(core.get().walls)) shares.set(w.id, shareOf(w.visitorCap, nodes.map((n) => ({ id: n.card.id, load: n.card.walls[w.id] ?? [0, 0] })), node));
      ctx.caps.setShares(shares);
    }
    // Other nodes' screens and visitors, for the panel and the play lead (server/cluster/screens.ts).
    let changed = ctx.remote.update(nodes.map((n) => ({ id: n.card.id, screens: n.card.screens })), node);
    for (const [id, r] of ctx.remote.entries()) if (r.card.p) ctx.self?.adoptPreloads?.(id, r.card.p);
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

  const beatEveryMs = ctx.leaseMs / 3;
  let beatTimer: NodeJS.Timeout | null = null;
  const beatLoop = (): void => {
    beatTimer = null;
    if (ctx.closed) return;
    heartbeat()
      .catch(() => {
        /* Redis unreachable: the others drop this node after their TTL; tried again at the next beat */
      })
      .finally(() => {
        if (!ctx.closed && !beatTimer) beatTimer = setTimeout(beatLoop, beatEveryMs);
      });
  };

  let screensBeat: NodeJS.Timeout | null = null;
  let takeInTimer: NodeJS.Timeout | null = null;

  let tickTimer: NodeJS.Timeout | null = null;
  async function tick(): Promise<void> {
    let next = ctx.role === 'writer' ? ctx.leaseMs / 2 : ctx.leaseMs / 6;
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
      const t0 = Date.now();
      const [value, v, time] = await Promise.all([main.sendCommand<string | null>(['GET', keys.lease]), main.sendCommand<string | null>(['GET', keys.version]), main.sendCommand<[string, string]>(['TIME'])]);
      ctx.redisClock.sample(Number(time[0]) * 1000 + Number(time[1]) / 1000, t0, Date.now());
      const holder = (ctx.holder = parseHolder(value));
      ctx.logVersion = v === null ? -1 : Number(v);
      if (!holder) ctx.writerAddress = null;
      else if (holder.node === node) ctx.writerAddress = ctx.self?.address() ?? null;
      else {
        // The writer's card as last heard (its beat, or its answer to this node's hello): null until then.
        const card = ctx.beats.card(holder.node);
        ctx.writerAddress = card?.address ?? null;
        ctx.writerClock = card?.clock ?? null;
      }
      // The show clock is the writer's: a follower syncs to its responder (a writer stopped following in setRole).
      if (ctx.role !== 'writer' && holder && holder.node !== node && ctx.writerClock) opts.clock?.follow(ctx.writerClock);
    } catch {
      // Redis unreachable: a writer stops on its own once its lease may have run out; until then it tries again soon.
      if (ctx.role === 'writer' && !lease.valid()) await roles.stepDown('Redis was unreachable for longer than the lease');
      next = ctx.leaseMs / 6;
    }
    if (!ctx.closed) tickTimer = setTimeout(() => void tick(), next);
  }
  tickTimer = setTimeout(() => void tick(), ctx.leaseMs / 3);

  return {
    /** Starts the heartbeat (once the node is bound: its card needs its address). */
    startBeats(): void {
      if (!beatTimer && !ctx.closed) beatLoop();
    },
    /** Beats now, out of turn (another node asked every node to announce itself). */
    beatNow(): void {
      void heartbeat().catch(() => {});
    },
    /**
     * This node's screens came or went: its card goes out now (at most every SCREENS_BEAT_MS), so
     * that the other nodes' panels and walls' gates know at once, not at the next beat.
     */
    screensChanged(): void {
      if (screensBeat || ctx.closed) return;
      screensBeat = setTimeout(() => {
        screensBeat = null;
        void heartbeat().catch(() => {});
      }, SCREENS_BEAT_MS);
    },
    /** Another node's card came: taken in on the next turn of the event loop (several cards at once, once). */
    takeInSoon(): void {
      if (takeInTimer || ctx.closed) return;
      takeInTimer = setTimeout(() => {
        takeInTimer = null;
        if (!ctx.closed) takeIn();
      }, 0);
    },
    stop() {
      if (tickTimer) clearTimeout(tickTimer);
      if (screensBeat) clearTimeout(screensBeat);
      if (takeInTimer) clearTimeout(takeInTimer);
      if (beatTimer) clearTimeout(beatTimer);
      beatTimer = null;
    },
  };
}
