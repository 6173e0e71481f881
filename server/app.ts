import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { createHttp, type TlsFiles } from './http/server';
import { registerApi } from './http/api';
import { registerPages } from './http/pages';
import { registerLandingApi } from './http/landing';
import { importWithRestorePoint, registerBackupRoutes } from './http/backups';
import { createRestorePoints } from './persistence/restore-points';
import { createActivityLog } from './activity/log';
import { recordActivity } from './activity/wire';
import { registerActivityRoutes } from './http/activity';
import { createStageOrigin, registerStageApi, type StageOrigin } from './http/stage-origin';
import { createAuth } from './http/auth';
import { firstArtistName, loadSecrets, type Secrets } from './http/secrets';
import { createFileStorage, type ShowStorage } from './persistence/journal';
import { healthOf, warnBytesFromEnv, watchDisk, type DiskOptions } from './persistence/disk';
import { createNotices } from './show/notices';
import { importShow, upgradeStoredParams, type UpgradeDeps } from './show/param-upgrades';
import { createShowStore, type ShowStore } from './show/store';
import { demoShow } from './show/demo';
import { createScheduler } from './show/scheduler';
import { fileMemory, schedulerFile } from './persistence/scheduler-memory';
import { createCueSequencer } from './show/cue-sequencer';
import { createCueReview } from './show/cue-review';
import { cueProblems } from './show/cue-checks';
import { cueReviewFile, cueSequenceFile, fileCueMemory, fileCueReviewMemory } from './persistence/cue-memory';
import { showView } from './show/views';
import { DEFAULT_STALE_MS, ScreenRegistry } from './screens/registry';
import { DEFAULT_LEAD } from './screens/preload-times';
import { PendingScreens } from './screens/pairing';
import { withPairing } from './screens/pairing-commands';
import { logCommands } from './metrics/command-log';
import { createMetrics, type Metrics } from './metrics/registry';
import { registerMetricsRoute } from './metrics/route';
import { registerNodesRoute } from './http/nodes';
import { startOsc, type OscLink, type OscOptions } from './links/osc-link';
import { ReportLimits } from './screens/report-limits';
import { displayUrlOf, newScreenKey } from './screens/keys';
import { createCatalog, discoverPieces, type PieceCatalog } from './pieces/catalog';
import { createPieceStore, type PieceStore } from './pieces/uploads';
import { createPieceState, type PieceState } from './pieces/current';
import { createArtistTokens, type ArtistTokens } from './http/artist-tokens';
import { registerArtistRoutes } from './http/artists';
import { DEFAULT_LIMITS, type BundleLimits } from './pieces/bundle';
import { runtimeVersions } from './pieces/runtime-versions';
import { registerPieceRoutes } from './http/pieces';
import { defaultPublicUrl } from './http/public-address';
import { attachDisplay } from './transport/display';
import { createDmxEngine, type DmxEngine, type DmxTrace } from './links/dmx-engine';
import { startDmxThread, type DmxTraceHooks } from './links/dmx-thread';
import { createLightsInput } from './links/dmx-lights';
import { attachControl } from './transport/control';
import { attachVisitors, type VisitorTransport } from './transport/visitor';
import type { InputSocketStats } from './transport/visitor-input';
import { closeIo, createIo, type IoServer } from './transport/io';
import type { HubOptions, VisitorHub } from './visitors';
import { systemTime, type TimeSource } from './clock/time';
import { startClockResponder, type ClockResponder } from './clock/responder';
import { clockUrlFor, registerClockApi } from './clock/api';
import { defaultParams, type VisitorStats } from '../protocol';

