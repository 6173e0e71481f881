import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PieceBundle } from '../../protocol';
import { ARTIST } from './server';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'pieces');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'pavilion-packed');
const run = promisify(execFile);

function hashTree(dir: string, h = crypto.createHash('sha256')): crypto.Hash {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) hashTree(full, h.update(`d:${e.name}`));
    else h.update(`f:${e.name}`).update(fs.readFileSync(full));
  }
  return h;
}

/**
 * Packs a piece folder with the real CLI (`npm run pack-piece`) and returns the path it printed on
 * its last line. Packs are cached by the folder's content (and the packer's), so reruns are quick.
 */
export async function packFolder(folder: string): Promise<string> {
  const h = hashTree(folder);
  for (const f of ['scripts/lib/pack.ts', 'protocol/shared-modules.ts', 'package-lock.json']) h.update(fs.readFileSync(path.join(ROOT, f)));
  const out = path.join(CACHE, h.digest('hex').slice(0, 16));
  const cached = fs.existsSync(out) ? fs.readdirSync(out).find((f) => f.endsWith('.pavilion')) : undefined;
  if (cached) return path.join(out, cached);
  const { stdout } = await run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'pack-piece.ts'), folder, '--out', out], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  if (!last.endsWith('.pavilion') || !fs.existsSync(last)) throw new Error(`pack-piece did not print a bundle path on its last line:\n${stdout}`);
  return last;
}

export const packFixture = (name: string) => packFolder(path.join(FIXTURES, name));

export function readBundle(file: string): PieceBundle {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PieceBundle;
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** A copy of a bundle with files replaced, added or a new version (checksums recomputed). */
export function rebundle(
  b: PieceBundle,
  change: { version?: string; manifest?: (m: Record<string, unknown>) => Record<string, unknown>; files?: Record<string, Buffer | string> },
): PieceBundle {
  const files = new Map<string, Buffer>(b.files.map((f) => [f.path, Buffer.from(f.data, 'base64')]));
  let manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
  if (change.version) manifest = { ...manifest, version: change.version };
  if (change.manifest) manifest = change.manifest(manifest);
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
  for (const [p, data] of Object.entries(change.files ?? {})) files.set(p, Buffer.isBuffer(data) ? data : Buffer.from(data));
  return {
    ...b,
    version: change.version ?? b.version,
    files: [...files].map(([p, data]) => ({ path: p, sha256: sha(data), data: data.toString('base64') })),
  };
}

export async function upload(app: { url: string }, body: Buffer | string | PieceBundle, token: string | null = ARTIST, contentType = 'application/octet-stream') {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await fetch(`${app.url}/api/pieces`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof raw === 'string' ? raw : new Uint8Array(raw),
  });
  const json = (await res.json().catch(() => null)) as (Record<string, unknown> & { ok?: boolean; error?: { code: string; message: string } }) | null;
  return { status: res.status, body: json ?? {} };
}
