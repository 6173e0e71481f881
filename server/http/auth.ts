import crypto from 'node:crypto';

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
}

export function createAuth(opts: { adminToken: string; artistToken: string; sessionSecret: string; now: () => number }): Auth {
  const sign = (body: string) => crypto.createHmac('sha256', opts.sessionSecret).update(body).digest('base64url');
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
      const body = `${role}.${Math.floor(now + SESSION_HOURS * 3600_000)}`;
      return `${body}.${sign(body)}`;
    },
    verifySession(value, now) {
      if (!value) return null;
      const parts = value.split('.');
      if (parts.length !== 3) return null;
      const [role, expiry, mac] = parts as [string, string, string];
      if (!same(mac, sign(`${role}.${expiry}`))) return null;
      if (!(Number(expiry) > now)) return null;
      return role === 'technician' || role === 'artist' ? role : null;
    },
  };
  return auth;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}
