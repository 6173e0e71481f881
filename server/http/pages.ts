import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { registerAssets } from './assets';

const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/display': 'display.html',
  '/control': 'control.html',
  '/visit/:wallId': 'visit.html',
  '/preview/:id': 'preview.html',
  '/preview': 'preview.html',
};

/**
 * Serves the built client (dist/client): one HTML page per app, its hashed files (static/)
 * cached forever; and the shared media of assets/ at /assets/ (server/http/assets.ts).
 */
export async function registerPages(app: FastifyInstance, staticDir: string): Promise<void> {
  await registerAssets(app);
  const built = fs.existsSync(path.join(staticDir, 'display.html'));
  if (!built) {
    app.log.warn(`http: no built client in ${staticDir}; run \`npm run build\` (npm start does it for you)`);
    for (const route of Object.keys(PAGES))
      app.get(route, async (_req, reply) =>
        reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(`Pavilion's pages are not built yet. Run \`npm run build\` (or \`npm start\`, which builds first), then reload.\n`),
      );
    return;
  }
  await app.register(fastifyStatic, {
    root: staticDir,
    prefix: '/',
    index: false,
    wildcard: true,
    setHeaders(reply, file) {
      if (path.relative(staticDir, file).startsWith(`static${path.sep}`)) void reply.header('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  for (const [route, file] of Object.entries(PAGES))
    app.get(route, async (_req, reply) => reply.header('Cache-Control', 'no-cache').sendFile(file));
}
