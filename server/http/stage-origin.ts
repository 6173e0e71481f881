import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import { fail } from '../../protocol';
import type { PieceStore } from '../pieces/uploads';
import { createBareHttp, refuseAddressless, type TlsFiles } from './server';
import { registerAssets } from './assets';
import { NOT_BUILT, STAGE_PAGE, cacheBuiltFile } from './pages';
import { registerPieceFiles } from './pieces';
import { registerServiceWorker } from './service-worker';

/**
 * The stage origin: a second listener of the same process, on its own port, that serves the page
 * pieces run in (/stage, framed by /display and /preview) and what that page loads. A piece there
 * shares no origin with the control panel, the API or the sockets: the browser keeps its scripts
 * away from their storage, and the main server refuses its requests (Origin check, SameSite
 * cookie, CORP). This listener answers public, read-only files only: it has no /api/, no
 * socket.io, reads no cookie and knows no credential. docs/security.md, "The stage origin".
 */

/**
 * Every path the stage origin answers, by prefix (or exact, without a trailing slash). Anything
 * else is 404 before routing, whatever a plugin may register. A service worker (/sw.js) goes here.
 */
export const STAGE_ROOTS: readonly string[] = ['/stage', '/sw.js', '/static/', '/runtime/', '/assets/', '/pieces/'];

const served = (url: string) => {
  const p = url.split('?', 1)[0] ?? '';
  return STAGE_ROOTS.some((root) => (root.endsWith('/') ? p.startsWith(root) : p === root));
};

/** The CSP of every stage answer, but for frame-ancestors (per request). */
export const STAGE_CSP = [
  "default-src 'none'",
  // blob: for workers built from a blob (troika's text worker, drei's <Text>): such a worker takes
  // this policy and importScripts() its own blob. A piece can run any code anyway; blob: reaches no host.
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' data: blob:",
  "connect-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Powerful features a piece never needs. Autoplay stays allowed: pieces play sound unprompted. */
export const STAGE_PERMISSIONS = ['camera', 'microphone', 'geolocation', 'usb', 'serial', 'hid', 'bluetooth', 'payment', 'display-capture'].map((f) => `${f}=()`).join(', ');

/** A host name as it may stand in an origin: a DNS name or IPv4, or an IPv6 address in brackets. */
const HOSTNAME = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)$/;

/**
 * The origin a request's browser sees a server at, on `port`: the request's scheme and host name
 * (through the trusted proxies, by fastify's rules: req.protocol, req.hostname), or null when the
 * Host header is not a host name (no browser sends that).
 */
export function originOn(req: FastifyRequest, port: number): string | null {
  const hostname = req.hostname.toLowerCase();
  if (!HOSTNAME.test(hostname)) return null;
  const scheme = req.protocol === 'https' ? 'https' : 'http';
  try {
    return new URL(`${scheme}://${hostname}:${port}`).origin; // as the browser writes it (no :80 on http)
  } catch {
    return null;
  }
}

/** An http(s) origin with nothing after it, normalised (`https://stage.example`); throws saying what is wrong. */
export function parseOrigin(raw: string, name: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`config: ${name}='${raw}' is not a URL; give an origin such as https://stage.pavilion.example`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`config: ${name}='${raw}' must start with http:// or https://`);
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || u.username || u.password || raw.trim().endsWith('/'))
    throw new Error(`config: ${name}='${raw}' must be an origin only (scheme, host, optional port), with no path, query or trailing slash; e.g. ${u.origin}`);
  return u.origin;
}

/** Whether a start-up error is the stage listener's (its port in use: PAVILION_STAGE_PORT). */
export const isStageListenError = (e: unknown): boolean => (e as { listener?: unknown } | null)?.listener === 'stage';

export interface StageOptions {
  logger: Logger;
  /** The built client (dist/client). */
  staticDir: string;
  /** Uploaded pieces' stored files. */
  pieces: Pick<PieceStore, 'filePath'>;
  host: string;
  /** 0: a free port. */
  port: number;
  tls?: TlsFiles;
  trustProxy: number;
  /** The stage's public origin, when a reverse proxy serves it under its own name. */
  origin?: string;
  /**
   * The port pages load the stage from on the request's host name, when another server serves
   * the stage page there (`npm run dev`: a second port of the Vite dev server, for hot reload).
   * Default: this listener's own port.
   */
  publicPort?: number;
  /** The main server's port (known once it listens). */
  mainPort: () => number;
  /**
   * Origins whose pages are the server's own besides the request's host: the public URL, the dev
   * server. They may frame the stage too.
   */
  trustedOrigins: readonly string[];
}

