import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createClient } from 'redis';
import type { NodesReply } from '../../protocol';
import { exited, startChild } from './child';
import { until } from './server';
import { healthOf, NODE_TOKEN, showOf, startRedis, type Health, type TestRedis } from './redis';

export { healthOf, NODE_TOKEN, send, showOf, type Health } from './redis';

/** One node of a test pavilion: `server/main.ts` in a child process, as `npm start` runs it. */
export interface TestNode {
  url: string;
  /** Its port on 127.0.0.1 (the list of nodes names it by its LAN address and this port). */
  port: number;
  child: ChildProcess;
  dataDir: string;
  output(): string;
}

export interface TestCluster {
  redis: TestRedis;
  /** The nodes in the order they were started (a killed one stays, exited). */
  nodes: TestNode[];
  /** Starts one more node of this pavilion. */
  add(env?: Record<string, string>): Promise<TestNode>;
  /** SIGKILL, and resolves once it has exited. */
  kill(node: TestNode): Promise<void>;
  /** Kills every node and Redis, removes their directories. */
  close(): Promise<void>;
}

/**
 * A pavilion of `nodes` nodes on the test's own redis-server (tests/support/redis.ts): each node
 * has PAVILION_REDIS_URL, its own data directory, the same technician token (NODE_TOKEN), and no
 * clock responder. Start it once per file (beforeAll) and let the tests run in order on it: a node
 * is a process of its own and takes seconds to start on a loaded machine.
 */
export async function startCluster(opts: { nodes: number; prefix?: string; env?: Record<string, string> }): Promise<TestCluster> {
  const redis = await startRedis();
  const nodes: TestNode[] = [];
  const base = { PAVILION_ADMIN_TOKEN: NODE_TOKEN, PAVILION_REDIS_URL: redis.url, PAVILION_CLOCK_PORT: 'off', ...(opts.prefix ? { PAVILION_REDIS_PREFIX: opts.prefix } : {}), ...opts.env };
  const cluster: TestCluster = {
    redis,
    nodes,
    async add(env = {}) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-node-'));
      try {
        const c = await startChild({ ...base, PAVILION_DATA: dataDir, ...env });
        const node: TestNode = { ...c, port: Number(new URL(c.url).port), dataDir };
        nodes.push(node);
        return node;
      } catch (e) {
        fs.rmSync(dataDir, { recursive: true, force: true });
        throw e;
      }
    },
    async kill(node) {
      if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
      await exited(node.child);
    },
    async close() {
      await Promise.all(nodes.map((n) => cluster.kill(n)));
      await redis.close();
      for (const n of nodes) fs.rmSync(n.dataDir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(Array.from({ length: opts.nodes }, () => cluster.add()));
  } catch (e) {
    await cluster.close();
    throw e;
  }
  return cluster;
}

/** Every live node's health once each knows the writer and has caught up with it; the writer's index among `nodes`. */
export async function settled(nodes: TestNode[], what = 'every node to know the writer and to have caught up with it'): Promise<{ healths: Health[]; writer: number }> {
  const healths = await until(async () => {
    const hs = await Promise.all(nodes.map((n) => healthOf(n.url)));
    return hs.every((h) => h.cluster?.writer && h.cluster.lagVersions === 0) && hs.filter((h) => h.cluster?.role === 'writer').length === 1 ? hs : null;
  }, what);
  return { healths, writer: healths.findIndex((h) => h.cluster?.role === 'writer') };
}

/** GET /api/nodes of a node. */
export async function nodesOf(url: string): Promise<NodesReply> {
  const res = await fetch(`${url}/api/nodes`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } });
  if (!res.ok) throw new Error(`GET /api/nodes on ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as NodesReply;
}

/** GET /metrics of a node: the exposition text. */
export async function metricsOf(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } });
  if (!res.ok) throw new Error(`GET /metrics on ${url}: HTTP ${res.status}`);
  return res.text();
}

/** One series' value in an exposition text (its labels as written, in order), or null when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const want = Object.entries(labels);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (want.every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return null;
}

/**
 * What Redis says of its own work (INFO all): its counters by name (`aof_current_size`,
 * `total_commands_processed`, …) and each command's calls (`commands.get('publish')`).
 */
export async function redisInfo(url: string): Promise<{ field(name: string): number; commands: Map<string, number> }> {
  const c = createClient({ url });
  await c.connect();
  try {
    const info = await c.sendCommand<string>(['INFO', 'all']);
    const commands = new Map([...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
    return { field: (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN), commands };
  } finally {
    await c.quit();
  }
}

/** Closes, on Redis's side, the connection a node named `name` (`pavilion-<node>-sub`: its subscriber); node-redis then connects again. Resolves with how many were closed. */
export async function killRedisConnection(url: string, name: string): Promise<number> {
  const c = createClient({ url });
  await c.connect();
  try {
    const list = await c.sendCommand<string>(['CLIENT', 'LIST']);
    const ids = list.split('\n').filter((l) => l.includes(` name=${name} `)).map((l) => /^id=(\d+)/.exec(l)?.[1]).filter((id): id is string => id !== undefined);
    for (const id of ids) await c.sendCommand(['CLIENT', 'KILL', 'ID', id]);
    return ids.length;
  } finally {
    await c.quit();
  }
}

/** A command that changes the show and is easy to look for afterwards. */
export const preset = (name: string) => ({ type: 'preset.save', installationId: 'echo', name, params: {} });

/** The names of the presets a node serves for the echo piece. */
export const presetsOf = async (url: string) => Object.keys((await showOf(url)).presets.echo ?? {});

/**
 * The nodes of one test file: started before its tests and closed after them; the sockets a test
 * puts in `open` are closed after each test. `nodes` is filled in place once they are up.
 */
export function useCluster(opts: Parameters<typeof startCluster>[0]): { readonly nodes: TestNode[]; readonly open: Socket[]; add: TestCluster['add']; readonly redis: TestRedis } {
  let cluster: TestCluster | undefined;
  const files = {
    nodes: [] as TestNode[],
    open: [] as Socket[],
    /** One more node (TestCluster.add), in `nodes` too. */
    add: async (env?: Record<string, string>) => {
      const n = await cluster!.add(env);
      if (!files.nodes.includes(n)) files.nodes.push(n);
      return n;
    },
    /** The cluster's redis-server (once started). */
    get redis(): TestRedis {
      if (!cluster) throw new Error('the cluster is not started yet (useCluster starts it in beforeAll)');
      return cluster.redis;
    },
  };
  beforeAll(async () => {
    cluster = await startCluster(opts);
    files.nodes.push(...cluster.nodes); // in place: callers hold this array
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
  }, 30_000);
  afterEach(() => {
    for (const s of files.open.splice(0)) s.close();
  });
  return files;
}
