import type { Socket } from 'socket.io';
import { SESSION_COOKIE, readCookie, type Auth, type Role } from '../http/auth';

/** socket.io middleware: refuses a connection whose token or session is not of one of `roles`. */
export function requireRole(auth: Auth, roles: Role[]) {
  return (socket: Socket, next: (err?: Error) => void) => {
    try {
      check(socket, next);
    } catch {
      // Whatever a handshake carries, it never stops the process: a failure here is a refusal.
      next(Object.assign(new Error('unauthorized: the handshake could not be read; sign in again'), { data: { code: 'unauthorized' } }));
    }
  };
  function check(socket: Socket, next: (err?: Error) => void): void {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const role = typeof token === 'string' ? auth.roleOfToken(token) : auth.roleOf({ cookie: socket.handshake.headers.cookie });
    if (role && roles.includes(role)) {
      const data = socket.data as { role?: Role; sessionId?: string | null };
      data.role = role;
      // Signing out closes the sockets of that session (closeSession in control.ts).
      data.sessionId = typeof token === 'string' ? null : auth.sessionId(readCookie(socket.handshake.headers.cookie, SESSION_COOKIE));
      return next();
    }
    const err = new Error(
      role
        ? `forbidden: the ${role} role cannot use this channel; sign in with the technician token`
        : 'unauthorized: sign in with the technician token (PAVILION_ADMIN_TOKEN or data/secrets.json)',
    ) as Error & { data?: unknown };
    err.data = { code: role ? 'forbidden' : 'unauthorized' };
    next(err);
  }
}
