import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from 'pino';
import { ID_PATTERN, VERSION_PATTERN, pieceFileUrl, type ErrorCode, type PieceSummary } from '../../protocol';
import { readManifest, toSummary, type PieceCatalog } from './catalog';
import { unsafePath, type ParsedBundle } from './bundle';
import { runtimeWarnings } from './runtime-versions';
import { renameDurably, replaceFileDurably, writeFileSynced } from '../persistence/durable';

/**
 * <data>/pieces/<id>/piece.json: the artist who first uploaded the id, the latest upload, the kept
 * versions. Which version wall.play starts, and the owner after a transfer, are in the show
 * (show.pieces: commands piece.add, piece.rollback, piece.transfer; see ./current.ts).
 */
const PieceRecord = z.object({
  id: z.string().regex(ID_PATTERN),
  /** The manifest's `artist` of the first upload: a credit, not an identity. */
  owner: z.string().min(1).max(120),
  /** The artist (by the name their token carries) who first uploaded the id; null: a technician. Absent in records written before artists had their own tokens. */
  ownedBy: z.string().regex(ID_PATTERN).nullable().optional(),
  /** The latest upload. */
  active: z.string().regex(VERSION_PATTERN),
  versions: z.array(
    z.object({
      version: z.string().regex(VERSION_PATTERN),
      uploadedAt: z.number(),
      uploadedBy: z.enum(['technician', 'artist']),
      artist: z.string().regex(ID_PATTERN).optional(),
      bytes: z.number().int().nonnegative(),
      files: z.number().int().nonnegative(),
    }),
  ),
});
type PieceRecord = z.infer<typeof PieceRecord>;

/** Who uploads: the technician, or an artist by the name their token carries. */
export type Uploader = { role: 'technician' } | { role: 'artist'; artist: string };
type Result<T extends object> = ({ ok: true } & T) | { ok: false; code: ErrorCode; message: string };

/** What is stored of one uploaded piece. */
export interface StoredPiece {
  id: string;
  /** Who first uploaded it (null: a technician). */
  firstOwner: string | null;
  latest: string;
  versions: Array<PieceRecord['versions'][number]>;
}

export interface PieceStore {
  /**
   * Stores a validated bundle as a new version (durably) and nothing more: which version plays is
   * the show's (the caller records piece.add). Versions beyond the kept number are removed, oldest
   * first, except those in `inUse`.
   */
  accept(bundle: ParsedBundle, by: Uploader, inUse?: ReadonlySet<string>): Result<{ warnings: string[] }>;
  /** Removes a version just stored whose piece.add could not be recorded. */
  discard(id: string, version: string): void;
  get(id: string): StoredPiece | undefined;
  all(): StoredPiece[];
  /** The summary of one kept version (its own moduleUrl), or undefined. */
  summary(id: string, version: string): PieceSummary | undefined;
  /** Puts a kept version in the catalog as the piece's current one. */
  announce(id: string, version: string): boolean;
  /** Absolute path of a stored file, or null when it does not exist or the request is unsafe. */
  filePath(id: string, version: string, rel: string): string | null;
}

/**
 * Uploaded pieces on disk: <dir>/<id>/<version>/ holds the files exactly as uploaded (written to
 * <dir>/.incoming first, then renamed into place: a crash never leaves half a version), and
 * <dir>/<id>/piece.json the first uploader, the latest upload and the kept versions. On start,
 * each piece's latest version is put back in the catalog, until the show names another
 * (./current.ts follows show.pieces).
 */
