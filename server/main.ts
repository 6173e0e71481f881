import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createApp } from './app';
import { isStageListenError, parseOrigin } from './http/stage-origin';
import { oscFromEnv, type OscOptions } from './links/osc-link';
import { isClockListenError } from './clock/responder';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  logger.fatal(`config: PORT='${process.env.PORT}' is not a port number; use 1–65535`);
  process.exit(1);
}
const dataDir = path.resolve(process.env.PAVILION_DATA ?? 'data');

/** A whole number from the environment in [min, max], or the fallback when unset; anything else stops start-up. */
function intFromEnv(name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    logger.fatal(`config: ${name}='${raw}' is not valid; give ${what}, a whole number from ${min} to ${max}`);
    process.exit(1);
  }
  return n;
}
const visitorsPerAddress = intFromEnv('PAVILION_VISITORS_PER_ADDRESS', 8, 1, 100_000, 'the visitor connections one address may hold');
// Pieces run in a frame served by a second listener, the stage origin (docs/operations.md).
// PORT=0 (a free port, as tests start it) gives the stage a free port too.
if (port === 65535 && !process.env.PAVILION_STAGE_PORT) {
  logger.fatal('config: PORT=65535 leaves no PORT+1 for the stage origin (where pieces run); set PAVILION_STAGE_PORT to a free port');
  process.exit(1);
}
const stagePort = intFromEnv('PAVILION_STAGE_PORT', port === 0 ? 0 : port + 1, 0, 65535, 'the port of the stage origin, where pieces run (default PORT+1)');
if (stagePort === port && port !== 0) {
  logger.fatal(`config: PAVILION_STAGE_PORT=${stagePort} is PORT; the stage origin needs a port of its own (default PORT+1)`);
  process.exit(1);
}
// Clock pings are answered by a thread of its own on a third port (docs/operations.md); 'off': none.
const clockOff = process.env.PAVILION_CLOCK_PORT === 'off';
if (!clockOff && port !== 0 && port >= 65534 && !process.env.PAVILION_CLOCK_PORT) {
  logger.fatal('config: PORT leaves no PORT+2 for the clock responder; set PAVILION_CLOCK_PORT to a free port (or off)');
  process.exit(1);
}
const clockPort = clockOff ? null : intFromEnv('PAVILION_CLOCK_PORT', port === 0 ? 0 : port + 2, 0, 65535, "the clock responder's port (default PORT+2), or off");
if (clockPort !== null && clockPort !== 0 && (clockPort === port || clockPort === stagePort)) {
  logger.fatal(`config: PAVILION_CLOCK_PORT=${clockPort} is taken by the ${clockPort === port ? 'server (PORT)' : 'stage origin (PAVILION_STAGE_PORT)'}; the clock responder needs a port of its own (default PORT+2)`);
  process.exit(1);
}
let stageOrigin: string | undefined;
try {
  stageOrigin = process.env.PAVILION_STAGE_ORIGIN ? parseOrigin(process.env.PAVILION_STAGE_ORIGIN, 'PAVILION_STAGE_ORIGIN') : undefined;
} catch (e) {
  logger.fatal(`${(e as Error).message}; it is the address browsers reach the stage port at through your reverse proxy (unset it to use the stage port directly)`);
  process.exit(1);
}
const trustProxy = intFromEnv('PAVILION_TRUST_PROXY', 0, 0, 10, 'the number of reverse proxies in front of the server (0: none)');

/** PAVILION_TLS_CERT and PAVILION_TLS_KEY: PEM files to serve HTTPS (phones need it for tilt). */
function readTls(): { cert: Buffer; key: Buffer } | undefined {
  const certFile = process.env.PAVILION_TLS_CERT;
  const keyFile = process.env.PAVILION_TLS_KEY;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    logger.fatal(`config: set both PAVILION_TLS_CERT and PAVILION_TLS_KEY (PEM files) to serve HTTPS, or neither for plain HTTP; only ${certFile ? 'PAVILION_TLS_CERT' : 'PAVILION_TLS_KEY'} is set`);
    process.exit(1);
  }
  const read = (name: string, file: string) => {
    try {
      return fs.readFileSync(path.resolve(file));
    } catch (e) {
      logger.fatal(`config: ${name}=${file} cannot be read (${(e as Error).message}); give the path of a PEM file`);
      process.exit(1);
    }
  };
  return { cert: read('PAVILION_TLS_CERT', certFile), key: read('PAVILION_TLS_KEY', keyFile) };
}
const tls = readTls();
// OSC in and out (docs/links.md): PAVILION_OSC_PORT (UDP and TCP), PAVILION_OSC_ALLOW, PAVILION_OSC_OUT.
let osc: OscOptions | undefined;
try {
  osc = oscFromEnv(process.env);
} catch (e) {
  logger.fatal((e as Error).message);
  process.exit(1);
}
if (osc?.port !== undefined && [port, stagePort, clockPort].includes(osc.port)) {
  logger.fatal(`config: PAVILION_OSC_PORT=${osc.port} is taken by the ${osc.port === port ? 'server (PORT)' : osc.port === stagePort ? 'stage origin (PAVILION_STAGE_PORT)' : 'clock responder (PAVILION_CLOCK_PORT)'}; OSC needs a port of its own (its TCP side shares the number with UDP), e.g. 53001`);
  process.exit(1);
}
const metricsToken = process.env.PAVILION_METRICS_TOKEN?.trim() || undefined;
if (metricsToken !== undefined && metricsToken.length < 16) {
  logger.fatal('config: PAVILION_METRICS_TOKEN is shorter than 16 characters; give a long random token (e.g. `openssl rand -hex 24`)');
  process.exit(1);
}

