import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fail } from '../../protocol';

/**
 * The shared media in the top-level assets/ folder (fonts, calibration patterns), served at
 * /assets/<path>. Only the files that assets/manifest.json lists are served, looked up by exact
 * path: a URL never becomes a file-system path, so nothing outside the list (no directory listing,
 * no `..`) can be reached. GET /assets/manifest.json gives the list with each file's size and
 * SHA-256, for a service worker to precache. `npm run assets` rewrites the manifest.
 */

/** The repository's assets/ folder. */
export const ASSETS_DIR = path.resolve(import.meta.dirname, '..', '..', 'assets');
export const MANIFEST_FILE = 'manifest.json';

/** Content types by extension. A file of any other type cannot be listed: add its type here. */
export const ASSET_TYPES: Readonly<Record<string, string>> = {
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ktx2': 'image/ktx2',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const AssetEntry = z.object({
  path: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  type: z.string().min(1),
});
const AssetManifest = z.object({ format: z.literal(1), files: z.array(AssetEntry) });
export type AssetEntry = z.infer<typeof AssetEntry>;
export type AssetManifest = z.infer<typeof AssetManifest>;

/** Files that are the folder's own documentation or index, never served. */
const unlisted = (rel: string) => rel === MANIFEST_FILE || rel.endsWith('.md') || rel.split('/').some((p) => p.startsWith('.'));

function entryOf(dir: string, rel: string): AssetEntry {
  const type = ASSET_TYPES[path.extname(rel).toLowerCase()];
  if (!type) throw new Error(`assets: no content type for '${rel}'; add its extension to ASSET_TYPES in server/http/assets.ts, or remove the file`);
  const data = fs.readFileSync(path.join(dir, rel));
  return { path: rel, bytes: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), type };
}

/** Every servable file under `dir` (POSIX paths, sorted), with its size, hash and type. */
export function scanAssets(dir: string = ASSETS_DIR): AssetManifest {
  const rels: string[] = [];
  const walk = (sub: string) => {
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile() && !unlisted(rel)) rels.push(rel);
    }
  };
  walk('');
  rels.sort();
  return { format: 1, files: rels.map((rel) => entryOf(dir, rel)) };
}

/** The manifest as `npm run assets` writes it (stable, one file per line). */
export function formatManifest(m: AssetManifest): string {
  return `{\n  "format": ${m.format},\n  "files": [\n${m.files.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]\n}\n`;
}

/** Reads assets/manifest.json; throws saying what is wrong and how to fix it. */
export function readAssetManifest(dir: string = ASSETS_DIR): AssetManifest {
  const file = path.join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`assets: cannot read ${file} (${(e as Error).message}); run \`npm run assets\` to write it`);
  }
  const parsed = AssetManifest.safeParse(raw);
  if (!parsed.success) throw new Error(`assets: ${file} is malformed (${parsed.error.issues[0]?.message}); run \`npm run assets\` to rewrite it`);
  return parsed.data;
}

interface Logger {
  warn(obj: object, msg: string): void;
}

/**
 * The files the server will serve: those the manifest lists that are on disk as listed. A listed
 * file that is missing or changed since the manifest was written is logged and left out (its
 * hash would lie to a service worker); so is a file on disk that the manifest does not list.
 */
export function verifiedAssets(dir: string, log: Logger): AssetManifest {
  let manifest: AssetManifest;
  try {
    manifest = readAssetManifest(dir);
  } catch (e) {
    log.warn({ dir }, (e as Error).message);
    return { format: 1, files: [] };
  }
  const onDisk = new Map(scanAssets(dir).files.map((f) => [f.path, f]));
  const files: AssetEntry[] = [];
  for (const listed of manifest.files) {
    const found = onDisk.get(listed.path);
    onDisk.delete(listed.path);
    if (found && found.sha256 === listed.sha256 && found.bytes === listed.bytes) files.push(found);
    else log.warn({ file: listed.path }, `assets: '${listed.path}' is ${found ? 'changed' : 'missing'} since ${MANIFEST_FILE} was written; not serving it. Run \`npm run assets\``);
  }
  for (const stray of onDisk.keys()) log.warn({ file: stray }, `assets: '${stray}' is not in ${MANIFEST_FILE}; not serving it. Run \`npm run assets\``);
  return { format: 1, files };
}

/** One hour in every cache, then revalidated by ETag (the content hash): file names carry no hash. */
export const ASSET_CACHE_CONTROL = 'public, max-age=3600';

/** Registers GET /assets/manifest.json and GET /assets/<listed path>. */
export async function registerAssets(app: FastifyInstance, opts: { dir?: string; log?: Logger } = {}): Promise<void> {
  const dir = opts.dir ?? ASSETS_DIR;
  const manifest = verifiedAssets(dir, opts.log ?? app.log);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const manifestJson = JSON.stringify(manifest);

  app.get(`/assets/${MANIFEST_FILE}`, async (_req, reply) => reply.header('Cache-Control', 'no-cache').type('application/json; charset=utf-8').send(manifestJson));
  app.get('/assets/*', async (req, reply) => {
    const rel = (req.params as { '*': string })['*'];
    const entry = byPath.get(rel);
    if (!entry) return reply.code(404).send(fail('not_found', `no asset '${rel}'; GET /assets/${MANIFEST_FILE} lists them all`));
    const etag = `"${entry.sha256.slice(0, 32)}"`;
    void reply.header('Cache-Control', ASSET_CACHE_CONTROL).header('ETag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(entry.type).header('Content-Length', entry.bytes).send(fs.createReadStream(path.join(dir, ...entry.path.split('/'))));
  });
}
