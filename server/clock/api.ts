import type { FastifyInstance, FastifyRequest } from 'fastify';
import { originOn } from '../http/stage-origin';
import type { ClockResponder } from './responder';

/**
 * The clock responder's address as the browser that sent `req` reaches this server: the same host
 * name, ws or wss as the page's scheme, the responder's port. Null without a responder, or when the
 * Host header is not a host name.
 */
export function clockUrlFor(req: FastifyRequest, responder: ClockResponder | null): string | null {
  if (!responder) return null;
  const origin = originOn(req, responder.port);
  return origin ? origin.replace(/^http/, 'ws') : null;
}

/**
 * GET /api/clock on the main server (public, like GET /api/stage): where pages ping the clock
 * responder. `url` is null when this server runs none; pages then ping over their socket.
 */
export function registerClockApi(app: FastifyInstance, responder: () => ClockResponder | null): void {
  app.get('/api/clock', async (req) => ({ ok: true, url: clockUrlFor(req, responder()) }));
}
