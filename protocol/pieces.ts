import { z } from 'zod';
import { Id } from './ids';
import { VERSION_PATTERN, VERSION_RULE } from './plain';

/**
 * A packed piece (`npm run pack-piece`): one JSON document, the `.pavilion` file an artist uploads
 * with `POST /api/pieces`. Each file is base64 with its SHA-256, so a damaged upload is caught.
 */
export const PIECE_BUNDLE_FORMAT = 'pavilion.piece/1';

export const PieceBundleFile = z.object({
  /** Relative POSIX path inside the bundle: module.js, manifest.json, assets/… */
  path: z.string().min(1).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256'),
  /** The file's bytes, base64. */
  data: z.string(),
});

export const PieceBundle = z.object({
  format: z.literal(PIECE_BUNDLE_FORMAT, { message: `must be "${PIECE_BUNDLE_FORMAT}"; make the bundle with npm run pack-piece` }),
  id: Id,
  version: z.string().regex(VERSION_PATTERN, VERSION_RULE),
  files: z.array(PieceBundleFile).min(2).max(256),
  /** Versions of the shared modules the piece was built against (three, react…), for warnings. */
  runtime: z.record(z.string().max(64), z.string().max(32)).optional(),
  builtAt: z.string().max(40).optional(),
});
export type PieceBundle = z.infer<typeof PieceBundle>;

/** POST /api/pieces/:id/rollback: a thin wrapper over the command piece.rollback. */
export const PieceRollback = z.object({ version: z.string().regex(VERSION_PATTERN, VERSION_RULE), live: z.boolean().optional() });

/** POST /api/artists: a new artist and their token (technician only). */
export const ArtistCreate = z.object({ name: Id });

/** One artist as GET /api/artists lists them (never their token). */
export interface ArtistInfo {
  name: string;
  /** panel: made in the control panel (revocable there); config: PAVILION_ARTIST_TOKEN or artistToken in data/secrets.json. */
  source: 'panel' | 'config';
  createdAt: number | null;
  /** When its token was revoked; null while it works. */
  revokedAt: number | null;
  /** Uploaded piece ids this artist owns. */
  pieces: string[];
}

/** Answer to POST /api/artists: the raw token, shown this once (only its hash is stored). */
export interface ArtistCreated {
  ok: true;
  artist: ArtistInfo;
  token: string;
}

/** One stored version of an uploaded piece (GET /api/pieces/:id/versions). */
export interface PieceVersionInfo {
  version: string;
  /** Show time (ms since the epoch) of the upload. */
  uploadedAt: number;
  uploadedBy: 'technician' | 'artist';
  /** The artist whose token uploaded it (absent for a technician's upload). */
  artist?: string;
  bytes: number;
  files: number;
  active: boolean;
  moduleUrl: string;
}

export interface PieceVersions {
  id: string;
  /** The artist who owns this id (first uploader, or who it was transferred to); only they (or a technician) may upload new versions. Null: technicians only. */
  owner: string | null;
  /** The version the next wall.play starts (show.pieces). */
  active: string;
  versions: PieceVersionInfo[];
}

/** Answer to a successful upload. */
export interface PieceUploaded {
  ok: true;
  id: string;
  version: string;
  moduleUrl: string;
  previewUrl: string;
  /** Version that was active before, if any (roll back to it with the command piece.rollback). */
  previous: string | null;
  /** Whether walls playing the piece switched to this version at once (`?live=1` by a technician); otherwise it plays from the next wall.play. */
  live: boolean;
  /** The artist who owns the id. */
  owner: string | null;
  warnings: string[];
}

export { SHARED_MODULES, RUNTIME_PREFIX, runtimeUrl, type SharedSpecifier } from './shared-modules';

/** Where an uploaded piece's files are served: /pieces/<id>/<version>/<path>. */
export function pieceFileUrl(id: string, version: string, file = 'module.js'): string {
  return `/pieces/${id}/${version}/${file}`;
}
