import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from 'pino';
import { ID_PATTERN, VERSION_PATTERN, pieceFileUrl, type ErrorCode, type PieceVersions } from '../../protocol';
import { readManifest, toSummary, type PieceCatalog } from './catalog';
import { unsafePath, type ParsedBundle } from './bundle';
import { runtimeWarnings } from './runtime-versions';
import { renameDurably, replaceFileDurably, writeFileSynced } from '../persistence/durable';

/** <data>/pieces/<id>/piece.json: who owns the id, which version plays, which are kept. */
const PieceRecord = z.object({
  id: z.string().regex(ID_PATTERN),
  owner: z.string().min(1).max(120),
  active: z.string().regex(VERSION_PATTERN),
  versions: z.array(
    z.object({
      version: z.string().regex(VERSION_PATTERN),
      uploadedAt: z.number(),
      uploadedBy: z.enum(['technician', 'artist']),
      bytes: z.number().int().nonnegative(),
      files: z.number().int().nonnegative(),
    }),
  ),
});
type PieceRecord = z.infer<typeof PieceRecord>;

export type UploadRole = 'technician' | 'artist';
type Result<T extends object> = ({ ok: true } & T) | { ok: false; code: ErrorCode; message: string };

export interface PieceStore {
  /** Stores a validated bundle as a new version, makes it active and announces it. */
  accept(bundle: ParsedBundle, by: UploadRole): Result<{ previous: string | null; warnings: string[] }>;
  /** Makes a kept version the one that plays (roll back, or forward again). */
  activate(id: string, version: string): Result<{ previous: string }>;
  versions(id: string): PieceVersions | undefined;
  list(): PieceVersions[];
  /** Absolute path of a stored file, or null when it does not exist or the request is unsafe. */
  filePath(id: string, version: string, rel: string): string | null;
}

const norm = (s: string) => s.trim().toLowerCase();

/**
 * Uploaded pieces on disk: <dir>/<id>/<version>/ holds the files exactly as uploaded (written to
 * <dir>/.incoming first, then renamed into place: a crash never leaves half a version), and
 * <dir>/<id>/piece.json the owner and the active version. On start, every active version is put
 * back in the catalog.
 */