export function createPieceStore(opts: {
  dir: string;
  catalog: PieceCatalog;
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => number;
  runtime: Record<string, string>;
  keepVersions?: number;
  /** Owner of pieces uploaded before artists had their own tokens: the first artist (PAVILION_ARTIST_NAME). */
  legacyOwner: string;
}): PieceStore {
  const { dir, catalog, logger } = opts;
  const summaries = new Map<string, PieceSummary>();
  const keep = Math.max(2, opts.keepVersions ?? 10);
  const records = new Map<string, PieceRecord>();
  const incoming = path.join(dir, '.incoming');
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(incoming, { recursive: true, force: true });

  const versionDir = (id: string, version: string) => path.join(dir, id, version);
  const moduleUrl = (id: string, version: string) => pieceFileUrl(id, version);

  function summary(id: string, version: string): Result<{ summary: PieceSummary }> {
    const key = `${id}@${version}`;
    const cached = summaries.get(key);
    if (cached) return { ok: true, summary: cached };
    const res = readManifest(path.join(versionDir(id, version), 'manifest.json'), id);
    if (!res.ok) return { ok: false, code: 'internal', message: res.message };
    const s = toSummary(res.manifest, 'uploaded', moduleUrl(id, version));
    summaries.set(key, s);
    return { ok: true, summary: s };
  }

  function announce(id: string, version: string): Result<object> {
    const res = summary(id, version);
    if (!res.ok) return res;
    if (catalog.get(id) !== res.summary) catalog.put(res.summary);
    return { ok: true };
  }

  const stored = (rec: PieceRecord): StoredPiece => ({
    id: rec.id,
    firstOwner: rec.ownedBy === undefined ? opts.legacyOwner : rec.ownedBy,
    latest: rec.active,
    versions: [...rec.versions].sort((a, b) => b.uploadedAt - a.uploadedAt),
  });

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

  return {
    accept(bundle, by, inUse = new Set<string>()) {
      const { id, version, manifest } = bundle;
      if (catalog.get(id)?.source === 'bundled')
        return { ok: false, code: 'conflict', message: `'${id}' is a piece built into Pavilion; an upload cannot replace it. Give your piece another id (folder name and manifest "id")` };
      const rec = records.get(id);
      // Who may upload this id is decided by the caller, from the show's owner (./current.ts).
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

      const info = { version, uploadedAt: opts.now(), uploadedBy: by.role, ...(by.role === 'artist' ? { artist: by.artist } : {}), bytes: bundle.totalBytes, files: bundle.files.length };
      const all = [...(rec?.versions ?? []), info].sort((a, b) => b.uploadedAt - a.uploadedAt);
      // Versions a wall plays or the show names stay, however many there are.
      const kept = all.filter((v, i) => i < keep || inUse.has(v.version));
      const dropped = all.filter((v) => !kept.includes(v));
      const next: PieceRecord = {
        id,
        owner: rec?.owner ?? manifest.artist,
        ownedBy: rec ? (rec.ownedBy === undefined ? opts.legacyOwner : rec.ownedBy) : by.role === 'artist' ? by.artist : null,
        active: version,
        versions: kept,
      };
      try {
        replaceFileDurably(path.join(dir, id, 'piece.json'), `${JSON.stringify(next, null, 2)}\n`);
      } catch (e) {
        fs.rmSync(versionDir(id, version), { recursive: true, force: true });
        return { ok: false, code: 'internal', message: `the piece could not be recorded in the data directory (${(e as Error).message}); check disk space and permissions` };
      }
      records.set(id, next);
      for (const old of dropped) {
        fs.rmSync(versionDir(id, old.version), { recursive: true, force: true });
        summaries.delete(`${id}@${old.version}`);
      }
      const read = summary(id, version);
      if (!read.ok) return read;
      logger.info({ id, version, by: by.role, ...(by.role === 'artist' ? { artist: by.artist } : {}), bytes: bundle.totalBytes }, 'pieces: uploaded');
      return { ok: true, warnings: runtimeWarnings(bundle.runtime, opts.runtime) };
    },

    discard(id, version) {
      const rec = records.get(id);
      if (!rec) return;
      const versions = rec.versions.filter((v) => v.version !== version);
      summaries.delete(`${id}@${version}`);
      try {
        if (!versions.length) {
          fs.rmSync(path.join(dir, id), { recursive: true, force: true });
          records.delete(id);
          return;
        }
        const latest = [...versions].sort((a, b) => b.uploadedAt - a.uploadedAt)[0]!.version;
        const next = { ...rec, active: latest, versions };
        replaceFileDurably(path.join(dir, id, 'piece.json'), `${JSON.stringify(next, null, 2)}\n`);
        records.set(id, next);
        fs.rmSync(versionDir(id, version), { recursive: true, force: true });
      } catch (e) {
        logger.warn(`pieces: '${id}' ${version} could not be removed after its upload failed (${(e as Error).message}); it stays on disk, unused`);
      }
    },

    get(id) {
      const rec = records.get(id);
      return rec ? stored(rec) : undefined;
    },

    all() {
      return [...records.values()].sort((a, b) => a.id.localeCompare(b.id)).map(stored);
    },

    summary(id, version) {
      if (!records.get(id)?.versions.some((v) => v.version === version)) return undefined;
      const res = summary(id, version);
      return res.ok ? res.summary : undefined;
    },

    announce(id, version) {
      const res = announce(id, version);
      if (!res.ok) logger.warn(`pieces: uploaded piece '${id}' ${version} cannot be played: ${res.message}`);
      return res.ok;
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
