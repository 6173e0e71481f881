import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PieceBundle } from '../../protocol';
import { packFolder, uploadPiece, type UploadReply } from '../../scripts/lib/piece-upload';
import { ARTIST } from './server';

export { packFolder } from '../../scripts/lib/piece-upload';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'pieces');

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

/** Uploads a bundle as an artist (the fixture artist's token unless told otherwise). */
export function upload(app: { url: string }, body: Buffer | string | PieceBundle, token: string | null = ARTIST, contentType = 'application/octet-stream'): Promise<UploadReply> {
  return uploadPiece(app, body, token, contentType);
}

/** Uploads a bundle with `?live=1`: it asks to replace the version walls play now (honoured for a technician only). */
export async function uploadLive(app: { url: string }, body: Buffer | PieceBundle, token: string): Promise<UploadReply> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const res = await fetch(`${app.url}/api/pieces?live=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` },
    body: new Uint8Array(raw),
  });
  const json = (await res.json().catch(() => null)) as UploadReply['body'] | null;
  return { status: res.status, body: json ?? {} };
}

/** A copy of a bundle under another piece id (manifest and bundle), at `version` if given. */
export function asPiece(b: PieceBundle, id: string, version?: string): PieceBundle {
  return { ...rebundle(b, { ...(version ? { version } : {}), manifest: (m) => ({ ...m, id }) }), id };
}
