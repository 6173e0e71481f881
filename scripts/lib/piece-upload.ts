import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PieceBundle } from '../../protocol';

/**
 * Packing a piece folder with the real CLI and uploading the bundle as an artist would. Shared by
 * the tests (tests/support/pieces.ts) and the benches (bench/sync), which must not import each other.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
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

export type UploadReply = { status: number; body: Record<string, unknown> & { ok?: boolean; error?: { code: string; message: string } } };

/** POSTs a bundle (file bytes, raw text or a bundle object) to `${server.url}/api/pieces` with a bearer token. */
export async function uploadPiece(server: { url: string }, body: Buffer | string | PieceBundle, token: string | null, contentType = 'application/octet-stream'): Promise<UploadReply> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await fetch(`${server.url}/api/pieces`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof raw === 'string' ? raw : new Uint8Array(raw),
  });
  const json = (await res.json().catch(() => null)) as UploadReply['body'] | null;
  return { status: res.status, body: json ?? {} };
}
