import crypto from 'node:crypto';
import os from 'node:os';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { fail, Show, type ClusterNodeEntry, type CommandSource, type ServerHealth, type VisitorListEntry } from '../../protocol';
import { actingAs } from '../activity/actor';
import type { ShowStorage } from '../persistence/journal';
import type { AdoptingStore, ShowStore } from '../show/store';
import { createForwarder, type CommandAck } from './forward';
import { keysFor } from './keys';
import { Lease, parseHolder } from './lease';
import { REFUSED } from './messages';
import { nodeLocal } from './adapter';
import { registerClusterMetrics } from './metrics';
import { beat, cardOf, forget, listNodes, readNodes } from './nodes';
import type { ClusterClock } from './clock';
import { writerOnlyDmx, type WriterGate } from './outputs';
import { adapterClient, aofWarning, redacted, redisClient, sleep } from './redis';
import { entryMs, loadLog, parseEntries, patched, type LogEntry } from './show-log';
import { LogStorage } from './storage';
import { shareOf, sharedCaps, type WallLoad } from './visitor-caps';

/**
 * Multi-node mode (PAVILION_REDIS_URL; docs/operations.md, "Several nodes"). Loaded with a dynamic
 * import by server/app.ts only when it is on: without it, nothing here (nor Redis) is loaded.
 *
 * - One writer: the node holding the lease (server/cluster/lease.ts) runs every command through its
 *   store, whose storage is the show log in Redis (server/cluster/storage.ts); the answer waits for
 *   Redis to confirm the append. Followers forward commands to it (server/cluster/forward.ts).
 * - Every node follows the log in order and serves views from its own copy; a writer that dies is
 *   replaced by the first follower to take the lease after its TTL, which loads the log first.
 * - socket.io runs on the Redis streams adapter, with connection-state recovery.
 */
export interface ClusterOptions {
  url: string;
  /** Key prefix (PAVILION_REDIS_PREFIX, default `pavilion:`). */
  prefix?: string;
  logger: Logger;
  /** This node's own data directory's show: the first writer starts the log from it. */
  fallback: ShowStorage;
  /** The lease's TTL (default 3000 ms): a dead writer is replaced after about this long. */
  leaseMs?: number;
  /** How long a command waits for the writer's answer, or Redis's confirmation (default 10 s). */
  commandTimeoutMs?: number;
  /** A node without a heartbeat for this long drops out of the list of nodes (default 3 × the lease's TTL). */
  nodeTtlMs?: number;
  /** The show clock on this node: made to follow the writer's clock responder (server/cluster/clock.ts). */
  clock?: ClusterClock;
}

/** What a node says of itself in the list of nodes (GET /api/nodes). */
export interface NodeSelf {
  /** Its base URL (PAVILION_PUBLIC_URL, else its first LAN address and port). */
  address(): string;
  upSince: number;
  /** socket.io connections it holds now. */
  clients(): number;
  /** Its visitors on a wall (the shared visitor caps count them). */
  visitors?(wallId: string): VisitorListEntry[];
  /** Its clock responder's ws(s) URL as other nodes reach it; null without one. */
  clockUrl?(): string | null;
}

