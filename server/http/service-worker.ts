import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { fail } from '../../protocol';

/** The screens' service worker in the built client (client/sw/sw.ts, built by scripts/lib/service-worker.ts). */
export const SERVICE_WORKER_FILE = 'sw.js';

/**
 * GET /sw.js: the screens' service worker, on the main origin (server/http/pages.ts) and on the
 * stage origin alike. Never cached by HTTP (the browser compares it on each navigation: a new build
 * is a new worker), and allowed to control the whole origin (scope '/').
 */
export function registerServiceWorker(app: FastifyInstance, staticDir: string): void {
  const file = path.join(staticDir, SERVICE_WORKER_FILE);
  app.get(`/${SERVICE_WORKER_FILE}`, async (_req, reply) => {
    let body: Buffer;
    try {
      body = await fs.promises.readFile(file);
    } catch {
      return reply
        .code(404)
        .header('Cache-Control', 'no-cache')
        .send(fail('not_found', `no service worker in ${staticDir}; run \`npm run build\` (screens play offline only from a built client)`));
    }
    return reply
      .header('Cache-Control', 'no-cache')
      .header('Service-Worker-Allowed', '/')
      .type('text/javascript; charset=utf-8')
      .send(body);
  });
}