export function createPieceStore(opts: {
  dir: string;
  catalog: PieceCatalog;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  runtime: Record<string, string>;
  keepVersions?: number;
}): PieceStore {
  const { dir, catalog, logger } = opts;
  const keep = Math.max(2, opts.keepVersions ?? 10);
  const records = new Map<string, PieceRecord>();
  const incoming = path.join(dir, '.incoming');
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(incoming, { recursive: true, force: true });

  const versionDir = (id: string, version: string) => path.join(dir, id, version);
  const moduleUrl = (id: string, version: string) => pieceFileUrl(id, version);

  function announce(id: string, version: string): Result<object> {
    const res = readManifest(path.join(versionDir(id, version), 'manifest.json'), id);
    if (!res.ok) return { ok: false, code: 'internal', message: res.message };
    catalog.put(toSummary(res.manifest, 'uploaded', moduleUrl(id, version)));
    return { ok: true };
  }

  // Re-register what earlier runs stored.
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !ID_PATTERN.test(entry.name)) continue;
    const file = path.join(dir, entry.name, 'piece.json');
    let rec: PieceRecord;
    try {
      rec = PieceRecord.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (e) {
      logger.warn(`pieces: skipping uploaded piece in ${path.join(dir, entry.name)}: ${file} is missing or damaged (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    if (rec.id !== entry.name) continue;
    if (catalog.get(rec.id)?.source === 'bundled') {
      logger.warn(`pieces: uploaded piece '${rec.id}' is shadowed by the bundled piece of the same id; it is not played`);
      continue;
    }
    records.set(rec.id, rec);
    const res = announce(rec.id, rec.active);
    if (!res.ok) logger.warn(`pieces: uploaded piece '${rec.id}' ${rec.active} cannot be played: ${res.message}`);
  }
  if (records.size) logger.info({ pieces: [...records.keys()] }, 'pieces: uploaded pieces restored');

  function view(rec: PieceRecord): PieceVersions {
    return {
      id: rec.id,
      owner: rec.owner,
      active: rec.active,
      versions: [...rec.versions]
        .sort((a, b) => b.uploadedAt - a.uploadedAt)
        .map((v) => ({ ...v, active: v.version === rec.active, moduleUrl: moduleUrl(rec.id, v.version) })),
    };
  }

  return {
    accept(bundle, by) {
      const { id, version, manifest } = bundle;
      if (catalog.get(id)?.source === 'bundled')
        return { ok: false, code: 'conflict', message: `'${id}' is a piece built into Pavilion; an upload cannot replace it. Give your piece another id (folder name and manifest "id")` };
      const rec = records.get(id);
      if (rec && by !== 'technician' && norm(rec.owner) !== norm(manifest.artist))
        return {
          ok: false,
          code: 'forbidden',
          message: `the piece '${id}' belongs to ${rec.owner}; only they (or the technician) may upload new versions of it. Give your piece another id`,
        };
      if (rec?.versions.some((v) => v.version === version)) {
        const [a, b, c] = version.split('.').map(Number) as [number, number, number];
        return { ok: false, code: 'conflict', message: `version ${version} of '${id}' is already installed; raise "version" in manifest.json (e.g. ${a}.${b}.${c + 1}) and pack again` };
      }

      // Write everything aside, then move it into place in one rename.
      const tmp = path.join(incoming, `${id}-${version}-${crypto.randomBytes(6).toString('hex')}`);
      try {
        for (const f of bundle.files) {
          if (unsafePath(f.path)) throw new Error(`unsafe path ${f.path}`); // parseBundle refused these already
          const target = path.join(tmp, ...f.path.split('/'));
          if (!target.startsWith(tmp + path.sep)) throw new Error(`unsafe path ${f.path}`);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          writeFileSynced(target, f.data);
        }
        fs.mkdirSync(path.join(dir, id), { recursive: true });
        const final = versionDir(id, version);
        fs.rmSync(final, { recursive: true, force: true }); // leftover of a crash before piece.json was written
        renameDurably(tmp, final);
      } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        return { ok: false, code: 'internal', message: `the piece could not be stored in the data directory (${(e as Error).message}); check disk space and permissions` };
      }

      const info = { version, uploadedAt: opts.now(), uploadedBy: by, bytes: bundle.totalBytes, files: bundle.files.length };
      const all = [...(rec?.versions ?? []), info].sort((a, b) => b.uploadedAt - a.uploadedAt);
      const kept = all.slice(0, keep);
      for (const old of all.slice(keep)) fs.rmSync(versionDir(id, old.version), { recursive: true, force: true });
      const next: PieceRecord = { id, owner: rec?.owner ?? manifest.artist, active: version, versions: kept };
      try {
        replaceFileDurably(path.join(dir, id, 'piece.json'), `${JSON.stringify(next, null, 2)}\n`);
      } catch (e) {
        return { ok: false, code: 'internal', message: `the piece could not be recorded in the data directory (${(e as Error).message}); check disk space and permissions` };
      }
      records.set(id, next);
      const announced = announce(id, version);
      if (!announced.ok) return announced;
      logger.info({ id, version, by, bytes: bundle.totalBytes }, 'pieces: uploaded');
      return { ok: true, previous: rec?.active ?? null, warnings: runtimeWarnings(bundle.runtime, opts.runtime) };
    },

    activate(id, version) {
      const rec = records.get(id);
      if (!rec) return { ok: false, code: 'unknown_installation', message: `there is no uploaded piece '${id}'; GET /api/pieces lists them` };
      if (!rec.versions.some((v) => v.version === version))
        return { ok: false, code: 'not_found', message: `piece '${id}' has no version ${version}; kept versions: ${rec.versions.map((v) => v.version).join(', ')}` };
      const previous = rec.active;
      const next = { ...rec, active: version };
      replaceFileDurably(path.join(dir, id, 'piece.json'), `${JSON.stringify(next, null, 2)}\n`);
      records.set(id, next);
      const announced = announce(id, version);
      if (!announced.ok) return announced;
      logger.info({ id, version, previous }, 'pieces: active version changed');
      return { ok: true, previous };
    },

    versions(id) {
      const rec = records.get(id);
      return rec ? view(rec) : undefined;
    },

    list() {
      return [...records.values()].sort((a, b) => a.id.localeCompare(b.id)).map(view);
    },

    filePath(id, version, rel) {
      if (!ID_PATTERN.test(id) || !VERSION_PATTERN.test(version) || unsafePath(rel)) return null;
      if (!records.get(id)?.versions.some((v) => v.version === version)) return null;
      const file = path.join(versionDir(id, version), ...rel.split('/'));
      try {
        return fs.statSync(file).isFile() ? file : null;
      } catch {
        return null;
      }
    },
  };
}
