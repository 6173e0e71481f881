import crypto from 'node:crypto';
import os from 'node:os';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { fail } from '../../protocol';
import { DEFAULT_HUB_OPTIONS } from '../visitors/options';
import { nodeLocal } from './adapter';
import type { NodeContext } from './context';
import { createLogFollower } from './follow';
import { createForwarder } from './forward';
import { clusterHealth } from './health';
import { keysFor } from './keys';
import { Lease } from './lease';
import { REFUSED } from './messages';
import { registerClusterMetrics } from './metrics';
import { listNodes } from './nodes';
import { Beats } from './beats';
import { crossNodeLate, crossNodeLead, LagWindow, RedisClockOffset, UNKNOWN_LAG_MS } from './lead';
import { startKicks } from './kicks';
import { writerOnlyDmx } from './outputs';
import { adapterClient, aofWarning, redacted, redisClient, sleep } from './redis';
import { createRoles } from './roles';
import { loadLog } from './show-log';
import { LogStorage } from './storage';
import { startTicks } from './tick';
import type { Cluster, ClusterOptions } from './types';
import { sharedCaps } from './visitor-caps';
import { relayedDisplay, screensOf, VisitorRelay } from './visitor-relay';
import { RemoteScreens } from './screens';
import { ScreenReports } from './screen-reports';
import { VisitorLists } from './visitor-lists';

export type { Cluster, ClusterOptions, NodeSelf } from './types';

