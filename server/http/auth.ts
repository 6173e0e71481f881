import crypto from 'node:crypto';
import { parseCookie } from 'cookie';
import { RevokedSessions } from './revoked-sessions';
import { AuthFailures, isForeignOrigin } from './auth-failures';
import type { ArtistTokens } from './artist-tokens';

export type Role = 'technician' | 'artist';
export const SESSION_COOKIE = 'pavilion_session';
const SESSION_HOURS = 24 * 14;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The credentials a request or a socket handshake presents, and where it comes from. */
export interface Credentials {
  /** The client's address (the limiter's key). */
  address: string;
  authorization?: string | undefined;
  cookie?: string | undefined;
  /** A token given directly: the sign-in form's, or a socket's `auth.token`. */
  token?: string | undefined;
  origin?: string | string[] | undefined;
  host?: string | undefined;
}

/** What the credentials make of a request: a role, a refusal, or nothing presented at all. */
export type Verdict =
  | { ok: true; role: Role; via: 'bearer' | 'token' | 'cookie'; sessionId: string | null; /** Who, for the artist role: their name. */ artist?: string }
  | { ok: false; code: 'unauthorized' | 'rate_limited' | 'foreign_origin'; retryAfterS?: number }
  | null;

export interface Auth {
  /**
   * Checks credentials once, for REST and sockets alike: a wrong token or a forged cookie counts
   * against the address (AuthFailures); a session cookie from another site's page is refused.
   */
  check(c: Credentials): Verdict;
  /** Whether a page at `origin` is another site's (see isForeignOrigin). */
  foreign(origin: string | string[] | undefined, host: string | undefined): boolean;
  /** Options of the session cookie: HttpOnly, SameSite=Strict, Secure when the server speaks TLS. */
  readonly cookieOptions: { httpOnly: true; sameSite: 'strict'; secure: boolean; path: '/'; maxAge: number };
  readonly failures: AuthFailures;
  roleOfToken(token: string | undefined | null): Role | null;
  /** Whose token this is: the technician, or an artist by name (each artist has their own token). */
  identify(token: string | undefined | null): { role: Role; artist?: string } | null;
  /** A signed session cookie; an artist's names them (by their token's key: revoking it ends the session). */
  issueSession(role: Role, now: number, artist?: string): string;
  /** The first session cookie of a Cookie header that this server signed (others may be planted: see check). */
  sessionIn(header: string | undefined): string | undefined;
  /** Ends a session for good (sign-out): its cookie is refused from now on, also after a restart. */
  revokeSession(value: string | undefined): { id: string; saved: boolean } | null;
}

