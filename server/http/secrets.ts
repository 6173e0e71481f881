import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { replaceFileDurably } from '../persistence/durable';

export interface Secrets {
  adminToken: string;
  artistToken: string;
  sessionSecret: string;
  /** Tokens generated on this start, to print once. */
  generated: Array<'admin' | 'artist'>;
}

const token = () => crypto.randomBytes(24).toString('base64url');

/**
 * The name of the artist whose token is PAVILION_ARTIST_TOKEN (or artistToken in secrets.json):
 * PAVILION_ARTIST_NAME, default `artist`. Other artists get their own tokens in the control panel.
 */
export function firstArtistName(value: string | undefined): string {
  if (value === undefined || value === '') return 'artist';
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(value))
    throw new Error(`config: PAVILION_ARTIST_NAME '${value.slice(0, 64)}' must be 1–64 characters of a-z, 0-9 and "-", starting with a letter or digit (e.g. jane-doe)`);
  return value;
}

/** Tokens given by environment variable are at least this long: a short one is guessable. */
export const MIN_TOKEN_LENGTH = 24;

/**
 * Tokens come from PAVILION_ADMIN_TOKEN / PAVILION_ARTIST_TOKEN, else from <data>/secrets.json,
 * which the first start creates with owner-only permissions.
 */
export function loadSecrets(dataDir: string, env: { admin?: string | undefined; artist?: string | undefined }): Secrets {
  for (const [name, value] of [['PAVILION_ADMIN_TOKEN', env.admin], ['PAVILION_ARTIST_TOKEN', env.artist]] as const)
    if (value !== undefined && value.length < MIN_TOKEN_LENGTH)
      throw new Error(
        `config: ${name} is ${value.length} characters long; a token must have at least ${MIN_TOKEN_LENGTH} (make one with \`openssl rand -base64 24\`), or unset it to use the one in data/secrets.json`,
      );
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<Record<'adminToken' | 'artistToken' | 'sessionSecret', string>> = {};
  if (fs.existsSync(file)) {
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof stored;
    } catch {
      throw new Error(`secrets: ${file} is not valid JSON; delete it to generate new tokens`);
    }
  }
  const generated: Secrets['generated'] = [];
  const next = {
    adminToken: stored.adminToken ?? (env.admin ? undefined : (generated.push('admin'), token())),
    artistToken: stored.artistToken ?? (env.artist ? undefined : (generated.push('artist'), token())),
    sessionSecret: stored.sessionSecret ?? crypto.randomBytes(32).toString('base64url'),
  };
  if (generated.length || !stored.sessionSecret || !fs.existsSync(file)) {
    replaceFileDurably(file, JSON.stringify({ ...stored, ...Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) }, null, 2), { mode: 0o600 });
  }
  return {
    adminToken: env.admin || next.adminToken!,
    artistToken: env.artist || next.artistToken!,
    sessionSecret: next.sessionSecret,
    generated,
  };
}
