import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from '../lib/child';

/** The technician token of every server the bench starts. */
export const ADMIN = 'bench-reconnect-admin-token-0123456789';

/**
 * The built client the servers serve: PAVILION_STATIC_DIR when set (nothing is built), else a
 * private build in .tmp/bench-reconnect-build (made once, reused; `rebuild` makes it again).
 */
export function staticDir(rebuild: boolean): string {
  if (process.env.PAVILION_STATIC_DIR) {
    const dir = path.resolve(process.env.PAVILION_STATIC_DIR);
    if (!fs.existsSync(path.join(dir, 'display.html'))) throw new Error(`PAVILION_STATIC_DIR=${dir} has no display.html: build the client there first (PAVILION_BUILD_DIR=${dir} npx vite build) or unset it`);
    return dir;
  }
  const out = path.join(ROOT, '.tmp', 'bench-reconnect-build');
  if (rebuild || !fs.existsSync(path.join(out, 'display.html'))) {
    console.log(`building the client → ${path.relative(ROOT, out)}`);
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, PAVILION_BUILD_DIR: out },
      stdio: 'inherit',
    });
  }
  return out;
}

/** A port nobody listens on right now (the OS's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Setup {
  /**
   * The server's nice value, or null to start it as `npm start` does. In a venue the server has a
   * machine of its own; here it shares 2 cores with the screens' software-rendered Chromium, whose
   * GPU processes Chromium itself raises to nice −8, so a server at 0 waits behind them.
   */
  nice: number | null;
  port: number;
  stagePort: number;
  dataDir: string;
  staticDir: string;
}

export interface Server {
  child: ChildProcess;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Date.now() when this process read the line saying the server is listening. */
  listeningAt: number;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts server/main.ts as `npm start` does, on the fixed ports and data dir of `setup`. */
export function startServer(setup: Setup): Promise<Server> {
  // Through nice(1), so that every thread of the process (V8's, libuv's, the clock responder's) has it.
  const node = [process.execPath, '--import', 'tsx', 'server/main.ts'];
  const [cmd, ...args] = setup.nice === null ? node : ['nice', '-n', String(setup.nice), ...node];
  const child = spawn(cmd!, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(setup.port),
      PAVILION_STAGE_PORT: String(setup.stagePort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PAVILION_DATA: setup.dataDir,
      PAVILION_STATIC_DIR: setup.staticDir,
      PAVILION_ADMIN_TOKEN: ADMIN,
      PAVILION_ARTIST_TOKEN: 'bench-reconnect-artist-token-0123456789',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      const at = Date.now();
      out += b.toString();
      if (/Pavilion is running on https?:\/\/\S+/.test(out)) resolve({ child, url: `http://127.0.0.1:${setup.port}`, listeningAt: at });
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code, signal) => reject(new Error(`the server exited (${code ?? signal}) before listening:\n${out}`)));
  });
}

/** SIGKILLs the server (no goodbye on any socket) and resolves once it is gone. */
export function killServer(s: Server): Promise<void> {
  const c = s.child;
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGKILL');
  return gone;
}

/** A JSON call with the technician token; throws on a non-2xx answer. */
export async function api<T>(s: Pick<Server, 'url'>, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

export interface ShowScreen {
  id: string;
  connected: boolean;
  displayUrl?: string | null;
}

export const screensOf = async (s: Pick<Server, 'url'>): Promise<ShowScreen[]> => (await api<{ screens: ShowScreen[] }>(s, 'GET', '/api/show')).screens;