export interface Cluster {
  node: string;
  storage: ShowStorage;
  /** socket.io's options for this mode (server/transport/io.ts). */
  io: { adapter: ReturnType<typeof createAdapter>; connectionStateRecovery: { maxDisconnectionDuration: number; skipMiddlewares: boolean } };
  /**
   * Starts following and writing, once the app has built its store and listens (`core`: the inner
   * store; `store`: what the edges dispatch to; `self`: what its heartbeat says; `metrics`: the
   * registry its series go on).
   */
  bind(deps: { core: ShowStore & AdoptingStore; store: ShowStore; self: NodeSelf; metrics?: Registry }): void;
  /** Every node alive, the writer first (GET /api/nodes). */
  nodes(): Promise<ClusterNodeEntry[]>;
  /** Whether this node is the writer now, and when that changes: only the writer sends DMX and OSC out. */
  gate: WriterGate;
  /** The show as this node's DMX sender must see it: its outputs on the writer only (server/cluster/outputs.ts). */
  dmxView(store: { get(): Show; subscribe: ShowStore['subscribe'] }): { get(): Show; subscribe: ShowStore['subscribe'] };
  /** The show as this node's visitor hub must see it: each wall's cap is this node's share of it (server/cluster/visitor-caps.ts). Call once. */
  visitorView(store: ShowStore): ShowStore;
  /** A command from an edge (panel, REST): run here on the writer, else forwarded to it. The answer means durable. */
  command(raw: unknown, source: CommandSource, actor?: string): Promise<CommandAck>;
  /** GET /api/health with this node's part (`cluster`), degraded while Redis is unreachable or no node writes. */
  health(h: ServerHealth): ServerHealth;
  close(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.logger;
  const keys = keysFor(opts.prefix ?? 'pavilion:');
  const node = `${os.hostname().replace(/[^\w.-]/g, '_').slice(0, 40)}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const leaseMs = opts.leaseMs ?? 3000;
  const nodeTtlMs = opts.nodeTtlMs ?? 3 * leaseMs;
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

  // The show in Redis, or the lease to write the first one.
  let loaded = await loadLog(main, keys);
  let said = false;
  while (!loaded.show && !(await lease.tryAcquire())) {
    if (!said) log.info('cluster: the show log in Redis is empty and another node holds the writer lease; waiting for it to write the first show');
    said = true;
    await sleep(200);
    loaded = await loadLog(main, keys);
  }
  let role: 'writer' | 'follower' | 'taking over' = lease.value ? 'writer' : 'follower';
  const roleListeners = new Set<() => void>();
  /** Every change of role goes through here: the DMX and OSC senders hear when this node starts or stops writing. */
  const setRole = (next: typeof role) => {
    const was = role === 'writer';
    role = next;
    // The show clock is the writer's: a node that writes keeps the offset it had (server/cluster/clock.ts).
    if (role === 'writer') opts.clock?.follow(null);
    if (was !== (role === 'writer')) for (const fn of roleListeners) fn();
  };
  const gate: WriterGate = {
    isWriter: () => role === 'writer',
    onChange(fn) {
      roleListeners.add(fn);
      return () => roleListeners.delete(fn);
    },
  };
  let self: NodeSelf | null = null;
  let caps: ReturnType<typeof sharedCaps> | null = null;
  let aliveNodes = 0;
  let writerAddress: string | null = null;
  /** The writer's clock responder, as its heartbeat announces it. */
  let writerClock: string | null = null;
  const clockHealth = () => {
    const c = opts.clock?.state();
    return c ? { synced: c.synced, offsetMs: c.offsetMs, rttMs: c.rttMs, uncertaintyMs: c.uncertaintyMs, follows: c.url } : { synced: true, offsetMs: 0, rttMs: null, uncertaintyMs: null, follows: null };
  };
  let cursor = loaded.cursor;
  let closed = false;
  let core: (ShowStore & AdoptingStore) | null = null;
  let store: ShowStore | null = null;
  let holder: { token: number; node: string } | null = lease.value ? { token: lease.token!, node } : null;
  let logVersion = loaded.show?.version ?? -1;
  let lastApplyMs: number | null = null;
  let resyncWanted = false;
  let resyncing = false;
  const up = () => main.isReady;

  const storage = new LogStorage({
    redis: main,
    keys,
    writer: { leaseValue: () => (role === 'writer' && lease.valid() ? lease.value : null), redisUp: up, writerAddress: () => writerAddress },
    initial: loaded.show,
    fallback: opts.fallback,
    log,
    onFenced: () => void stepDown('Redis refused its append: another node holds the writer lease'),
  });

  /** Runs a command on this node, the writer; answers once Redis has it. */
  async function local(raw: unknown, source: CommandSource, actor: string | null): Promise<CommandAck> {
    if (!store) return fail('not_allowed_now', REFUSED.notWriter(writerAddress));
    if (!up()) return fail('not_allowed_now', REFUSED.redisDown);
    if (role !== 'writer' || !lease.valid()) return fail('not_allowed_now', REFUSED.notWriter(writerAddress));
    const s = store;
    const res = actor ? actingAs(actor, () => s.dispatch(raw, source)) : s.dispatch(raw, source);
    if (!res.ok) return res;
    try {
      // Half the follower's wait, so that a forwarded command hears this answer rather than a bare time-out.
      await storage.durable(res.version, timeoutMs / 2);
    } catch (e) {
      return fail('internal', (e as Error).message);
    }
    return res;
  }

  /** Callers waiting for this node's copy to reach a version (a forwarded command's answer waits for its own change). */
  const catchUps = new Set<{ v: number; done: () => void }>();
  function adopt(show: Show): void {
    core?.adopt(show);
    storage.rebase(show);
    for (const w of catchUps) if (show.version >= w.v) w.done();
  }
  /** Resolves once this node serves version `v` (or after `ms`): a follower answers a command when its own copy shows it. */
  function caughtUp(v: number, ms: number): Promise<void> {
    if (!core || core.get().version >= v) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { v, done: () => { clearTimeout(timer); catchUps.delete(w); resolve(); } };
      const timer = setTimeout(w.done, ms);
      catchUps.add(w);
    });
  }

  async function takeOver(): Promise<void> {
    setRole('taking over');
    const l = await loadLog(main, keys);
    if (!lease.valid() || closed) return void stepDown('the lease ran out while the show was loading');
    cursor = l.cursor;
    const mine = core!.get();
    if (l.show) {
      if (l.show.version !== mine.version) core!.adopt(l.show);
      storage.rebase(l.show);
    }
    setRole('writer');
    // The first writer died before its first show was written: the log starts from this node's.
    if (!l.show) storage.seed(mine);
    await forwarder.serve(lease.token!, local);
    holder = { token: lease.token!, node };
    log.info({ node, fence: lease.token, version: core!.get().version }, `cluster: this node is now the writer (fencing token ${lease.token})`);
  }

  async function stepDown(why: string): Promise<void> {
    if (role === 'follower' && !lease.value) return;
    const was = role;
    setRole('follower');
    lease.drop();
    storage.fail(REFUSED.fenced);
    resyncWanted = true;
    await forwarder.stopServing();
    log.warn({ node, was }, `cluster: this node stopped writing (${why}); it follows the show log again`);
  }

  /** Loads the whole log again and takes it as it is (after a gap, a corrupt entry, or losing the lease). */
  async function resync(): Promise<void> {
    if (resyncing || !core) return;
    resyncing = true;
    try {
      const l = await loadLog(main, keys);
      if (role !== 'follower') return;
      cursor = l.cursor;
      if (l.show) adopt(l.show);
      resyncWanted = false;
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'cluster: the show log could not be loaded again; retrying');
    } finally {
      resyncing = false;
    }
  }

  function apply(e: LogEntry): void {
    if (role !== 'follower' || resyncWanted || !core) return;
    const p = e.payload;
    if (!p) return void (resyncWanted = true);
    const cur = core.get();
    if (p.v <= cur.version) return;
    let next: Show;
    if ('show' in p) {
      const parsed = Show.safeParse(p.show);
      if (!parsed.success) return void (resyncWanted = true);
      next = { ...parsed.data, version: p.v };
    } else if (p.from === cur.version) next = patched(cur, p.ops, p.v);
    else return void (resyncWanted = true);
    adopt(next);
    lastApplyMs = Math.max(0, Date.now() - entryMs(e.id));
  }

  /** Follows the log: every entry after the cursor, in order (a blocking read on a connection of its own). */
  async function follow(): Promise<void> {
    while (!closed) {
      try {
        if (resyncWanted && up()) await resync();
        const raw = await reader.sendCommand<Array<[string, unknown]> | null>(['XREAD', 'COUNT', '500', 'BLOCK', '1000', 'STREAMS', keys.log, cursor]);
        for (const e of parseEntries(raw?.[0]?.[1])) {
          cursor = e.id;
          apply(e);
        }
      } catch {
        if (!closed) await sleep(250);
      }
    }
  }

  /** This node's record in the list of nodes (once it listens: before that it has no address). */
  async function heartbeat(): Promise<void> {
    if (!self || closed) return;
    const walls: Record<string, WallLoad> = {};
    for (const id of Object.keys(core?.get().walls ?? {})) {
      const list = self.visitors?.(id) ?? [];
      const queued = list.filter((v) => v.queuePosition > 0).length;
      if (list.length > 0) walls[id] = [list.length - queued, queued];
    }
    aliveNodes = await beat(main, keys, { id: node, address: self.address(), upSince: self.upSince, clients: self.clients(), version: core?.get().version ?? logVersion, walls, clock: self.clockUrl?.() ?? null }, nodeTtlMs);
    if (caps && core) {
      // Each wall's visitor cap, shared out by every node's load as Redis has it now (this node's included).
      const { nodes } = await readNodes(main, keys, nodeTtlMs);
      const shares = new Map<string, number>();
      for (const w of Object.values(core.get().walls)) shares.set(w.id, shareOf(w.visitorCap, nodes.map((n) => ({ id: n.card.id, load: n.card.walls[w.id] ?? [0, 0] })), node));
      caps.setShares(shares);
    }
  }

  let tickTimer: NodeJS.Timeout | null = null;
  async function tick(): Promise<void> {
    try {
      if (role === 'writer') {
        if (!(await lease.renew())) await stepDown('its lease ran out or another node holds it');
      } else if (role === 'follower' && core && !resyncWanted && (await lease.tryAcquire())) {
        try {
          await takeOver();
        } catch (e) {
          await stepDown(`the show log could not be loaded (${(e as Error).message})`);
        }
      }
      const [value, v] = await Promise.all([main.sendCommand<string | null>(['GET', keys.lease]), main.sendCommand<string | null>(['GET', keys.version]), heartbeat()]);
      const was = holder?.node;
      holder = parseHolder(value);
      logVersion = v === null ? -1 : Number(v);
      if (!holder) writerAddress = null;
      else if (holder.node === node) writerAddress = self?.address() ?? null;
      else if (holder.node !== was || writerAddress === null || (opts.clock && writerClock === null)) {
        const card = await cardOf(main, keys, holder.node);
        writerAddress = card?.address ?? null;
        writerClock = card?.clock ?? null;
      }
      // The show clock is the writer's: a follower syncs to its responder (a writer stopped following in setRole).
      if (role !== 'writer' && holder && holder.node !== node && writerClock) opts.clock?.follow(writerClock);
    } catch {
      // Redis unreachable: a writer stops on its own once its lease may have run out.
      if (role === 'writer' && !lease.valid()) await stepDown('Redis was unreachable for longer than the lease');
    }
    if (!closed) tickTimer = setTimeout(() => void tick(), role === 'writer' ? leaseMs / 3 : leaseMs / 6);
  }
  tickTimer = setTimeout(() => void tick(), leaseMs / 3);

  return {
    node,
    storage,
    io: {
      adapter: nodeLocal(createAdapter(adapterClient(ioPub), { streamName: keys.io.stream, channelPrefix: keys.io.channels, sessionKeyPrefix: keys.io.sessions, blockTimeInMs: 1000 })),
      // Recovered sockets go through the namespaces' auth again (skipMiddlewares: false).
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    },
    gate,
    dmxView: (s) => writerOnlyDmx(s, gate),
    visitorView(s) {
      caps = sharedCaps(s);
      return caps.view;
    },
    nodes: () => listNodes(main, keys, node, nodeTtlMs),
    bind(deps) {
      core = deps.core;
      store = deps.store;
      self = deps.self;
      void heartbeat().catch(() => {});
      if (deps.metrics)
        registerClusterMetrics(deps.metrics, {
          node,
          isWriter: () => role === 'writer',
          writer: () => holder?.node ?? null,
          fence: () => holder?.token ?? null,
          leaseLeftMs: () => (role === 'writer' ? lease.remainingMs() : 0),
          redisUp: up,
          lagVersions: () => Math.max(0, logVersion - (core?.get().version ?? logVersion)),
          nodes: () => aliveNodes,
        });
      void follow();
      if (role === 'writer') void forwarder.serve(lease.token!, local).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'cluster: cannot take forwarded commands yet'));
    },
    async command(raw, source, actor) {
      try {
        if (!up()) return fail('not_allowed_now', REFUSED.redisDown);
        if (role === 'writer' && lease.valid()) return await local(raw, source, actor ?? null);
        const ack = await forwarder.forward(raw, source, actor ?? null);
        if (ack.ok) await caughtUp(ack.version, 2000);
        return ack;
      } catch (e) {
        log.error({ err: e }, 'cluster: a command failed');
        return fail('internal', `the command could not be run (${(e as Error).message}); look at the show before retrying`);
      }
    },
    health(h) {
      const version = core?.get().version ?? logVersion;
      const reachable = up();
      const cluster = {
        role: role === 'writer' ? ('writer' as const) : ('follower' as const),
        node,
        writer: holder?.node ?? null,
        fence: holder?.token ?? null,
        redis: reachable ? ('ok' as const) : ('unreachable' as const),
        version,
        lagVersions: Math.max(0, logVersion - version),
        lastApplyMs,
        clock: clockHealth(),
      };
      const reasons = [...h.reasons];
      if (!reachable) reasons.push(`this node cannot reach Redis (PAVILION_REDIS_URL): commands are refused until it is back, the screens keep playing; check that redis-server is running and reachable from this node`);
      else if (!holder) reasons.push('no node holds the writer lease: commands wait for a writer; check that the other nodes are running');
      if (fsyncWarning) reasons.push(fsyncWarning);
      return { ...h, status: reasons.length > 0 ? 'degraded' : h.status, reasons, cluster };
    },
    async close() {
      closed = true;
      if (tickTimer) clearTimeout(tickTimer);
      await forwarder.stopServing();
      if (role === 'writer') await lease.release().catch(() => {});
      await forget(main, keys, node).catch(() => {});
      setRole('follower');
      reader.destroy();
      await Promise.all([main, sub, ioPub].map((c) => c.close().catch(() => c.destroy())));
    },
  };
}