/**
 * Multi-node mode (PAVILION_REDIS_URL; docs/operations.md, "Several nodes"). Loaded with a dynamic
 * import by server/app.ts only when it is on: without it, nothing here (nor Redis) is loaded.
 *
 * - One writer: the node holding the lease (server/cluster/lease.ts) runs every command through its
 *   store, whose storage is the show log in Redis (server/cluster/storage.ts); the answer waits for
 *   Redis to confirm the append. Followers forward commands to it (server/cluster/forward.ts).
 * - Every node follows the log in order (follow.ts) and serves views from its own copy; a writer
 *   that dies is replaced by the first follower to take the lease after its TTL (tick.ts), which
 *   loads the log first (roles.ts).
 * - socket.io runs on the Redis streams adapter, with connection-state recovery.
 *
 * This file connects and wires the parts; their shared state is a `NodeContext` (context.ts).
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.logger;
  const keys = keysFor(opts.prefix ?? 'pavilion:');
  const node = `${os.hostname().replace(/[^\w.-]/g, '_').slice(0, 40)}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? 3000;
  const timeoutMs = opts.commandTimeoutMs ?? 10_000;
  const main = redisClient(opts.url, `pavilion-${node}`, { queueWhileDown: false, log });
  const sub = redisClient(opts.url, `pavilion-${node}-sub`, { queueWhileDown: true, log });
  const reader = redisClient(opts.url, `pavilion-${node}-log`, { queueWhileDown: true, log });
  const ioPub = redisClient(opts.url, `pavilion-${node}-io`, { queueWhileDown: false, log });
  const waiting = setInterval(() => log.warn(`cluster: waiting for Redis at ${redacted(opts.url)} (PAVILION_REDIS_URL); is redis-server running and reachable from this node?`), 5000);
  try {
    await Promise.all([main.connect(), sub.connect(), reader.connect(), ioPub.connect()]);
  } finally {
    clearInterval(waiting);
  }
  const fsyncWarning = await aofWarning(main);
  if (fsyncWarning) log.warn(`cluster: ${fsyncWarning}`);

  const lease = new Lease(main, keys, node, leaseMs);
  const forwarder = createForwarder({ main, sub, keys, node, log, timeoutMs });
  await forwarder.start();
  let ticks: ReturnType<typeof startTicks> | null = null;
  const nodeTtlMs = opts.nodeTtlMs ?? 3 * leaseMs;
  const beats = new Beats({ main, sub, keys, node, ttlMs: nodeTtlMs, log, beatSoon: () => ticks?.beatNow(), heardCard: () => ticks?.takeInSoon(), rows: (wallId) => ctx.self?.visitors?.(wallId) ?? [] });
  await beats.start();

  // The show in Redis, or the lease to write the first one.
  let loaded = await loadLog(main, keys);
  let said = false;
  while (!loaded.show && !(await lease.tryAcquire())) {
    if (!said) log.info('cluster: the show log in Redis is empty and another node holds the writer lease; waiting for it to write the first show');
    said = true;
    await sleep(200);
    loaded = await loadLog(main, keys);
  }

  const ctx: NodeContext = {
    opts,
    log,
    keys,
    node,
    leaseMs,
    nodeTtlMs,
    timeoutMs,
    main,
    sub,
    reader,
    lease,
    forwarder,
    storage: new LogStorage({
      redis: main,
      keys,
      writer: { leaseValue: () => (ctx.role === 'writer' && lease.valid() ? lease.value : null), redisUp: () => ctx.up(), writerAddress: () => ctx.writerAddress },
      initial: loaded.show,
      fallback: opts.fallback,
      log,
      onFenced: () => void roles.stepDown('Redis refused its append: another node holds the writer lease'),
    }),
    up: () => main.isReady,
    role: lease.value ? 'writer' : 'follower',
    closed: false,
    core: null,
    store: null,
    self: null,
    caps: null,
    aliveNodes: 0,
    holder: lease.value ? { token: lease.token!, node } : null,
    writerAddress: null,
    writerClock: null,
    logVersion: loaded.show?.version ?? -1,
    lastApplyMs: null,
    lags: new LagWindow(),
    redisClock: new RedisClockOffset(),
    beats,
    reports: null,
    cursor: loaded.cursor,
    resyncWanted: false,
    resyncing: false,
    remote: new RemoteScreens(),
    remoteLoads: new Map(),
    lists: new VisitorLists({ beats, node, up: () => main.isReady }),
    remoteChanged: new Set(),
  };
  const roles = createRoles(ctx);
  const follower = createLogFollower(ctx);
  ticks = startTicks(ctx, roles);
  const { gate } = roles;
  /** Where a screen's page is connected, for the play lead: this node (null) when `here` says so, else the node whose heartbeat lists it. */
  const nodeOf = (here: (screenId: string) => boolean) => (screenId: string) => (here(screenId) ? null : (ctx.remote.get(screenId)?.node ?? null));
  /** A node's lag behind the writer as its heartbeat reports it (UNKNOWN_LAG_MS until it has applied a change). */
  const lagOf = (id: string) => beats.card(id)?.lag ?? UNKNOWN_LAG_MS;
  const relay = new VisitorRelay({ main, sub, keys, node, log });
  let kicks: ReturnType<typeof startKicks> | null = null;
  let banMs = DEFAULT_HUB_OPTIONS.banMs;

  return {
    node,
    storage: ctx.storage,
    io: {
      adapter: nodeLocal(createAdapter(adapterClient(ioPub), { streamName: keys.io.stream, channelPrefix: keys.io.channels, sessionKeyPrefix: keys.io.sessions, blockTimeInMs: 1000 })),
      // Recovered sockets go through the namespaces' auth again (skipMiddlewares: false).
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    },
    gate,
    dmxView: (s) => writerOnlyDmx(s, gate),
    visitorView(s) {
      ctx.caps = sharedCaps(s);
      return ctx.caps.view;
    },
    visitorDisplay(display, time, options) {
      const hub = { ...DEFAULT_HUB_OPTIONS, ...options };
      banMs = hub.banMs;
      relay.start({ walls: () => Object.keys(ctx.core?.get().walls ?? {}), screens: screensOf(display), time, frameMs: hub.frameMs, maxEventsPerFrame: hub.maxEventsPerFrame }).catch((e: unknown) => log.warn({ err: (e as Error).message }, "cluster: cannot hear the other nodes' visitors yet"));
      return relayedDisplay(display, (wallId, frame) => relay.local(wallId, frame));
    },
    relayCounters: () => relay.counters,
    controlDisplay(display) {
      const reports = (ctx.reports = new ScreenReports(display, { main, sub, keys, node, log }));
      reports.start().catch((e: unknown) => log.warn({ err: (e as Error).message }, "cluster: cannot hear the other nodes' screen errors and thumbnails yet"));
      return reports.display;
    },
    screens: (local) => ctx.remote.merge(local, node),
    connectedElsewhere: (screenId) => ctx.remote.get(screenId) !== undefined,
    answeringElsewhere: (screenId) => ctx.remote.answering(screenId),
    screensChanged: () => ticks?.screensChanged(),
    playLeadMs: (screens, here, leadOf) => crossNodeLead(screens, nodeOf(here), lagOf, leadOf),
    lateScreens: (screens, here, availableMs, lateOf) => crossNodeLate(screens, nodeOf(here), lagOf, availableMs, lateOf),
    visitorStats(wallId, local) {
      const [holding, queued] = ctx.remoteLoads.get(wallId) ?? [0, 0];
      return holding || queued ? { ...local, visitors: local.visitors + holding, queue: local.queue + queued } : local;
    },
    visitors: (wallId, local) => ctx.lists.list(wallId, local),
    onRemoteChange: (fn) => void ctx.remoteChanged.add(fn),
    async nodes() {
      if (!ctx.up()) throw new Error(REFUSED.redisDown);
      return listNodes(beats.records(), ctx.holder?.node ?? null, node);
    },
    bind(deps) {
      ctx.core = deps.core;
      ctx.store = deps.store;
      ctx.self = deps.self;
      ticks!.startBeats();
      if (deps.metrics) {
        const series = registerClusterMetrics(deps.metrics, {
          node,
          isWriter: () => ctx.role === 'writer',
          writer: () => ctx.holder?.node ?? null,
          fence: () => ctx.holder?.token ?? null,
          leaseLeftMs: () => (ctx.role === 'writer' ? lease.remainingMs() : 0),
          redisUp: ctx.up,
          lagVersions: () => Math.max(0, ctx.logVersion - (ctx.core?.get().version ?? ctx.logVersion)),
          nodes: () => ctx.aliveNodes,
          clock: () => {
            const c = opts.clock?.state();
            return c ? { synced: c.synced, offsetMs: c.offsetMs, uncertaintyMs: c.uncertaintyMs, follows: c.url } : { synced: true, offsetMs: 0, uncertaintyMs: null, follows: null };
          },
        });
        relay.onHop = series.visitorHop;
      }
      void follower.follow();
      kicks = startKicks({ main, sub, keys, node, isWriter: gate.isWriter, core: deps.core, deliver: (effects) => ctx.caps?.deliver(effects), banMs, log });
      kicks.ready.catch((e: unknown) => log.warn({ err: (e as Error).message }, "cluster: cannot hear the writer's kicks yet"));
      if (ctx.role === 'writer') void forwarder.serve(lease.token!, roles.local).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'cluster: cannot take forwarded commands yet'));
    },
    async command(raw, source, actor) {
      try {
        if (!ctx.up()) return fail('not_allowed_now', REFUSED.redisDown);
        if (ctx.role === 'writer' && lease.valid()) return await roles.local(raw, source, actor ?? null);
        const ack = await forwarder.forward(raw, source, actor ?? null);
        if (ack.ok) await follower.caughtUp(ack.version, 2000);
        return ack;
      } catch (e) {
        log.error({ err: e }, 'cluster: a command failed');
        return fail('internal', `the command could not be run (${(e as Error).message}); look at the show before retrying`);
      }
    },
    health: (h) => clusterHealth(ctx, h, fsyncWarning),
    async close() {
      ctx.closed = true;
      ticks!.stop();
      await Promise.all([forwarder.stopServing(), relay.stop(), kicks?.stop(), ctx.reports?.stop()]);
      if (ctx.role === 'writer') await lease.release().catch(() => {});
      await beats.bye().catch(() => {});
      await beats.stop();
      roles.setRole('follower');
      reader.destroy();
      await Promise.all([main, sub, ioPub].map((c) => c.close().catch(() => c.destroy())));
    },
  };
}