// Several nodes as one pavilion (docs/operations.md, "Several nodes"): the show is shared through Redis.
let redis: { url: string; prefix?: string } | undefined;
if (process.env.PAVILION_REDIS_URL) {
  const url = process.env.PAVILION_REDIS_URL.trim();
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    /* said below */
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    logger.fatal(`config: PAVILION_REDIS_URL is not a Redis URL; give redis://[:password@]host:port (rediss:// for TLS), or unset it to run one node alone`);
    process.exit(1);
  }
  const prefix = process.env.PAVILION_REDIS_PREFIX?.trim();
  redis = { url, ...(prefix ? { prefix } : {}) };
}

try {
  const app = await createApp({
    port,
    host: process.env.HOST ?? '0.0.0.0',
    dataDir,
    logger,
    adminToken: process.env.PAVILION_ADMIN_TOKEN || undefined,
    artistToken: process.env.PAVILION_ARTIST_TOKEN || undefined,
    publicUrl: process.env.PAVILION_PUBLIC_URL || undefined,
    visitorsPerAddress,
    trustProxy,
    stagePort,
    clockPort,
    ...(stageOrigin ? { stageOrigin } : {}),
    ...(osc ? { osc } : {}),
    ...(metricsToken ? { metricsToken } : {}),
    ...(tls ? { tls } : {}),
    ...(redis ? { redis } : {}),
  });
  const show = app.store.get();
  const lines = [
    '',
    `  Pavilion is running on ${app.url}  (data: ${dataDir})`,
    '',
    `  Pieces run in a sandbox served on port ${app.stagePort}${stageOrigin ? ` (as ${stageOrigin})` : ''}: open it in firewalls too`,
    app.clock
      ? `  Clock pings are answered on port ${app.clock.port} (a thread of its own${app.clock.priority?.error ? `; its priority was refused: ${app.clock.priority.error}` : app.clock.priority?.nice !== null && app.clock.priority?.nice !== undefined ? `, nice ${app.clock.priority.nice}` : ''}): open it in firewalls too, else clients ping over socket.io`
      : '  Clock responder off (PAVILION_CLOCK_PORT=off): clients ping over socket.io',
    '',
    `  Control panel   ${app.url}/control`,
    ...Object.values(show.screens)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((s) => `  ${s.kind === 'vr' ? 'VR     ' : 'Screen '}${s.id.padEnd(9)}${app.displayUrl(s.id) ?? `${app.url}/display?screen=${s.id}  (not paired: its page shows a code to approve in the control panel)`}${s.kind === 'vr' ? '  (open it in the headset\'s browser: HTTPS or localhost, docs/vr.md)' : ''}`),
    ...Object.keys(show.walls).map((w) => `  Visitors ${w.padEnd(7)}${app.url}/visit/${w}`),
    '',
  ];
  if (app.secrets.generated.includes('admin')) lines.push(`  Technician token (shown once; also in ${path.join(dataDir, 'secrets.json')}):`, `    ${app.secrets.adminToken}`, '');
  if (app.secrets.generated.includes('artist')) lines.push(`  Artist token (shown once; also in ${path.join(dataDir, 'secrets.json')}):`, `    ${app.secrets.artistToken}`, '');
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`server: ${signal} received, closing`);
    app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  if (isClockListenError(err))
    logger.fatal(`server: the clock responder cannot listen on port ${clockPort} (${err.message}); stop the other program or start with PAVILION_CLOCK_PORT=<another port> (or off)`);
  else if (err.code === 'EADDRINUSE' && (err as { oscTransport?: string }).oscTransport)
    logger.fatal(`server: OSC port ${osc?.port} (${(err as { oscTransport?: string }).oscTransport}) is in use; stop the other program or start with PAVILION_OSC_PORT=<another port>`);
  else if (err.code === 'EADDRINUSE' && isStageListenError(err))
    logger.fatal(`server: port ${stagePort} (the stage origin, where pieces run) is in use; stop the other program or start with PAVILION_STAGE_PORT=<another port>`);
  else if (err.code === 'EADDRINUSE') logger.fatal(`server: port ${port} is in use; stop the other program or start with PORT=<another port>`);
  else if (tls && (String(err.code).startsWith('ERR_OSSL') || /PEM|certificate|private key/i.test(err.message)))
    logger.fatal(`server: the TLS certificate or key was refused (${err.message}); check that PAVILION_TLS_CERT and PAVILION_TLS_KEY are a matching PEM certificate and key`);
  else logger.fatal({ err }, `server: could not start: ${err.message}`);
  process.exit(1);
}
