/**
 * npm run dev [-- <piece-id>] [--no-open]: the API server and the Vite dev server in one process,
 * with hot reload. Open the pages on the port it prints; with a piece id, its preview comes first
 * (and opens in your browser where there is one).
 *
 * Ports (each the first free one from its default up, unless given; the banner prints them all):
 *   VITE_PORT   the pages (default 5173). /api, /socket.io, /pieces and /assets are proxied to the API.
 *   STAGE_PORT  the stage, where pieces run (default: the pages' port + 1), served by the same Vite
 *               server so a piece reloads as you save. In a show it is the server's second origin
 *               (docs/security.md); here, in development only, it is Vite's.
 *   PORT        the API server (default: a free port; you never open it yourself).
 *   PAVILION_DATA the data directory (default data/).
 * New folders in installations/ are picked up live; a manifest.json edit reaches the page on its
 * first reload.
 */
import { createServer as createHttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createServer } from 'vite';
import { createApp } from '../server/app';
import { discoverPieces } from '../server/pieces/catalog';
import { firstFreePort } from './lib/free-port';

const ROOT = path.resolve(import.meta.dirname, '..');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const dataDir = path.resolve(process.env.PAVILION_DATA ?? 'data');
const installationsDir = path.join(ROOT, 'installations');
const host = process.env.HOST ?? '0.0.0.0';

const args = process.argv.slice(2);
const pieceArg = args.find((a) => !a.startsWith('-'));
const noOpen = args.includes('--no-open');
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write('npm run dev [-- <piece-id>] [--no-open]\n  ports: VITE_PORT (pages, default 5173), STAGE_PORT (default pages + 1), PORT (API, default free)\n');
  process.exit(0);
}

function portFromEnv(name: string): number | null {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    logger.fatal(`dev: ${name}='${raw}' is not a port; give a number from 1 to 65535, or leave it unset for a free one`);
    process.exit(1);
  }
  return n;
}

function lanAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return 'localhost';
}

/** Whether a browser can be opened here (a desktop session). */
const canOpen = () => !noOpen && !process.env.CI && (process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY));

let ports = { pages: 0, stage: 0, api: 0 };
try {
  const pages = portFromEnv('VITE_PORT') ?? (await firstFreePort(5173, { host }));
  const stage = portFromEnv('STAGE_PORT') ?? (await firstFreePort(pages + 1, { host, taken: [pages] }));
  const api = portFromEnv('PORT') ?? 0;
  ports = { pages, stage, api };

  const app = await createApp({
    port: api,
    host,
    dataDir,
    installationsDir,
    logger,
    adminToken: process.env.PAVILION_ADMIN_TOKEN || undefined,
    artistToken: process.env.PAVILION_ARTIST_TOKEN || undefined,
    // Phones scan a QR code: send them to the dev pages, not to the API port.
    publicUrl: process.env.PAVILION_PUBLIC_URL || `http://${lanAddress()}:${pages}`,
    // The panel opened on the Vite port reaches the API through its proxy: those pages are ours.
    trustedOrigins: [`http://localhost:${pages}`, `http://127.0.0.1:${pages}`],
    // Pages load the stage from Vite's stage port, so pieces hot-reload (the API's own stage listener stays unused).
    stagePublicPort: stage,
  });
  ports.api = app.port;
  const apiUrl = `http://localhost:${app.port}`;
  const piece = pieceArg ?? app.catalog.list()[0]?.id ?? 'my-piece';
  if (pieceArg && !app.catalog.get(pieceArg))
    logger.warn(`dev: no piece '${pieceArg}' in installations/ yet; create it with \`npm run new-piece -- ${pieceArg}\` (it is picked up while this runs)`);

  const vite = await createServer({
    configFile: path.join(ROOT, 'vite.config.ts'),
    server: {
      port: pages,
      strictPort: true,
      host: true,
      // The stage pages (on the stage port) take their reloads from the pages' port too.
      ws: { clientPort: pages },
      ...(canOpen() ? { open: `/preview/${piece}` } : {}),
      proxy: {
        '/api': apiUrl,
        '/pieces': apiUrl,
        '/assets': apiUrl,
        '/socket.io': { target: apiUrl.replace('http', 'ws'), ws: true },
      },
    },
  });
  await vite.listen();
  // The stage origin of development: the same Vite server on a second port (a second origin, as in a show).
  const stageServer = createHttpServer(vite.middlewares);
  await new Promise<void>((resolve, reject) => {
    stageServer.once('error', reject);
    stageServer.listen(stage, host === '0.0.0.0' ? undefined : host, () => resolve());
  });

  // The catalog follows installations/: a manifest edit is read before the pages reload (so the
  // first reload shows it), and a piece scaffolded while this runs is found.
  let known = '';
  const rescan = (why: string) => {
    const found = discoverPieces(installationsDir, { warn: () => {}, info: () => {} });
    const json = JSON.stringify(found);
    if (json === known) return false;
    const first = known === '';
    known = json;
    for (const p of found) if (JSON.stringify(app.catalog.get(p.id)) !== JSON.stringify(p) && app.catalog.get(p.id)?.source !== 'uploaded') app.catalog.put(p);
    if (!first) logger.info({ pieces: found.map((p) => p.id) }, `dev: installations changed (${why})`);
    return !first;
  };
  rescan('start');
  const onFile = (file: string) => {
    if (!file.startsWith(installationsDir + path.sep) || path.basename(file) !== 'manifest.json') return;
    if (rescan(path.relative(ROOT, file))) vite.ws.send({ type: 'full-reload' });
  };
  vite.watcher.on('change', onFile);
  vite.watcher.on('add', onFile);
  const watch = setInterval(() => void rescan('a folder appeared or went'), 1500);

  const url = `http://localhost:${pages}`;
  const screens = Object.keys(app.store.get().screens).sort();
  const lines = [
    '',
    `  Pavilion dev server: open ${url}/preview/${piece}`,
    '',
    `  Preview a piece   ${url}/preview/<id>   (all pieces: ${url}/preview)`,
    `  Control panel     ${url}/control`,
    ...screens.map((id) => `  Screen ${id.padEnd(11)}${url}/display?screen=${id}`),
    `  Visitors          http://${lanAddress()}:${pages}/visit/<wall>`,
    '',
    `  Ports: pages ${pages} (VITE_PORT), stage ${stage} (STAGE_PORT, where pieces run), API ${app.port} (PORT; proxied, data: ${dataDir})`,
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
    stageServer.close();
    void Promise.allSettled([vite.close(), app.close()]).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (e) {
  const err = e as NodeJS.ErrnoException & { message: string };
  if (err.code === 'EADDRINUSE' || /already in use|Port \d+ is in use/i.test(err.message))
    logger.fatal(`dev: a port is in use (pages ${ports.pages || '?'}, stage ${ports.stage || '?'}, API ${ports.api || 'free'}); stop the other program, or set VITE_PORT / STAGE_PORT / PORT to free ones`);
  else logger.fatal({ err }, `dev: could not start: ${err.message}`);
  process.exit(1);
}
