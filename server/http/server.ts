import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import cookie from '@fastify/cookie';
import type { Logger } from 'pino';
import { fail } from '../../protocol';

/** A PEM certificate (chain) and its private key. */
export interface TlsFiles {
  cert: string | Buffer;
  key: string | Buffer;
}

/** A fastify instance with security headers, rate limits and JSON errors that never leak stacks. */
export async function createHttp(logger: Logger, opts: { bodyLimit: number; tls?: TlsFiles; trustProxy?: number }): Promise<FastifyInstance> {
  // `trustProxy` hops, as a function: fastify now ignores X-Forwarded-For for a plain hop count
  // (it fails closed), which left REST counting every client as the proxy while the sockets
  // (transport/addresses.ts) counted the forwarded address. The same rule for both.
  const hops = opts.trustProxy ?? 0;
  const trustProxy: FastifyServerOptions['trustProxy'] = hops > 0 ? (_address: string, hop: number) => hop < hops : false;
  const base = { loggerInstance: logger as unknown as FastifyBaseLogger, bodyLimit: opts.bodyLimit, logController: new LogController({ disableRequestLogging: true }), trustProxy };
  // HTTPS makes pages a secure context: phones then allow the tilt sensor (DeviceOrientation).
  const app = (opts.tls ? Fastify({ ...base, https: { cert: opts.tls.cert, key: opts.tls.key } }) : Fastify(base)) as unknown as FastifyInstance;
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'", 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:', 'data:', 'blob:'],
        mediaSrc: ["'self'", 'data:', 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: false,
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  // A client that broke its connection before the request was handled (a malformed chunk, a reset)
  // has no address left: nothing can answer it, and the limits per address (rate-limit's key
  // included, which threw on it) have nothing to count. Stop here, before any route's hooks.
  app.addHook('onRequest', async (req, reply) => {
    if (req.ip === undefined) return reply.code(400).send(fail('bad_request', 'the connection closed before the request could be read; send it again'));
  });
  app.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, _req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) logger.error({ err: error }, 'http: request failed');
    const code =
      status === 413 ? 'too_large' : status === 429 ? 'rate_limited' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status < 500 ? 'bad_request' : 'internal';
    const message = status >= 500 ? 'the server hit an error; it has been logged' : error.message;
    void reply.code(status).send(fail(code, message));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(fail('not_found', `nothing at ${req.method} ${req.url.split('?')[0]}; see docs/api.md`));
  });
  return app;
}
