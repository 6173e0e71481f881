import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { ID_PATTERN, ID_RULE, type ErrorCode } from '../../protocol';
import { replaceFileDurably } from '../persistence/durable';

/**
 * One token per artist, made by a technician in the control panel. Only the SHA-256 of each token
 * is kept, in `<data>/artists.json` (owner-only, written durably): the raw token is shown once, at
 * creation, and never stored, logged, put in the show or exported. A token is 32 random bytes, so
 * a plain hash is enough (nothing to brute-force); hashes are compared in constant time.
 *
 * The first artist is not here: PAVILION_ARTIST_TOKEN (or artistToken in data/secrets.json) is the
 * token of the artist named by PAVILION_ARTIST_NAME (default `artist`); see server/http/auth.ts.
 */
const Stored = z.object({
  format: z.literal('pavilion.artists/1'),
  artists: z.array(
    z.object({
      /** Random; a session cookie names its artist by this, so a re-issued name is another artist. */
      key: z.string().regex(/^[A-Za-z0-9_-]{8,32}$/),
      name: z.string().regex(ID_PATTERN),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      createdAt: z.number(),
      revokedAt: z.number().nullable(),
    }),
  ),
});
type Record_ = z.infer<typeof Stored>['artists'][number];

export interface ArtistEntry {
  name: string;
  key: string;
  createdAt: number;
  revokedAt: number | null;
}

type Result<T extends object> = ({ ok: true } & T) | { ok: false; code: ErrorCode; message: string };

export interface ArtistTokens {
  /** Every artist made in the panel, revoked ones too (never a hash). */
  list(): ArtistEntry[];
  /** Makes an artist and their token; saved durably before it answers. */
  create(name: string): Result<{ artist: ArtistEntry; token: string }>;
  /** Revokes an artist's token (and their sessions); saved durably before it answers. */
  revoke(name: string): Result<{ artist: ArtistEntry }>;
  /** The artist whose token this is, or null. Constant time over the tokens. */
  match(token: string): { name: string; key: string } | null;
  /** The artist a session names by key, or null when revoked or unknown. */
  nameOfKey(key: string): string | null;
  /** The key of the artist of that name whose token works now, or null. */
  keyOf(name: string): string | null;
}

const hash = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest();

/** Raw tokens carry a prefix, so that one found in a log or a paste is recognised for what it is. */
export const ARTIST_TOKEN_PREFIX = 'pva_';

export function createArtistTokens(opts: { file: string | null; now: () => number; reserved: string[] }): ArtistTokens {
  let records: Record_[] = [];
  if (opts.file && fs.existsSync(opts.file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(opts.file, 'utf8'));
    } catch {
      raw = null;
    }
    const parsed = Stored.safeParse(raw);
    if (!parsed.success)
      throw new Error(`artists: ${opts.file} is damaged; restore it from a backup, or move it away to start with no artist tokens (the technician makes new ones in the control panel)`);
    records = parsed.data.artists;
  }

  function save(next: Record_[]): string | null {
    if (!opts.file) return null;
    try {
      replaceFileDurably(opts.file, `${JSON.stringify({ format: 'pavilion.artists/1', artists: next }, null, 2)}\n`, { mode: 0o600 });
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      return `the artist list could not be saved to the data directory (${code}); check disk space and permissions, then retry`;
    }
  }
  const entry = (r: Record_): ArtistEntry => ({ name: r.name, key: r.key, createdAt: r.createdAt, revokedAt: r.revokedAt });
  const active = (name: string) => records.find((r) => r.name === name && r.revokedAt === null);

  return {
    list: () => records.map(entry),
    create(name) {
      if (!ID_PATTERN.test(name)) return { ok: false, code: 'bad_request', message: `the artist name '${name.slice(0, 64)}' ${ID_RULE}` };
      if (opts.reserved.includes(name))
        return { ok: false, code: 'conflict', message: `'${name}' is the artist of PAVILION_ARTIST_TOKEN (PAVILION_ARTIST_NAME); pick another name` };
      if (active(name)) return { ok: false, code: 'conflict', message: `artist '${name}' has a token already; revoke it first to issue a new one` };
      const token = `${ARTIST_TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
      const rec: Record_ = { key: crypto.randomBytes(12).toString('base64url'), name, sha256: hash(token).toString('hex'), createdAt: opts.now(), revokedAt: null };
      const problem = save([...records, rec]);
      if (problem) return { ok: false, code: 'internal', message: `artist '${name}' was not made: ${problem}` };
      records = [...records, rec];
      return { ok: true, artist: entry(rec), token };
    },
    revoke(name) {
      const rec = active(name);
      if (!rec) return { ok: false, code: 'not_found', message: `artist '${name.slice(0, 64)}' has no working token; GET /api/artists lists them` };
      const done = { ...rec, revokedAt: opts.now() };
      const next = records.map((r) => (r === rec ? done : r));
      const problem = save(next);
      if (problem) return { ok: false, code: 'internal', message: `the token of '${name}' still works: ${problem}` };
      records = next;
      return { ok: true, artist: entry(done) };
    },
    match(token) {
      const h = hash(token);
      let found: Record_ | null = null;
      // Every working hash is compared, whatever matched: the time does not depend on which.
      for (const r of records) {
        if (r.revokedAt !== null) continue;
        if (crypto.timingSafeEqual(h, Buffer.from(r.sha256, 'hex')) && !found) found = r;
      }
      return found ? { name: found.name, key: found.key } : null;
    },
    nameOfKey(key) {
      return records.find((r) => r.key === key && r.revokedAt === null)?.name ?? null;
    },
    keyOf(name) {
      return active(name)?.key ?? null;
    },
  };
}
