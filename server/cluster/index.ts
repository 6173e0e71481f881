import crypto from 'node:crypto';
import os from 'node:os';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { fail, Show, type CommandSource, type ServerHealth } from '../../protocol';
import { actingAs } from '../activity/actor';
import type { ShowStorage } from '../persistence/journal';
import type { AdoptingStore, ShowStore } from '../show/store';
import { createForwarder, type CommandAck } from './forward';
import { keysFor } from './keys';
import { Lease, parseHolder } from './lease';
import { REFUSED } from './messages';
import { adapterClient, redisClient, sleep } from './redis';
import { entryMs, loadLog, parseEntries, patched, type LogEntry } from './show-log';
import { LogStorage } from './storage';

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
}

export interface Cluster {
  node: string;
  storage: ShowStorage;
  /** socket.io's options for this mode (server/transport/io.ts). */
  io: { adapter: ReturnType<typeof createAdapter>; connectionStateRecovery: { maxDisconnectionDuration: number; skipMiddlewares: boolean } };
  /** Starts following and writing, once the app has built its store (`core`: the inner store; `store`: what the edges dispatch to). */
  bind(deps: { core: ShowStore & AdoptingStore; store: ShowStore }): void;
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
    writer: { leaseValue: () => (role === 'writer' && lease.valid() ? lease.value : null), redisUp: up },
    initial: loaded.show,
    fallback: opts.fallback,
    log,
    onFenced: () => void stepDown('Redis refused its append: another node holds the writer lease'),
  });

  /** Runs a command on this node, the writer; answers once Redis has it. */
  async function local(raw: unknown, source: CommandSource, actor: string | null): Promise<CommandAck> {
    if (!store) return fail('not_allowed_now', REFUSED.notWriter);
    if (!up()) return fail('not_allowed_now', REFUSED.redisDown);
    if (role !== 'writer' || !lease.valid()) return fail('not_allowed_now', REFUSED.notWriter);
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
    role = 'taking over';
    const l = await loadLog(main, keys);
    if (!lease.valid() || closed) return void stepDown('the lease ran out while the show was loading');
    cursor = l.cursor;
    const mine = core!.get();
    if (l.show) {
      if (l.show.version !== mine.version) core!.adopt(l.show);
      storage.rebase(l.show);
    }
    role = 'writer';
    // The first writer died before its first show was written: the log starts from this node's.
    if (!l.show) storage.seed(mine);
    await forwarder.serve(lease.token!, local);
    holder = { token: lease.token!, node };
    log.info({ node, fence: lease.token, version: core!.get().version }, `cluster: this node is now the writer (fencing token ${lease.token})`);
  }

  async function stepDown(why: string): Promise<void> {
    if (role === 'follower' && !lease.value) return;
    const was = role;
    role = 'follower';
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
      const [value, v] = await Promise.all([main.sendCommand<string | null>(['GET', keys.lease]), main.sendCommand<string | null>(['GET', keys.version])]);
      holder = parseHolder(value);
      logVersion = v === null ? -1 : Number(v);
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
    bind(deps) {
      core = deps.core;
      store = deps.store;
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
      role = 'follower';
      reader.destroy();
      await Promise.all([main, sub, ioPub].map((c) => c.close().catch(() => c.destroy())));
    },
  };
}

/** Events the writer sends to screens wherever they are connected: a command's effects on one screen. */
const CLUSTER_WIDE = new Set(['screen:identify', 'screen:reload', 'screen:xr']);

/**
 * Every node holds the whole show and serves its own sockets from it (views, the panel's mirror,
 * visitor frames), so their broadcasts stay on the node: through the adapter every screen would get
 * each view once per node, and a panel the mirrors of every node's screens in turn. Only the
 * effects the writer sends to one screen (identify, reload, a VR station's recenter) cross nodes.
 */
function nodeLocal(factory: ReturnType<typeof createAdapter>): ReturnType<typeof createAdapter> {
  // A plain function, not an arrow: socket.io calls it with `new`.
  return function (nsp) {
    const adapter = factory(nsp);
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, opts) => {
      const event = (packet as { data?: unknown[] }).data?.[0];
      return broadcast(packet, typeof event === 'string' && CLUSTER_WIDE.has(event) ? opts : { ...opts, flags: { ...opts.flags, local: true } });
    };
    return adapter;
  };
}

/** What is wrong with Redis's durability settings for the show log (null: AOF with fsync always, or not readable). */
async function aofWarning(main: ReturnType<typeof redisClient>): Promise<string | null> {
  try {
    const pairs = await main.sendCommand<string[]>(['CONFIG', 'GET', 'append*']);
    const conf = new Map<string, string>();
    for (let i = 0; i + 1 < pairs.length; i += 2) conf.set(pairs[i]!, pairs[i + 1]!);
    if (conf.get('appendonly') === 'yes' && conf.get('appendfsync') === 'always') return null;
    return `Redis does not write every change to disk before answering (appendonly ${conf.get('appendonly') ?? '?'}, appendfsync ${conf.get('appendfsync') ?? '?'}): an acknowledged command can be lost if Redis itself stops; set appendonly yes and appendfsync always (docs/operations.md, "Several nodes")`;
  } catch {
    return null; // CONFIG is disabled (a managed Redis): its documentation says how it persists
  }
}

/** The URL without its password, for logs. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}
