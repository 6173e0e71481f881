import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import type { VisitorFrame, VisitorState } from '../../protocol';
import { ROOT } from '../lib/child';

/** The bench's pavilion: its own redis-server and nodes (server/main.ts, as `npm start` runs it), each a child process. */
export const TOKEN = 'bench-nodes-admin-token-0123456789';
const REDIS_SERVER = process.env.PAVILION_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';

const children: ChildProcess[] = [];
const dirs: string[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
// Stopped (Ctrl-C, a timeout): the children go too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves with the first match of `re` in the child's output (stdout and stderr). */
function waitFor(c: ChildProcess, re: RegExp, what: string): Promise<RegExpExecArray> {
  let out = '';
  return new Promise((resolve, reject) => {
    const on = (b: Buffer) => {
      out += b.toString();
      const m = re.exec(out);
      if (m) resolve(m);
    };
    c.stdout!.on('data', on);
    c.stderr!.on('data', on);
    c.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready:\n${out.slice(-2000)}`)));
  });
}

/** A redis-server on a free port of 127.0.0.1, AOF with fsync always (as docs/operations.md asks; `fsync` to compare), in a temporary directory. */
export async function startRedis(fsync: 'always' | 'everysec' | 'no' = 'always'): Promise<{ url: string; pid: number }> {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: install the Debian package redis-server, or set PAVILION_TEST_REDIS_SERVER`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-redis-'));
  dirs.push(dir);
  const port = await freePort();
  const c = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--logfile', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(c);
  await waitFor(c, /Ready to accept connections/, 'redis-server');
  return { url: `redis://127.0.0.1:${port}`, pid: c.pid! };
}

export interface BenchNode {
  url: string;
  pid: number;
}

/** A new data directory for a node, removed when the bench exits. */
export function nodeDataDir(): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-node-'));
  dirs.push(dataDir);
  return dataDir;
}

/**
 * One node of the pavilion on `redisUrl` (null: a single server, no Redis): its own data directory
 * (`dataDir`, or a new one), no clock responder unless `env` names a port, phones from one address allowed.
 */
export async function startNode(redisUrl: string | null, env: Record<string, string> = {}, dataDir = nodeDataDir()): Promise<BenchNode> {
  const c = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: TOKEN, ...(redisUrl ? { PAVILION_REDIS_URL: redisUrl } : {}), PAVILION_CLOCK_PORT: 'off', PAVILION_VISITORS_PER_ADDRESS: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(c);
  const m = await waitFor(c, /Pavilion is running on (https?:\/\/\S+)/, 'a node');
  return { url: m[1]!, pid: c.pid! };
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); null elsewhere. */
export function cpuSeconds(pid: number): number | null {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

/** What Redis says of its own work: commands, PUBLISH calls, bytes in and out, CPU seconds, writes. */
export interface RedisStats {
  commands: number;
  publishes: number;
  netIn: number;
  netOut: number;
  cpu: number;
  /** The AOF's size: what grows it is what Redis fsyncs (appendfsync always). */
  aofBytes: number;
  /** Writes since the last save (`rdb_changes_since_last_save`; the bench's Redis never saves): logged or not. */
  changes: number;
}

/** Commands that change data (those the bench's pavilion sends; inside scripts too, as INFO commandstats counts them). */
export const WRITE_COMMANDS = new Set(['set', 'del', 'unlink', 'xadd', 'xtrim', 'pexpire', 'expire', 'pexpireat', 'zadd', 'zrem', 'zremrangebyscore', 'incr', 'getdel', 'hset', 'hdel', 'setex', 'psetex']);

/** Each command's calls so far (INFO commandstats), by name. */
export async function redisCommandCalls(url: string): Promise<Map<string, number>> {
  const c = createClient({ url });
  await c.connect();
  try {
    const info = await c.sendCommand<string>(['INFO', 'commandstats']);
    return new Map([...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
  } finally {
    await c.quit();
  }
}

export async function redisStats(url: string): Promise<RedisStats> {
  const c = createClient({ url });
  await c.connect();
  try {
    const info = await c.sendCommand<string>(['INFO', 'all']);
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    const publishes = Number(/^cmdstat_publish:calls=(\d+)/m.exec(info)?.[1] ?? 0);
    return {
      commands: field('total_commands_processed'),
      publishes,
      netIn: field('total_net_input_bytes'),
      netOut: field('total_net_output_bytes'),
      cpu: field('used_cpu_user') + field('used_cpu_sys'),
      aofBytes: field('aof_current_size') || 0,
      changes: field('rdb_changes_since_last_save') || 0,
    };
  } finally {
    await c.quit();
  }
}

/** Waits until every node knows the writer and serves its show. */
export async function settled(nodes: BenchNode[]): Promise<void> {
  const start = Date.now();
  for (;;) {
    const hs = await Promise.all(nodes.map(async (n) => (await (await fetch(`${n.url}/api/health`)).json()) as { cluster?: { writer: string | null; lagVersions: number } }));
    if (hs.every((h) => h.cluster?.writer && h.cluster.lagVersions === 0)) return;
    if (Date.now() - start > 60_000) throw new Error('the nodes did not settle within 60 s (a writer, every node caught up)');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Turns on Redis's latency monitor (events of `thresholdMs` or more: e.g. `aof-fsync-always`, the fsync every write waits for). */
export async function watchRedisLatency(url: string, thresholdMs = 1): Promise<void> {
  const c = createClient({ url });
  await c.connect();
  try {
    await c.sendCommand(['CONFIG', 'SET', 'latency-monitor-threshold', String(thresholdMs)]);
  } finally {
    await c.quit();
  }
}

/**
 * Redis's latency events since the monitor was turned on: name, the latest and the worst (ms), how
 * many samples of it it keeps (one a second at most: the worst of that second), and those samples'
 * values (ms), oldest first.
 */
export async function redisLatency(url: string): Promise<Array<{ event: string; latestMs: number; maxMs: number; samples: number; history: number[] }>> {
  const c = createClient({ url });
  await c.connect();
  try {
    const latest = await c.sendCommand<Array<[string, number, number, number]>>(['LATENCY', 'LATEST']);
    return Promise.all(
      latest.map(async ([event, , latestMs, maxMs]) => {
        const history = (await c.sendCommand<Array<[number, number]>>(['LATENCY', 'HISTORY', event])).map(([, ms]) => Number(ms));
        return { event, latestMs: Number(latestMs), maxMs: Number(maxMs), samples: history.length, history };
      }),
    );
  } finally {
    await c.quit();
  }
}

/**
 * A screen of the demo show on node `n`: a socket.io client in this process, paired with the
 * screen's key, giving each visitor frame to `onFrame` with its arrival time (Date.now()).
 */
export async function benchScreen(n: BenchNode, screenId: string, onFrame: (f: VisitorFrame, now: number) => void): Promise<Socket> {
  const show = (await (await fetch(`${n.url}/api/show/export`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { screens: Record<string, { key?: string }> };
  const socket = io(`${n.url}/display`, { transports: ['websocket'], forceNew: true, reconnection: false });
  socket.on('visitors:frame', (f: VisitorFrame) => onFrame(f, Date.now()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const hello = (await socket.timeout(20_000).emitWithAck('display:hello', { screenId, key: show.screens[screenId]?.key })) as { ok: boolean; error?: { message: string } };
  if (!hello.ok) throw new Error(`display:hello as ${screenId} on ${n.url}: ${hello.error?.message}`);
  return socket;
}

/** A frame handler that calls `sample` once for each visitor whose `sentAt` changed since its last frame: a new input reached the screen. */
export function newInputs(sample: (v: VisitorState & { sentAt: number }, f: VisitorFrame, now: number) => void): (f: VisitorFrame, now: number) => void {
  const lastSent = new Map<string, number>();
  return (f, now) => {
    for (const v of f.visitors) {
      if (v.sentAt === undefined || lastSent.get(v.id) === v.sentAt) continue;
      lastSent.set(v.id, v.sentAt);
      sample(v as VisitorState & { sentAt: number }, f, now);
    }
  };
}
