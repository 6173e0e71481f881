import crypto from 'node:crypto';
import { parseCookie } from 'cookie';
import { RevokedSessions } from './revoked-sessions';

export type Role = 'technician' | 'artist';
export const SESSION_COOKIE = 'pavilion_session';
const SESSION_HOURS = 24 * 14;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export interface Auth {
  roleOfToken(token: string | undefined | null): Role | null;
  /** Role from an `Authorization: Bearer` header or the session cookie. */
  roleOf(headers: { authorization?: string | undefined; cookie?: string | undefined }): Role | null;
  issueSession(role: Role, now: number): string;
  verifySession(value: string | undefined, now: number): Role | null;
  /** The id of a valid session cookie, or null. */
  sessionId(value: string | undefined): string | null;
  /** Ends a session for good (sign-out): its cookie is refused from now on, also after a restart. */
  revokeSession(value: string | undefined): { id: string; saved: boolean } | null;
}

export function createAuth(opts: { adminToken: string; artistToken: string; sessionSecret: string; now: () => number; revokedFile?: string }): Auth {
  const sign = (body: string) => crypto.createHmac('sha256', opts.sessionSecret).update(body).digest('base64url');
  const revoked = new RevokedSessions(opts.revokedFile ?? null, opts.now);
  /** role.expiry.id.mac, checked: the signature, the role and the id (not its expiry). */
  const parse = (value: string | undefined) => {
    if (!value) return null;
    const parts = value.split('.');
    if (parts.length !== 4) return null;
    const [role, expiry, id, mac] = parts as [string, string, string, string];
    if (!same(mac, sign(`${role}.${expiry}.${id}`))) return null;
    if (role !== 'technician' && role !== 'artist') return null;
    return { role: role as Role, expiry: Number(expiry), id };
  };
  const auth: Auth = {
    roleOfToken(token) {
      if (!token) return null;
      if (same(token, opts.adminToken)) return 'technician';
      if (same(token, opts.artistToken)) return 'artist';
      return null;
    },
    roleOf(headers) {
      const m = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
      if (m) return auth.roleOfToken(m[1]!.trim());
      return auth.verifySession(readCookie(headers.cookie, SESSION_COOKIE), opts.now());
    },
    issueSession(role, now) {
      const body = `${role}.${Math.floor(now + SESSION_HOURS * 3600_000)}.${crypto.randomBytes(12).toString('base64url')}`;
      return `${body}.${sign(body)}`;
    },
    verifySession(value, now) {
      const s = parse(value);
      if (!s || !(s.expiry > now) || revoked.has(s.id)) return null;
      return s.role;
    },
    sessionId(value) {
      const s = parse(value);
      return s && !revoked.has(s.id) ? s.id : null;
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
