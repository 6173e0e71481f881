import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { registerAssets } from './assets';
import { registerServiceWorker } from './service-worker';

const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/display': 'display.html',
  '/control': 'control.html',
  '/visit/:wallId': 'visit.html',
  '/preview/:id': 'preview.html',
  '/preview': 'preview.html',
};

/** Built files this origin never serves. */
export const STAGE_PAGE = 'stage.html';
const STAGE_ONLY = new Set([`/${STAGE_PAGE}`]);

/** The answer of a page whose client is not built yet (503), the same on both origins. */
export const NOT_BUILT = `Pavilion's pages are not built yet. Run \`npm run build\` (or \`npm start\`, which builds first), then reload.\n`;

/** Hashed files (static/) never change under their name: cached forever. */
export function cacheBuiltFile(staticDir: string) {
  return (reply: FastifyReply, file: string) => {
    if (path.relative(staticDir, file).startsWith(`static${path.sep}`)) void reply.header('Cache-Control', 'public, max-age=31536000, immutable');
  };
}

/**
 * Serves the built client (dist/client): one HTML page per app, its hashed files (static/)
 * cached forever; and the shared media of assets/ at /assets/ (server/http/assets.ts).
 */
export async function registerPages(app: FastifyInstance, staticDir: string): Promise<void> {
  await registerAssets(app);
  registerServiceWorker(app, staticDir); // /sw.js: the screens' service worker (no-cache, scope '/')
  const built = fs.existsSync(path.join(staticDir, 'display.html'));
  if (!built) {
    app.log.warn(`http: no built client in ${staticDir}; run \`npm run build\` (npm start does it for you)`);
    for (const route of Object.keys(PAGES))
      app.get(route, async (_req, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT),
      );
    return;
  }
  await app.register(fastifyStatic, {
    root: staticDir,
    prefix: '/',
    index: false,
    wildcard: true,
    // The stage page runs pieces: only the stage origin serves it (server/http/stage-origin.ts).
    // Opened on this origin, a piece would share it with the control panel and its cookie.
    allowedPath: (pathName) => !STAGE_ONLY.has(pathName),
    setHeaders: cacheBuiltFile(staticDir),
  });
  for (const [route, file] of Object.entries(PAGES))
    app.get(route, async (_req, reply) => reply.header('Cache-Control', 'no-cache').sendFile(file, { cacheControl: false }));
}
