import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './hostile';

/** Debian's redis-server (`.ci/run` installs the package when it is missing). */
export const REDIS_SERVER = process.env.PAVILION_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';

export interface TestRedis {
  /** redis://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Its data directory (the AOF), kept across stop() and start(). */
  dir: string;
  /** Stops it: SIGKILL by default (what a crash does; AOF with fsync always keeps every acknowledged write). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}


/**
 * A redis-server of the test's own, on a free port of 127.0.0.1 with a temporary directory, with
 * AOF and `appendfsync always` as docs/operations.md asks of a pavilion's Redis. Never a system one.
 */
export async function startRedis(): Promise<TestRedis> {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: install the Debian package redis-server (apt-get install redis-server; .ci/run does), or set PAVILION_TEST_REDIS_SERVER`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    const c = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--logfile', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        out += b.toString();
        if (/Ready to accept connections/.test(out)) resolve();
      };
      c.stdout!.on('data', onData);
      c.stderr!.on('data', onData);
      c.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${out}`)));
    });
  }

  async function stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill(signal);
    await gone;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    start,
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The technician token every node of a test cluster shares (as docs/operations.md asks). */
export const NODE_TOKEN = 'cluster-test-admin-token-0123456789';

export interface Health {
  status: string;
  reasons: string[];
  cluster?: { role: 'writer' | 'follower'; node: string; writer: string | null; fence: number | null; redis: 'ok' | 'unreachable'; version: number; lagVersions: number };
}

/** GET /api/health of a node. */
export async function healthOf(url: string): Promise<Health> {
  return (await (await fetch(`${url}/api/health`)).json()) as Health;
}

/** POST /api/commands: the HTTP status and the answer. */
export async function send(url: string, body: unknown): Promise<{ status: number; ack: { ok: boolean; version?: number; error?: { code: string; message: string } } }> {
  const res = await fetch(`${url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${NODE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, ack: (await res.json()) as { ok: boolean; version?: number; error?: { code: string; message: string } } };
}

/** The show a node serves (GET /api/show/export). */
export async function showOf(url: string): Promise<{ version: number; presets: Record<string, Record<string, unknown>> }> {
  const res = await fetch(`${url}/api/show/export`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } });
  return (await res.json()) as { version: number; presets: Record<string, Record<string, unknown>> };
}
