import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One build of Pavilion the bench runs: the current tree, or an older commit in a worktree. */
export interface Variant {
  name: string;
  /** The folder the server runs from. */
  dir: string;
  /** Its built client. */
  staticDir: string;
}

const ADMIN = 'bench-sandbox-admin-token-0123456789';

/** Builds the client of `dir` into `out` (vite build), unless `reuse` and it is there. */
export function build(dir: string, out: string, reuse: boolean): void {
  if (reuse && fs.existsSync(path.join(out, 'display.html'))) return;
  console.log(`building ${path.relative(process.cwd(), dir) || '.'} → ${out}`);
  execFileSync(process.execPath, [path.join(dir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: dir,
    env: { ...process.env, PAVILION_BUILD_DIR: out },
    stdio: 'inherit',
  });
}

/**
 * A git worktree of `commit` next to the repository (made once, kept for later runs), sharing
 * the repository's node_modules: the baseline that ran pieces in the page itself.
 */
export function worktree(root: string, commit: string): string {
  const dir = path.join(os.tmpdir(), `pavilion-bench-${commit.slice(0, 12)}`);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    execFileSync('git', ['worktree', 'add', '--force', '--detach', dir, commit], { cwd: root, stdio: 'inherit' });
  }
  const nm = path.join(dir, 'node_modules');
  if (!fs.existsSync(nm)) fs.symlinkSync(path.join(root, 'node_modules'), nm, 'dir');
  return dir;
}

export interface Running {
  url: string;
  child: ChildProcess;
  admin: string;
  stop(): Promise<void>;
}

/** A call to a running variant's REST API as its admin; throws with the answer when refused. */
export async function api(s: Running, method: string, url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${s.admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Screen `screenId`'s display address on `s` (its pairing key in it), on the address the bench reaches `s` at. */
export async function displayUrlOf(s: Running, screenId: string): Promise<string> {
  const show = (await api(s, 'GET', '/api/show')) as { screens: Array<{ id: string; displayUrl?: string | null }> };
  const url = show.screens.find((x) => x.id === screenId)?.displayUrl;
  if (!url) throw new Error(`${screenId} has no displayUrl`);
  return url.replace(/^https?:\/\/[^/]+/, s.url);
}

/** Starts `variant`'s server (as `npm run serve` does) on free ports, with a fresh data dir. */
export function serve(variant: Variant): Promise<Running> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-sandbox-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: variant.dir,
    env: {
      ...process.env,
      PORT: '0',
      PAVILION_STAGE_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PAVILION_DATA: dataDir,
      PAVILION_STATIC_DIR: variant.staticDir,
      PAVILION_ADMIN_TOKEN: ADMIN,
      PAVILION_ARTIST_TOKEN: 'bench-sandbox-artist-token-0123456789',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /Pavilion is running on (https?:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!.replace('://localhost', '://127.0.0.1'), child, admin: ADMIN, stop });
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => reject(new Error(`${variant.name}: the server exited with ${code} before listening:\n${out}`)));
  });
}
