import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../../protocol';
import type { Auth, Role, Verdict } from './auth';
import { tooManyFailures } from './auth-failures';

/** The request's credentials, checked once by the one Auth (server/http/auth.ts). */
export function checkRequest(auth: Auth, req: FastifyRequest, token?: string): Verdict {
  return auth.check({
    address: req.ip,
    authorization: req.headers.authorization,
    cookie: req.headers.cookie,
    token,
    origin: req.headers.origin,
    host: req.headers.host,
  });
}

/** Sends the refusal a verdict calls for; true when it refused. */
export function refuse(reply: FastifyReply, verdict: Verdict, roles: Role[], hint: string): boolean {
  if (verdict === null) {
    void reply.code(401).send(fail('unauthorized', hint));
    return true;
  }
  if (!verdict.ok) {
    if (verdict.code === 'rate_limited') {
      void reply.header('Retry-After', String(verdict.retryAfterS ?? 60)).code(429).send(fail('rate_limited', tooManyFailures(verdict.retryAfterS ?? 60)));
    } else if (verdict.code === 'foreign_origin') {
      void reply.code(403).send(fail('forbidden', 'this request came from a page of another site; the session cookie only works from this server\'s own pages'));
    } else void reply.code(401).send(fail('unauthorized', hint));
    return true;
  }
  if (!roles.includes(verdict.role)) {
    void reply.code(403).send(fail('forbidden', `the ${verdict.role} token cannot do this; it needs the ${roles.join(' or ')} role`));
    return true;
  }
  return false;
}

/** A fastify hook that refuses the request unless its credentials hold one of `roles`. */
export function requireHttpRole(auth: Auth, roles: Role[], hint: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const verdict = checkRequest(auth, req);
    if (refuse(reply, verdict, roles, hint)) return reply;
    (req as FastifyRequest & { role?: Role }).role = verdict!.ok ? verdict!.role : undefined;
  };
}
