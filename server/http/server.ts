import type { IncomingMessage } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
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

export interface HttpOptions {
  bodyLimit: number;
  tls?: TlsFiles;
  trustProxy?: number;
}

/**
 * A bare fastify instance: trusted-proxy hops, TLS, and JSON errors that never leak stacks. No
 * headers, no cookies, no limits: createHttp adds the main server's; the stage origin
 * (server/http/stage-origin.ts) its own.
 */
export function createBareHttp(logger: Logger, opts: HttpOptions): FastifyInstance {
  // `trustProxy` hops, as a function: fastify now ignores X-Forwarded-For for a plain hop count
  // (it fails closed), which left REST counting every client as the proxy while the sockets
  // (transport/addresses.ts) counted the forwarded address. The same rule for both.
  const hops = opts.trustProxy ?? 0;
  const trustProxy: FastifyServerOptions['trustProxy'] = hops > 0 ? (_address: string, hop: number) => hop < hops : false;
  const base = { loggerInstance: logger as unknown as FastifyBaseLogger, bodyLimit: opts.bodyLimit, logController: new LogController({ disableRequestLogging: true }), trustProxy };
  // HTTPS makes pages a secure context: phones then allow the tilt sensor (DeviceOrientation).
  const app = (opts.tls ? Fastify({ ...base, https: { cert: opts.tls.cert, key: opts.tls.key } }) : Fastify(base)) as unknown as FastifyInstance;
  app.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, _req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) logger.error({ err: error }, 'http: request failed');
    const code =
      status === 413 ? 'too_large' : status === 429 ? 'rate_limited' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status < 500 ? 'bad_request' : 'internal';
    const message =
      status >= 500
        ? 'the server hit an error; it has been logged'
        : status === 415
          ? `${error.message}: send the body as JSON with the header \`Content-Type: application/json\` (curl: -H 'Content-Type: application/json' --data-binary @show.json)`
          : error.message;
    void reply.code(status).send(fail(code, message));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(fail('not_found', `nothing at ${req.method} ${req.url.split('?')[0]}; see docs/api.md`));
  });
  return app;
}

/**
 * A client that broke its connection before the request was handled (a malformed chunk, a reset)
 * has no address left: nothing can answer it, and the limits per address (rate-limit's key
 * included, which threw on it) have nothing to count. Stop there, before any route's hooks.
 */
export function refuseAddressless(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.ip === undefined) return reply.code(400).send(fail('bad_request', 'the connection closed before the request could be read; send it again'));
  });
}

/** A fastify instance with security headers, rate limits and JSON errors that never leak stacks. */
export async function createHttp(
  logger: Logger,
  opts: HttpOptions & {
    /**
     * The origin pages may frame (CSP frame-src): the stage origin as this request's browser sees
     * it (server/http/stage-origin.ts). Default: none.
     */
    frameSrc?: (req: FastifyRequest) => string | null;
    /** One more origin pages may connect to (CSP connect-src): the clock responder's ws(s) origin (server/clock/api.ts). */
    connectSrc?: (req: FastifyRequest) => string | null;
  },
): Promise<FastifyInstance> {
  const app = createBareHttp(logger, opts);
  // helmet runs on the raw request, without fastify's view of the trusted proxy: each request's
  // frame-src is worked out here first, by fastify's rules (req.protocol, req.hostname).
  const frames = new WeakMap<IncomingMessage, string>();
  if (opts.frameSrc) {
    const frameSrc = opts.frameSrc;
    app.addHook('onRequest', async (req) => {
      let src: string | null = null;
      try {
        src = frameSrc(req);
      } catch {
        src = null; // a request that cannot be read frames nothing
      }
      if (src) frames.set(req.raw, src);
    });
  }
  const connects = new WeakMap<IncomingMessage, string>();
  if (opts.connectSrc) {
    const connectSrc = opts.connectSrc;
    app.addHook('onRequest', async (req) => {
      let src: string | null = null;
      try {
        src = connectSrc(req);
      } catch {
        src = null;
      }
      if (src) connects.set(req.raw, src);
    });
  }
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
        // 'self' only: no other host. CSP3 'self' also matches ws:/wss: to this same host and port.
        // …and the clock responder's ws(s) origin, on its own port (server/clock/).
        connectSrc: [(req: IncomingMessage) => (connects.has(req) ? `'self' ${connects.get(req)}` : "'self'")],
        mediaSrc: ["'self'", 'data:', 'blob:'],
        // Pieces run in a frame of the stage origin, the one frame a page may hold.
        frameSrc: [(req: IncomingMessage) => frames.get(req) ?? "'none'"],
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
  refuseAddressless(app);
  return app;
}