export function createAuth(opts: {
  adminToken: string;
  artistToken: string;
  /** The artist whose token artistToken is (PAVILION_ARTIST_NAME, default `artist`). */
  artistName?: string;
  /** Artists' own tokens, made in the control panel (stored hashed). */
  artists?: ArtistTokens;
  sessionSecret: string;
  now: () => number;
  revokedFile?: string;
  /** Serve the session cookie with Secure (the server speaks TLS). */
  secureCookies?: boolean;
  /** Origins whose pages are this server's own besides its Host: the public URL, the dev server. */
  trustedOrigins?: readonly string[];
}): Auth {
  const sign = (body: string) => crypto.createHmac('sha256', opts.sessionSecret).update(body).digest('base64url');
  const revoked = new RevokedSessions(opts.revokedFile ?? null, opts.now);
  const firstArtist = opts.artistName ?? 'artist';
  /**
   * role.expiry.id.mac, checked: the signature, the role and the id (not its expiry). The role is
   * `technician`, `artist` (the first artist's) or `artist~<key>` (an artist made in the panel).
   */
  const parse = (value: string | undefined) => {
    if (!value) return null;
    const parts = value.split('.');
    if (parts.length !== 4) return null;
    const [role, expiry, id, mac] = parts as [string, string, string, string];
    if (!same(mac, sign(`${role}.${expiry}.${id}`))) return null;
    if (role === 'technician' || role === 'artist') return { role: role as Role, artistKey: null, expiry: Number(expiry), id };
    const key = /^artist~([A-Za-z0-9_-]{8,32})$/.exec(role)?.[1];
    return key ? { role: 'artist' as Role, artistKey: key, expiry: Number(expiry), id } : null;
  };
  const failures = new AuthFailures(opts.now);
  const auth: Auth = {
    failures,
    cookieOptions: { httpOnly: true, sameSite: 'strict', secure: opts.secureCookies ?? false, path: '/', maxAge: SESSION_HOURS * 3600 },
    foreign: (origin, host) => isForeignOrigin(origin, host, opts.trustedOrigins),
    check(c) {
      const bearer = /^Bearer\s+(.+)$/i.exec(c.authorization ?? '')?.[1]?.trim();
      const token = bearer ?? c.token;
      // Every session cookie the request carries: a page of the stage origin (same host name, and
      // cookies ignore ports) can plant its own before the real one (docs/security.md).
      const cookies = token === undefined ? readCookies(c.cookie, SESSION_COOKIE) : [];
      if (token === undefined && cookies.length === 0) return null;
      const wait = failures.retryAfterS(c.address);
      if (wait > 0) return { ok: false, code: 'rate_limited', retryAfterS: wait };
      if (token !== undefined) {
        const who = auth.identify(token);
        if (!who) {
          failures.fail(c.address); // a wrong or revoked token
          return { ok: false, code: 'unauthorized' };
        }
        return { ok: true, ...who, via: bearer !== undefined ? 'bearer' : 'token', sessionId: null };
      }
      const signed = cookies.map(parse).filter((x) => x !== null);
      if (signed.length === 0) {
        failures.fail(c.address); // forged cookies; an expired or signed-out one is no guess
        return { ok: false, code: 'unauthorized' };
      }
      const s = signed.find((x) => x.expiry > opts.now() && !revoked.has(x.id));
      if (!s) return { ok: false, code: 'unauthorized' };
      if (isForeignOrigin(c.origin, c.host, opts.trustedOrigins)) return { ok: false, code: 'foreign_origin' };
      if (s.role !== 'artist') return { ok: true, role: s.role, via: 'cookie', sessionId: s.id };
      const artist = s.artistKey === null ? firstArtist : (opts.artists?.nameOfKey(s.artistKey) ?? null);
      if (artist === null) return { ok: false, code: 'unauthorized' }; // the artist's token was revoked
      return { ok: true, role: 'artist', artist, via: 'cookie', sessionId: s.id };
    },
    roleOfToken(token) {
      return auth.identify(token)?.role ?? null;
    },
    identify(token) {
      if (!token) return null;
      const admin = same(token, opts.adminToken);
      const first = same(token, opts.artistToken);
      const own = opts.artists?.match(token) ?? null; // always asked: the time does not tell which matched
      if (admin) return { role: 'technician' };
      if (first) return { role: 'artist', artist: firstArtist };
      return own ? { role: 'artist', artist: own.name } : null;
    },
    issueSession(role, now, artist) {
      let tag: string = role;
      if (role === 'artist' && artist !== undefined && artist !== firstArtist) {
        const key = opts.artists?.keyOf(artist);
        if (!key) throw new Error(`auth: artist '${artist}' has no working token; no session for them`);
        tag = `artist~${key}`;
      }
      const body = `${tag}.${Math.floor(now + SESSION_HOURS * 3600_000)}.${crypto.randomBytes(12).toString('base64url')}`;
      return `${body}.${sign(body)}`;
    },
    sessionIn(header) {
      return readCookies(header, SESSION_COOKIE).find((v) => parse(v) !== null);
    },
    revokeSession(value) {
      const s = parse(value);
      if (!s) return null;
      return { id: s.id, saved: revoked.revoke(s.id, s.expiry) };
    },
  };
  return auth;
}

/**
 * One cookie from a Cookie header, parsed by the `cookie` package (the one @fastify/cookie uses).
 * A malformed header or value counts as no cookie: client input never throws here.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  try {
    return parseCookie(header)[name];
  } catch {
    return undefined;
  }
}

/**
 * Every value of one cookie in a Cookie header, in the header's order: a browser sends several
 * under one name when they differ in path or domain. Each `;`-separated pair is parsed on its own
 * by the `cookie` package; a malformed pair counts as none.
 */
export function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    try {
      const v = parseCookie(pair)[name];
      if (v !== undefined) values.push(v);
    } catch {
      /* a malformed pair is no cookie */
    }
  }
  return values;
}
