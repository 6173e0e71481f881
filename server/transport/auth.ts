import type { Socket } from 'socket.io';
import type { Auth, Role } from '../http/auth';

/** socket.io middleware: refuses a connection whose token or session is not of one of `roles`. */
export function requireRole(auth: Auth, roles: Role[]) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const role = typeof token === 'string' ? auth.roleOfToken(token) : auth.roleOf({ cookie: socket.handshake.headers.cookie });
    if (role && roles.includes(role)) {
      (socket.data as { role?: Role }).role = role;
      return next();
    }
    const err = new Error(
      role
        ? `forbidden: the ${role} role cannot use this channel; sign in with the technician token`
        : 'unauthorized: sign in with the technician token (PAVILION_ADMIN_TOKEN or data/secrets.json)',
    ) as Error & { data?: unknown };
    err.data = { code: role ? 'forbidden' : 'unauthorized' };
    next(err);
  };
}
