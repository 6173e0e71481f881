import type { Socket } from 'socket.io';
import type { Auth, Role } from '../http/auth';
import { tooManyFailures } from '../http/auth-failures';
import { clientAddress } from './addresses';

/**
 * socket.io middleware: refuses a connection whose token or session is not of one of `roles`.
 * Wrong credentials count against the client's address as REST counts it: behind `trustProxy`
 * reverse proxies (hops), the forwarded one (transport/addresses.ts).
 */
export function requireRole(auth: Auth, roles: Role[], trustProxy = 0) {
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
    const h = socket.handshake.headers;
    const verdict = auth.check({
      address: trustProxy > 0 ? clientAddress(socket.request, trustProxy) : socket.handshake.address,
      token: typeof token === 'string' ? token : undefined,
      cookie: h.cookie,
      origin: h.origin,
      host: h.host,
    });
    if (verdict?.ok && roles.includes(verdict.role)) {
      const data = socket.data as { role?: Role; sessionId?: string | null };
      data.role = verdict.role;
      // Signing out closes the sockets of that session (closeSession in control.ts).
      data.sessionId = verdict.sessionId;
      return next();
    }
    const [code, message] = !verdict
      ? ['unauthorized', 'unauthorized: sign in with the technician token (PAVILION_ADMIN_TOKEN or data/secrets.json)']
      : verdict.ok
        ? ['forbidden', `forbidden: the ${verdict.role} role cannot use this channel; sign in with the technician token`]
        : verdict.code === 'rate_limited'
          ? ['rate_limited', `rate_limited: ${tooManyFailures(verdict.retryAfterS ?? 60)}`]
          : verdict.code === 'foreign_origin'
            ? ['forbidden', "forbidden: this page is not one of this server's own; open the control panel from the server"]
            : ['unauthorized', 'unauthorized: sign in with the technician token (PAVILION_ADMIN_TOKEN or data/secrets.json)'];
    next(Object.assign(new Error(message), { data: { code, ...(verdict && !verdict.ok && verdict.retryAfterS ? { retryAfterS: verdict.retryAfterS } : {}) } }));
  }
}
