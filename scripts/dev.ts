/**
 * npm run dev: the API server and the Vite dev server in one process, with hot reload.
 *   PORT (API, default 8080), VITE_PORT (pages, default 5173), PAVILION_DATA (default data/).
 * Open the URLs it prints on the Vite port: pages reload as you save; /api, /socket.io,
 * /pieces and /assets are proxied to the API server. New folders in installations/ are picked up live.
 */
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createServer } from 'vite';
import { createApp } from '../server/app';
import { discoverPieces } from '../server/pieces/catalog';

const ROOT = path.resolve(import.meta.dirname, '..');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const apiPort = Number(process.env.PORT ?? 8080);
const vitePort = Number(process.env.VITE_PORT ?? 5173);
const dataDir = path.resolve(process.env.PAVILION_DATA ?? 'data');
const installationsDir = path.join(ROOT, 'installations');

function lanAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return 'localhost';
}

try {
  const app = await createApp({
    port: apiPort,
    host: process.env.HOST ?? '0.0.0.0',
    dataDir,
    installationsDir,
    logger,
    adminToken: process.env.PAVILION_ADMIN_TOKEN || undefined,
    artistToken: process.env.PAVILION_ARTIST_TOKEN || undefined,
    // Phones scan a QR code: send them to the dev pages, not to the API port.
    publicUrl: process.env.PAVILION_PUBLIC_URL || `http://${lanAddress()}:${vitePort}`,
    // The panel opened on the Vite port reaches the API through its proxy: those pages are ours.
    trustedOrigins: [`http://localhost:${vitePort}`, `http://127.0.0.1:${vitePort}`],
  });
  const api = `http://localhost:${app.port}`;
  const vite = await createServer({
    configFile: path.join(ROOT, 'vite.config.ts'),
    server: {
      port: vitePort,
      strictPort: true,
      host: true,
      proxy: {
        '/api': api,
        '/pieces': api,
        '/assets': api,
        '/socket.io': { target: api.replace('http', 'ws'), ws: true },
      },
    },
  });
  await vite.listen();

  // Pieces scaffolded while this runs: the catalog learns them without a restart.
  let known = JSON.stringify(app.catalog.list().filter((p) => p.source === 'bundled'));
  const quiet = { warn: () => {}, info: () => {} };
  const watch = setInterval(() => {
    const found = discoverPieces(installationsDir, quiet);
    const json = JSON.stringify(found);
    if (json === known) return;
    known = json;
    for (const p of found) if (JSON.stringify(app.catalog.get(p.id)) !== JSON.stringify(p) && app.catalog.get(p.id)?.source !== 'uploaded') app.catalog.put(p);
    logger.info({ pieces: found.map((p) => p.id) }, 'dev: installations changed');
  }, 1500);

  const pages = `http://localhost:${vitePort}`;
  const first = app.catalog.list()[0]?.id ?? 'my-piece';
  const lines = [
    '',
    `  Pavilion dev server: open ${pages}/preview/${first}`,
    '',
    `  Preview a piece   ${pages}/preview/<id>   (all pieces: ${pages}/preview)`,
    `  Control panel     ${pages}/control`,
    ...Object.keys(app.store.get().screens)
      .sort()
      .map((id) => `  Screen ${id.padEnd(11)}${pages}/display?screen=${id}`),
    `  Visitors          http://${lanAddress()}:${vitePort}/visit/<wall>`,
    `  API               ${api}  (data: ${dataDir})`,
    '',
    '  New piece: npm run new-piece -- <id>   Pages reload as you save.',
    '',
  ];
  if (app.secrets.generated.includes('admin')) lines.push(`  Technician token (also in ${path.join(dataDir, 'secrets.json')}): ${app.secrets.adminToken}`);
  if (app.secrets.generated.includes('artist')) lines.push(`  Artist token (also in ${path.join(dataDir, 'secrets.json')}): ${app.secrets.artistToken}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    clearInterval(watch);
    void Promise.allSettled([vite.close(), app.close()]).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (e) {
  const err = e as NodeJS.ErrnoException & { message: string };
  if (err.code === 'EADDRINUSE' || /already in use|Port \d+ is in use/i.test(err.message))
    logger.fatal(`dev: a port is in use (API ${apiPort}, pages ${vitePort}); stop the other program or set PORT / VITE_PORT`);
  else logger.fatal({ err }, `dev: could not start: ${err.message}`);
  process.exit(1);
}