export interface AppOptions {
  port?: number;
  host?: string;
  dataDir: string;
  installationsDir?: string;
  staticDir?: string;
  time?: TimeSource;
  logger?: Logger;
  /** DMX on a thread of its own (default), or on the main thread: bench:dmx compares the two. */
  dmxThread?: boolean;
  /** The DMX thread's real-time FIFO priority (default 10; null: nice −10 only): bench:dmx compares them. */
  dmxFifo?: number | null;
  /** bench:dmx --trace: each timed DMX effect's way through the sender (and the DMX thread's garbage collections). */
  dmxTrace?: DmxTraceHooks;
  /** How the DMX thread waits out a timed frame's last milliseconds (default 'block'; 'spin': as before): bench:dmx compares them. */
  dmxWait?: 'block' | 'spin';
  storage?: ShowStorage;
  adminToken?: string;
  artistToken?: string;
  /** The name of artistToken's artist (default PAVILION_ARTIST_NAME, else `artist`); other artists get their own tokens in the panel. */
  artistName?: string;
  /** Public base URL for visitor links and QR codes; default from the first LAN address. */
  publicUrl?: string;
  /** Pages at these origins count as the server's own for the session cookie (the dev server's). */
  trustedOrigins?: string[];
  /** Visitor sockets one client address may hold at once (default 8; PAVILION_VISITORS_PER_ADDRESS). */
  visitorsPerAddress?: number;
  /** Refusals in a row after which a visitor socket is disconnected (default 100). */
  visitorsCutOffAfterRefusals?: number;
  /** Reverse proxies in front of the server, in hops, whose X-Forwarded-For decides the client address (default 0; PAVILION_TRUST_PROXY). */
  trustProxy?: number;
  /**
   * The least lead for a piece switch without `at` (default 600 ms). The lead grows past it when
   * the wall's screens report slower preloads (server/screens/preload-times.ts).
   */
  playLeadMs?: number;
  /** Serve HTTPS (and WSS) with this certificate: phones need it for tilt (docs/operations.md). */
  tls?: TlsFiles;
  /** Size limits of uploaded piece bundles (tests shrink them). */
  pieceLimits?: Partial<BundleLimits>;
  /** Visitor hub tuning (rate limit, grace, frame interval); tests and benchmarks shorten them. */
  visitors?: Partial<HubOptions>;
  /** The data disk's watch: warning threshold (default 500 MB; PAVILION_DISK_WARN_MB), poll interval, statfs (tests fake it). */
  disk?: DiskOptions;
  /** A connected screen without a heartbeat for this long is stale (default 10 s; PAVILION_SCREEN_STALE_S). */
  screenStaleMs?: number;
  /** The stage origin's port: pieces run in a frame served there (default 0: a free port; PAVILION_STAGE_PORT). */
  stagePort?: number;
  /** The stage's public origin when a reverse proxy serves it under its own name, e.g. `https://stage.pavilion.example` (PAVILION_STAGE_ORIGIN). */
  stageOrigin?: string;
  /** OSC in (PAVILION_OSC_PORT, PAVILION_OSC_ALLOW) and out (PAVILION_OSC_OUT): docs/links.md. */
  osc?: OscOptions;
  /** Scrapers' bearer token for GET /metrics (PAVILION_METRICS_TOKEN); the technician's works too. */
  metricsToken?: string;
  /** Pages load the stage from this port of their own host name instead of the stage listener's (`npm run dev`'s Vite stage port). */
  stagePublicPort?: number;
  /** The clock responder's port (default 0: a free port; null: none, clients ping over socket.io; PAVILION_CLOCK_PORT). */
  clockPort?: number | null;
  /** Clock responder connections one address may hold (default 16). */
  clockPerAddress?: number;
  /** The clock responder thread's nice value to ask for (default −10; null: leave it; refused without the right). */
  clockNice?: number | null;
  /** Multi-node mode (PAVILION_REDIS_URL; docs/operations.md, "Several nodes"): the nodes share the show through this Redis. Unset: one process, no Redis. */
  redis?: { url: string; prefix?: string; leaseMs?: number };
}