export interface StageOrigin {
  /** The listener's port. */
  readonly port: number;
  /** The listener's own base URL (`http://localhost:<port>`), like App.url. */
  readonly url: string;
  /** Where a page of the main origin, reached by `req`, loads the stage from; null when `req`'s Host is not a host name. */
  originFor(req: FastifyRequest): string | null;
  close(): Promise<void>;
}

/** Builds the stage listener; it listens on `opts.port` when this resolves. */
export async function createStageOrigin(opts: StageOptions): Promise<StageOrigin> {
  const http = createBareHttp(opts.logger, { bodyLimit: 1024, trustProxy: opts.trustProxy, ...(opts.tls ? { tls: opts.tls } : {}) });
  const own = opts.trustedOrigins.flatMap((t) => {
    try {
      return [new URL(t).origin];
    } catch {
      return [];
    }
  });
  /**
   * Who may frame the stage: the main origin as this request's browser sees it (same host name
   * and scheme, the main port) and the server's own origins. Behind a reverse proxy with an
   * explicit stage origin, the main origin cannot be told from the stage's request: then the own
   * origins (PAVILION_PUBLIC_URL) when given, else anyone, which costs nothing: the stage holds no
   * right and no secret, and a page framing it gets what it would by loading /stage itself.
   */
  const ancestors = (req: FastifyRequest): string => {
    if (opts.origin) return own.length > 0 ? own.join(' ') : '*';
    const main = originOn(req, opts.mainPort());
    const list = [...new Set([...(main ? [main] : []), ...own])];
    return list.length > 0 ? list.join(' ') : "'none'";
  };
  http.addHook('onRequest', async (req, reply) => {
    void reply
      .header('Content-Security-Policy', `${STAGE_CSP}; frame-ancestors ${ancestors(req)}`)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('Permissions-Policy', STAGE_PERMISSIONS)
      .header('Cross-Origin-Resource-Policy', 'same-site');
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !served(req.url))
      return reply.code(404).send(fail('not_found', `the stage origin serves pieces' files only: nothing at ${req.method} ${req.url.split('?')[0]}; the API is on the main port`));
  });
  refuseAddressless(http);

  await registerAssets(http, { log: opts.logger });
  registerPieceFiles(http, opts.pieces);
  registerServiceWorker(http, opts.staticDir); // the stage's own worker: it plays on from its cache when the server is away
  const built = fs.existsSync(path.join(opts.staticDir, STAGE_PAGE));
  if (!built) {
    opts.logger.warn(`http: no ${STAGE_PAGE} in ${opts.staticDir}; run \`npm run build\` (npm start does it for you)`);
    http.get('/stage', async (_req, reply) => reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT));
  } else {
    const page = async (_req: FastifyRequest, reply: FastifyReply) => reply.header('Cache-Control', 'no-cache').sendFile(STAGE_PAGE, { cacheControl: false });
    await http.register(fastifyStatic, { root: opts.staticDir, serve: false });
    http.get('/stage', page);
  }
  for (const dir of ['static', 'runtime']) {
    const root = path.join(opts.staticDir, dir);
    if (fs.existsSync(root)) await http.register(fastifyStatic, { root, prefix: `/${dir}/`, index: false, decorateReply: false, setHeaders: cacheBuiltFile(opts.staticDir) });
  }

  try {
    await http.listen({ port: opts.port, host: opts.host });
  } catch (e) {
    await http.close().catch(() => {});
    throw Object.assign(e as Error, { listener: 'stage' });
  }
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    url: `${opts.tls ? 'https' : 'http'}://localhost:${port}`,
    originFor: (req) => opts.origin ?? originOn(req, opts.publicPort ?? port),
    close: () => http.close().catch(() => {}),
  };
}

/** GET /api/stage on the main server (public): where pages load the stage frame from. */
export function registerStageApi(app: FastifyInstance, stage: () => StageOrigin | null): void {
  app.get('/api/stage', async (req, reply) => {
    void reply.header('Cache-Control', 'no-cache');
    const s = stage();
    if (!s) return reply.code(503).send(fail('internal', 'the stage origin is not listening yet; try again in a moment'));
    const origin = s.originFor(req);
    if (!origin) return reply.code(400).send(fail('bad_request', 'the Host header is not a host name; open the page by the server\'s address'));
    return { ok: true, origin };
  });
}