export interface App {
  url: string;
  port: number;
  /** The stage origin's port (server/http/stage-origin.ts). */
  stagePort: number;
  /** The stage listener's own base URL, like `url`. */
  stageUrl: string;
  /** The clock responder (server/clock/responder.ts), answering clock pings off this event loop; null when disabled. */
  clock: ClockResponder | null;
  secrets: Secrets;
  store: ShowStore;
  catalog: PieceCatalog;
  /** Uploaded pieces: versions, owners, the active one. */
  pieces: PieceStore;
  /** Owners and the versions that play, as the show records them. */
  pieceState: PieceState;
  /** Artists' own tokens (hashed, <data>/artists.json). */
  artists: ArtistTokens;
  /** The socket.io server (benchmarks mount extra responders on it). */
  io: IoServer;
  /** Visitors of every wall: stats, counters, the kick list. */
  visitors: VisitorHub;
  /** The phones' input sockets (server/transport/visitor-input.ts): open, opened, refused, malformed. */
  visitorInputSockets(): InputSocketStats | null;
  /** The DMX sender (server/links/dmx-engine.ts): the show's Art-Net and sACN outputs. */
  dmx: DmxEngine;
  /** Prometheus metrics (server/metrics/registry.ts): `metrics.dmxPacket(outputId)` and the other counters. */
  metrics: Metrics;
  /** OSC in and out (server/links/osc-link.ts); null when not configured. */
  osc: OscLink | null;
  /** The address of a screen's page with its key, on `base` (default: this server's url); null when it has no key. */
  displayUrl(screenId: string, base?: string): string | null;
  close(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The composition root: builds every module from what it is given, then listens. */
export async function createApp(opts: AppOptions): Promise<App> {
  // Several nodes: show time is the writer's clock, which a follower estimates (server/cluster/clock.ts).
  const baseTime = opts.time ?? systemTime;
  const clusterClock = opts.redis ? (await import('./cluster/clock')).createClusterClock({ base: baseTime }) : null;
  const time: TimeSource = clusterClock ? clusterClock.now : baseTime;
  const logger = opts.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const installationsDir = opts.installationsDir ?? path.join(ROOT, 'installations');
  const staticDir = opts.staticDir ? path.resolve(opts.staticDir) : (process.env.PAVILION_STATIC_DIR ? path.resolve(process.env.PAVILION_STATIC_DIR) : path.join(ROOT, 'dist', 'client'));
  fs.mkdirSync(opts.dataDir, { recursive: true });

  const secrets = loadSecrets(opts.dataDir, { admin: opts.adminToken, artist: opts.artistToken });
  const firstArtist = firstArtistName(opts.artistName ?? process.env.PAVILION_ARTIST_NAME);
  const artists = createArtistTokens({ file: path.join(opts.dataDir, 'artists.json'), now: time, reserved: [firstArtist] });
  const auth = createAuth({ ...secrets, artistName: firstArtist, artists, now: time, revokedFile: path.join(opts.dataDir, 'revoked-sessions.json'), secureCookies: Boolean(opts.tls), trustedOrigins: [...(opts.publicUrl ? [opts.publicUrl] : []), ...(opts.trustedOrigins ?? [])] });
  const catalog = createCatalog(discoverPieces(installationsDir, logger));
  logger.info({ pieces: catalog.list().map((p) => p.id) }, 'pieces: discovered');
  const pieces = createPieceStore({ dir: path.join(opts.dataDir, 'pieces'), catalog, logger, now: time, runtime: runtimeVersions(ROOT), legacyOwner: firstArtist });

  const disk = watchDisk(opts.dataDir, { ...opts.disk, warnBytes: opts.disk?.warnBytes ?? warnBytesFromEnv(), now: time, log: logger });
  const fileStorage = () => opts.storage ?? createFileStorage(path.join(opts.dataDir, 'show'), { log: logger });
  // Multi-node mode: the show lives in Redis (server/cluster/, loaded only when asked for).
  const cluster = opts.redis ? await (await import('./cluster/index')).startCluster({ ...opts.redis, logger, fallback: fileStorage(), ...(clusterClock ? { clock: clusterClock } : {}) }) : null;
  const health = () => (cluster ? cluster.health(healthOf(disk.status())) : healthOf(disk.status()));
  // Every save reports to the disk watch: a failed one (ENOSPC, EIO) shows in the health until one succeeds.
  const storage = cluster ? cluster.storage : disk.watch(fileStorage());
  let initial = storage.load();
  if (!initial) {
    const pick = (ids: string[]) => ids.find((id) => catalog.get(id)) ?? catalog.list()[0]?.id ?? null;
    initial = demoShow(time(), pick);
    // The demo screens are the server's own: paired from the start (npm start prints their addresses).
    for (const s of Object.values(initial.screens)) s.key = newScreenKey();
    for (const w of Object.values(initial.walls)) {
      const m = w.installationId ? catalog.get(w.installationId) : undefined;
      if (m) w.params = defaultParams(m);
    }
    storage.save(initial);
    logger.info(`show: created the demo show in ${opts.dataDir}`);
  }
  const registry = new ScreenRegistry(time, { ...DEFAULT_LEAD, ...(opts.playLeadMs !== undefined ? { minMs: opts.playLeadMs } : {}) }, opts.screenStaleMs ?? staleMsFromEnv());
  // Pages waiting to be paired; every command passes the pairing edge (server/screens/pairing-commands.ts).
  const pending = new PendingScreens(time);
  // Cue waits and continues stand in front of the store, so GO from any source runs them (server/show/cue-sequencer.ts).
  const cues = createCueSequencer({ time, logger, memory: fileCueMemory(cueSequenceFile(opts.dataDir)), notify: (m) => notices.add('cues', m) });
  let core: ReturnType<typeof createShowStore> | undefined; // the inner store: in multi-node mode a follower adopts the writer's show into it
  const store = cues.wrap(withPairing((core = createShowStore({
    initial,
    storage,
    time,
    // Uploaded pieces by version (show.pieces, each wall's version); bundled ones from the catalog.
    piece: (id, version) => pieceState.ref(id, version),
    playLeadMs: (wallId, installationId) => {
      const show = store.get();
      // Several nodes: the wall's screens connected to any node (their preload times come with their node's heartbeat).
      const screens = Object.values(show.screens).filter((s) => s.wallId === wallId && (registry.isConnected(s.id) || !!cluster?.connectedElsewhere(s.id))).map((s) => s.id);
      const leadOf = (ids: string[]) => registry.preloads.leadMs(ids, installationId, catalog.get(installationId)?.version ?? null);
      // Several nodes: each other node's screens also wait for that node's lag behind the writer (server/cluster/lead.ts).
      return cluster ? cluster.playLeadMs(screens, (id) => registry.isConnected(id), leadOf) : leadOf(screens);
    },
    lateScreens: (wallId, installationId, availableMs) => {
      const show = store.get();
      const screens = Object.values(show.screens).filter((s) => s.wallId === wallId && (registry.isConnected(s.id) || !!cluster?.connectedElsewhere(s.id))).map((s) => s.id);
      const lateOf = (ids: string[], ms: number) => registry.preloads.lateScreens(ids, installationId, catalog.get(installationId)?.version ?? null, ms);
      return cluster ? cluster.lateScreens(screens, (id) => registry.isConnected(id), availableMs, lateOf) : lateOf(screens, availableMs);
    },
    onError: (e) => logger.error({ err: e }, 'show: listener failed'),
  })), { pending }));
  logCommands(store, logger);
  // Prometheus metrics (GET /metrics; docs/links.md): counters others call (metrics.dmxPacket), gauges read when scraped.
  const metrics = createMetrics();
  store.onDispatch(metrics.command);
  // The catalog lists each uploaded piece's current version (the one the next wall.play starts).
  const pieceState = createPieceState({ store: pieces, catalog, show: () => store.get() });
  pieceState.sync();
  store.subscribe(() => pieceState.sync());
  // A piece whose params changed (at start-up, or a new version now): stored values that no longer
  // fit are reset to the defaults in one durable change and reported, before the screens hear of it.
  let onNotice = () => {};
  const notices = createNotices(time, () => onNotice());
  // The activity log (<data>/activity.jsonl; GET /api/log): commands with source, who and result, screens, errors, sign-ins.
  const activity = createActivityLog({ file: path.join(opts.dataDir, 'activity.jsonl'), now: time, log: logger });
  const upgrades: UpgradeDeps = { store, piece: (id, version) => pieceState.ref(id, version), log: logger, notices };
  // Cues a migration changed are flagged in the panel until saved again (server/show/cue-review.ts).
  const cueReview = createCueReview({ store, memory: fileCueReviewMemory(cueReviewFile(opts.dataDir)), log: logger });
  cueReview.around(() => upgradeStoredParams(upgrades, 'at start-up'));
  // Deferred: the catalog changes inside the store's own notifications (a piece.add), which must finish first.
  catalog.subscribe(() => queueMicrotask(() => void cueReview.around(() => upgradeStoredParams(upgrades, 'after a piece changed'))));
  const scheduler = createScheduler({ store, time, logger, memory: fileMemory(schedulerFile(opts.dataDir)) });
  // DMX over Art-Net and sACN (docs/links.md): follows the show, on a thread of its own; pieces' lights come in through the display transport.
  // Several nodes: only the writer sends DMX (server/cluster/outputs.ts).
  const dmxStore = cluster ? cluster.dmxView(store) : store;
  const dmx =
    opts.dmxThread === false
      ? createDmxEngine({ store: dmxStore, time, logger, onPacket: (id) => metrics.dmxPacket(id), ...(opts.dmxTrace ? { onTrace: (t: DmxTrace) => opts.dmxTrace?.set(t) } : {}) })
      : startDmxThread({ store: dmxStore, time, logger, onPackets: (id, n) => metrics.dmxPacket(id, n), ...(opts.dmxFifo !== undefined ? { fifo: opts.dmxFifo } : {}), ...(opts.dmxTrace ? { trace: opts.dmxTrace } : {}), ...(opts.dmxWait ? { wait: opts.dmxWait } : {}) });
  const lights = createLightsInput({ show: () => store.get(), time, engine: dmx, logger });

  // Pieces run in a frame of the stage origin, a second listener (server/http/stage-origin.ts).
  let stage: StageOrigin | null = null;
  let clock: ClockResponder | null = null;
  const http = await createHttp(logger, { bodyLimit: 1024 * 1024, trustProxy: opts.trustProxy ?? 0, ...(opts.tls ? { tls: opts.tls } : {}), frameSrc: (req) => stage?.originFor(req) ?? null, connectSrc: (req) => clockUrlFor(req, clock) });
  const io = createIo(http.server, cluster?.io);

  let baseUrl = opts.publicUrl ?? '';
  const visitUrl = (wallId: string) => `${baseUrl}/visit/${wallId}`;
  let visitorTransport: VisitorTransport | null = null;
  const localVisitorStats = (wallId: string): VisitorStats => visitorTransport?.stats(wallId) ?? { visitors: 0, inputsPerSecond: 0, queue: 0 };
  const visitorStats = cluster ? (wallId: string) => cluster.visitorStats(wallId, localVisitorStats(wallId)) : localVisitorStats;
  // A screen loads the version its wall plays (wall.version), not the newest upload.
  const views = { piece: (id: string, version?: string | null) => pieceState.summary(id, version), visitUrl };
  const view = () => showView(store.get(), registry, time(), { ...views, visitorStats, pending: () => pending.list(), displayUrl: (id, key) => displayUrlOf(baseUrl, id, key), health, notices: notices.list,
    ...(cluster ? { screens: cluster.screens } : {}), cueWaits: cues.waits, cueProblems: (show) => ({ ...cueReview.flags(show), ...cueProblems(show, (id, version) => pieceState.ref(id, version)) }), dmxStats: () => dmx.stats() });

  const display = attachDisplay(io, { store, registry, catalog, time, logger, views, pending, limits: new ReportLimits(time), trustProxy: opts.trustProxy ?? 0, lights, ...(cluster ? { answeringElsewhere: (id: string) => cluster.answeringElsewhere(id) } : {}) });
  const visitors = (visitorTransport = attachVisitors(io, { store: cluster ? cluster.visitorView(store) : store, catalog, time, logger, display: cluster ? cluster.visitorDisplay(display, time, opts.visitors) : display, options: opts.visitors, perAddress: opts.visitorsPerAddress ?? 8, cutOffAfterRefusals: opts.visitorsCutOffAfterRefusals ?? 100, trustProxy: opts.trustProxy ?? 0, server: http.server, foreign: auth.foreign }));
  const control = attachControl(io, { store, ...(cluster ? { command: cluster.command } : {}), registry, catalog, time, logger, auth, display: cluster ? cluster.controlDisplay(display) : display, view, onExtraChange: (fn) => { visitors.onStats(fn); pending.onChange(fn); }, trustProxy: opts.trustProxy ?? 0 });
  metrics.attach({ screens: () => registry.statuses(store.get()), visitors: () => Object.keys(store.get().walls).map((wallId) => ({ wallId, count: visitors.hub.stats(wallId).visitors })), inputs: () => visitors.hub.counters(), isPiece: (id) => catalog.get(id) !== undefined });
  display.onError((_screenId, err) => metrics.pieceError(err.installationId));
  const stopActivity = recordActivity({ log: activity, store, registry, onPieceError: (fn) => display.onError(fn), notices });

  onNotice = control.broadcast;
  cluster?.onRemoteChange(control.broadcast);
  // Other nodes' screens came or went: a wall whose screens still connected are all ready switches now (server/screens/wall-gate.ts).
  cluster?.onRemoteChange(() => display.recheckWalls());
  // This node's screens came or went: its heartbeat goes out now, not at the next beat (server/cluster/tick.ts).
  if (cluster) registry.onPresence(() => cluster.screensChanged());
  cues.onChange(control.broadcast);
  disk.onChange(control.broadcast);
  const sweep = setInterval(() => {
    const turned = registry.sweep();
    if (turned.length) display.recheckWalls(); // a wall's gate no longer waits for a stale screen
    for (const id of turned)
      logger.warn({ screenId: id, staleMs: registry.staleMs }, `display: screen '${id}' sent no heartbeat for ${registry.staleMs / 1000} s while its socket looks connected (asleep, or its page hangs)`);
  }, Math.max(50, Math.min(1000, registry.staleMs / 4)));
  sweep.unref();
  // The panel's DMX view counts each output's packets: its mirror is sent again every 2 s while they go out.
  let dmxSent = -1;
  const dmxTick = setInterval(() => {
    const n = Object.values(dmx.stats()).reduce((sum, o) => sum + o.packets + o.errors, 0);
    if (n !== dmxSent) control.broadcast();
    dmxSent = n;
  }, 2000);
  dmxTick.unref();

  // Restore points (<data>/restore-points/): hourly, and before every import and restore (server/http/backups.ts).
  const points = createRestorePoints({ dir: path.join(opts.dataDir, 'restore-points'), now: time, log: logger });
  const backups = { show: () => store.get(), points, importShow: (raw: unknown) => importShow(upgrades, raw) };
  registerApi(http, { store, ...(cluster ? { command: cluster.command } : {}), catalog, auth, version: VERSION, startedAt: time(), now: time, view, health, importShow: (raw) => importWithRestorePoint(backups, raw), visitors: (wallId) => (!store.get().walls[wallId] ? null : cluster ? cluster.visitors(wallId, visitors.hub.list(wallId)) : visitors.hub.list(wallId)), visitorBanMs: visitors.hub.banMs,
    signedOut: (sessionId) => control.closeSession(sessionId),
    signedIn: (w) => void activity.add({ kind: 'sign-in', by: w.artist ? `artist ${w.artist}` : w.role, result: 'ok', text: `${w.artist ? `artist ${w.artist}` : w.role} signed in from ${w.address}` }),
  });
  await registerPieceRoutes(http, { auth, store: pieces, state: pieceState, dispatch: (c, source) => store.dispatch(c, source), limits: { ...DEFAULT_LIMITS, ...opts.pieceLimits }, firstArtist });
  registerArtistRoutes(http, { auth, artists, pieces: pieceState, firstArtist });
  registerLandingApi(http, () => store.get());
  registerBackupRoutes(http, { auth, ...backups });
  registerActivityRoutes(http, { auth, log: activity });
  await registerPages(http, staticDir);
  registerStageApi(http, () => stage);
  registerMetricsRoute(http, { auth, metrics, ...(opts.metricsToken ? { token: opts.metricsToken } : {}) });
  registerClockApi(http, () => clock);
  const startedAt = Date.now();
  registerNodesRoute(http, { auth, cluster: cluster ? () => cluster.nodes() : null, self: () => ({ id: 'this', role: 'single', address: baseUrl, upSince: startedAt, clients: io.engine.clientsCount, version: store.get().version, heartbeatAgeMs: 0, self: true, visitors: {} }) });

  let port = opts.port ?? 0;
  const trustedOrigins = [...(opts.publicUrl ? [opts.publicUrl] : []), ...(opts.trustedOrigins ?? [])];
  const stageOrigin = (stage = await createStageOrigin({ logger, staticDir, pieces, host: opts.host ?? '0.0.0.0', port: opts.stagePort ?? 0, trustProxy: opts.trustProxy ?? 0, mainPort: () => port, trustedOrigins,
    ...(opts.tls ? { tls: opts.tls } : {}), ...(opts.stageOrigin ? { origin: opts.stageOrigin } : {}), ...(opts.stagePublicPort ? { publicPort: opts.stagePublicPort } : {}) }));
  let osc: OscLink | null = null;
  // Clock pings answered on a thread of their own (server/clock/responder.ts; docs/sync.md).
  try {
    if (opts.clockPort !== null)
      clock = await startClockResponder({ port: opts.clockPort ?? 0, host: opts.host ?? '0.0.0.0', time, logger, trustProxy: opts.trustProxy ?? 0, ...(opts.clockPerAddress ? { perAddress: opts.clockPerAddress } : {}), ...(opts.clockNice !== undefined ? { nice: opts.clockNice } : {}), ...(opts.tls ? { tls: opts.tls } : {}) });
    if (opts.osc) osc = await startOsc(opts.osc, { store, registry, time, logger, host: opts.host ?? '0.0.0.0', count: metrics.oscMessage, ...(cluster ? { outActive: cluster.gate.isWriter } : {}), paramType: (wallId, name) => { const w = store.get().walls[wallId]; return w?.installationId ? catalog.get(w.installationId)?.params[name]?.type : undefined; } });
    await http.listen({ port: opts.port ?? 0, host: opts.host ?? '0.0.0.0' });
  } catch (e) {
    await osc?.close();
    await clock?.close();
    await stageOrigin.close();
    throw e;
  }
  const address = http.server.address();
  port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const scheme = opts.tls ? 'https' : 'http';
  const url = `${scheme}://localhost:${port}`;
  if (!opts.publicUrl) baseUrl = defaultPublicUrl(scheme, opts.host, port);
  cluster?.bind({ core, store, self: { address: () => baseUrl, upSince: startedAt, clients: () => io.engine.clientsCount, visitors: (wallId) => visitors.hub.list(wallId), screens: () => registry.statuses(store.get()), preloads: (id) => registry.preloads.snapshot(id), adoptPreloads: (id, snap) => { if (!registry.isConnected(id)) registry.preloads.adopt(id, snap); }, clockUrl: () => (clock ? `${scheme === 'https' ? 'wss' : 'ws'}://${new URL(baseUrl).hostname}:${clock.port}` : null) }, metrics: metrics.registry });
  scheduler.start();
  cues.start();
  const stopHourlyPoints = points.hourly(() => store.get());

  return {
    url,
    port,
    stagePort: stageOrigin.port,
    stageUrl: stageOrigin.url,
    clock,
    secrets,
    store,
    catalog,
    pieces,
    pieceState,
    artists,
    io,
    visitors: visitors.hub,
    visitorInputSockets: () => visitors.inputSockets(),
    dmx,
    metrics,
    osc,
    displayUrl(screenId, base = url) {
      const key = store.get().screens[screenId]?.key;
      return key ? displayUrlOf(base, screenId, key) : null;
    },
    async close() {
      display.close();
      clearInterval(sweep);
      clearInterval(dmxTick);
      disk.close();
      visitors.close();
      scheduler.close();
      cues.close();
      cueReview.close();
      dmx.close();
      await osc?.close();
      metrics.close();
      stopHourlyPoints();
      stopActivity();
      await closeIo(io);
      await http.close().catch(() => {});
      await stageOrigin.close();
      await clock?.close();
      await cluster?.close();
      clusterClock?.close();
      storage.close();
    },
  };
}

/** PAVILION_SCREEN_STALE_S in ms (the default when unset); anything but a number of seconds > 0 throws, saying what to give. */
function staleMsFromEnv(): number {
  const raw = process.env.PAVILION_SCREEN_STALE_S;
  if (raw === undefined || raw.trim() === '') return DEFAULT_STALE_MS;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new Error(`config: PAVILION_SCREEN_STALE_S='${raw}' is not valid; give the seconds without a heartbeat after which a screen shows as stale (e.g. 10)`);
  return Math.round(s * 1000);
}
