import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import {
  DisplayHealthSchema,
  DisplayHello,
  DisplayPreloadedSchema,
  DisplayReadySchema,
  PieceErrorSchema,
  Thumbnail,
  describeIssues,
  fail,
  type DisplayClientToServer,
  type Unvalidated,
  type DisplayServerToClient,
  type DisplayView,
  type Ack,
  type VisitorFrame,
} from '../../protocol';
import type { ShowStore } from '../show/store';
import type { ScreenRegistry } from '../screens/registry';
import type { PendingScreens } from '../screens/pairing';
import { keyMatches } from '../screens/keys';
import type { ReportLimits } from '../screens/report-limits';
import { WallGate, type ReadyReport } from '../screens/wall-gate';
import { ScreenFrames } from '../visitors/screen-frames';
import { clientAddress } from './addresses';
import { displayView, type ViewDeps } from '../show/views';
import type { TimeSource } from '../clock/time';
import type { PieceCatalog } from '../pieces/catalog';
import { ackOf, answerUnknownEvents, safe } from './safe';
import { clockResponder } from './clock';

interface SocketData {
  /** Set once the page said hello with its screen's key: only then is it the screen. */
  screenId?: string;
  /** The key it paired with, checked again on every change of the show (revoked, re-issued, forgotten). */
  key?: string;
  /** The id in the page's address, kept while it waits to be paired. */
  requestedId?: string;
  /** Room `wall:<id>` of the screen's wall: visitor input frames go there. */
  wallRoom?: string | null;
}

export type DisplayNamespace = Namespace<Unvalidated<DisplayClientToServer>, DisplayServerToClient, Record<string, never>, SocketData>;
type DisplaySocket = Socket<Unvalidated<DisplayClientToServer>, DisplayServerToClient, Record<string, never>, SocketData>;

export interface DisplayTransport {
  nsp: DisplayNamespace;
  identify(screenId: string, until: number): void;
  reload(screenId: string): void;
  wantThumbnails(want: boolean): void;
  onThumbnail(fn: (screenId: string, dataUrl: string) => void): void;
  onError(fn: (screenId: string, err: import('../../protocol').PieceError) => void): void;
  /**
   * Sends a wall's input frames to its screens (volatile; full or as what changed since the
   * previous one: server/visitors/screen-frames.ts), or null while none of them is connected, so
   * that a caller can skip building the frame. Other namespaces use this rather than naming the
   * display's rooms.
   */
  frameTo(wallId: string): ((frame: VisitorFrame) => void) | null;
  /** This node's screens' ready runs, as the gate took them (several nodes: relayed to the others, server/cluster/screen-reports.ts). */
  onReady(fn: (report: ReadyReport) => void): void;
  /** A screen connected to another node has its run ready (relayed, with that node's stamp). */
  readyElsewhere(report: ReadyReport): void;
  /** Other nodes' screens came or went: a run that every screen still connected has reported goes now. */
  recheckWalls(): void;
  close(): void;
}

/** The room of a wall's screens. */
const wallRoom = (wallId: string) => `wall:${wallId}`;
/** Every paired page; a page waiting to be paired hears nothing but its own code. */
const PAIRED = 'paired';

export function attachDisplay(
  io: Server,
  deps: {
    store: ShowStore; registry: ScreenRegistry; catalog: PieceCatalog; time: TimeSource; logger: Logger; views: ViewDeps;
    /** Pages waiting to be paired, and the limits on what paired screens report (server/screens/). */
    pending: PendingScreens; limits: ReportLimits; trustProxy: number;
    /** Piece lights (server/links/dmx-lights.ts): checks, rate-limits and maps a screen's frame; a message when it is malformed. */
    lights?: { frame(screenId: string, payload: unknown): string | null; forget(screenId: string): void };
    /** Several nodes: whether a screen's page is connected to another node and not stale there (the wall's gate waits for it too). */
    answeringElsewhere?: (screenId: string) => boolean;
  },
): DisplayTransport {
  const nsp = io.of('/display') as DisplayNamespace;
  const { store, registry, logger } = deps;
  const lastSent = new Map<string, string>();
  let thumbnails = false;
  const thumbListeners: Array<(id: string, url: string) => void> = [];
  const errorListeners: Array<(id: string, e: import('../../protocol').PieceError) => void> = [];
  const readyListeners: Array<(r: ReadyReport) => void> = [];

  // Input frames as each wall's screens get them: whole, or what changed (server/visitors/screen-frames.ts).
  const screenFrames = new ScreenFrames();
  // "A wall switches as one" (server/screens/wall-gate.ts): each node tells its own screens of the wall.
  const gate = new WallGate({
    screens: (wallId) => {
      const show = store.get();
      return show.walls[wallId] ? Object.values(show.screens).filter((s) => s.wallId === wallId).map((s) => s.id) : null;
    },
    // A stale page (no heartbeat for the registry's staleMs: it hangs, or its machine sleeps) is not waited for.
    isConnected: (id) => registry.isAnswering(id) || !!deps.answeringElsewhere?.(id),
    go: (wallId, key, at, screenId) => void nsp.local.to(screenId ? `screen:${screenId}` : wallRoom(wallId)).emit('wall:go', { key, at }),
    now: deps.time,
  });
  /** The wall of a screen that left or moved: a run that every screen still connected has reported goes now. */
  const recheckWallOf = (screenId: string) => {
    const wallId = store.get().screens[screenId]?.wallId;
    if (wallId) gate.recheck(wallId);
  };

  const viewOf = (screenId: string): DisplayView => displayView(store.get(), screenId, deps.views);

  function push(screenId: string, force = false): void {
    const view = viewOf(screenId);
    const json = JSON.stringify(view);
    if (!force && lastSent.get(screenId) === json) return;
    lastSent.set(screenId, json);
    nsp.to(`screen:${screenId}`).emit('display:view', view);
  }

  function pushAll(): void {
    for (const [room, sockets] of nsp.adapter.rooms) if (room.startsWith('screen:') && sockets.size) push(room.slice(7));
  }

  /** Keeps the socket in the room of its screen's wall (screens move between walls). */
  function syncWallRoom(socket: { data: SocketData; join(room: string): unknown; leave(room: string): unknown }): void {
    const id = socket.data.screenId;
    if (!id) return;
    const wallId = store.get().screens[id]?.wallId ?? null;
    const room = wallId ? wallRoom(wallId) : null;
    if ((socket.data.wallRoom ?? null) === room) return;
    if (socket.data.wallRoom) void socket.leave(socket.data.wallRoom);
    if (room) void socket.join(room);
    if (wallId) screenFrames.reset(wallId); // its first frame must be full
    socket.data.wallRoom = room;
  }

  /** The page proved its key: from now on it is the screen. */
  function pair(socket: DisplaySocket, id: string, key: string): void {
    socket.data.screenId = id;
    socket.data.key = key;
    void socket.join([`screen:${id}`, PAIRED]);
    const waiting = deps.pending.bySocket(socket.id);
    if (waiting) deps.pending.remove(waiting.code);
    registry.connected(id);
    registry.preloads.pageStarted(id); // maybe a new page, with an empty module cache: assume so
    logger.info({ screenId: id }, 'display: screen connected');
  }

  /** Its key no longer opens the screen (revoked, re-issued, forgotten): it is a stranger again. */
  function unpair(socket: DisplaySocket): void {
    const id = socket.data.screenId;
    if (!id) return;
    void socket.leave(`screen:${id}`);
    void socket.leave(PAIRED);
    if (socket.data.wallRoom) void socket.leave(socket.data.wallRoom);
    socket.data.screenId = undefined;
    socket.data.key = undefined;
    socket.data.wallRoom = null;
    registry.disconnected(id);
    if (!registry.isConnected(id)) lastSent.delete(id);
    recheckWallOf(id);
    logger.info({ screenId: id }, 'display: key no longer valid; the page waits to be paired');
  }

  /** The page waits to be paired: it gets its code ('display:pairing'), and the refusal to ack. */
  function wait(socket: DisplaySocket, requestedId: string, claim?: string): Ack<{ view: DisplayView }> {
    socket.data.requestedId = requestedId;
    const address = clientAddress(socket.request, deps.trustProxy);
    const userAgent = String(socket.handshake.headers['user-agent'] ?? '');
    const admitted = deps.pending.admit({ socketId: socket.id, requestedId, address, userAgent, claim });
    if (!admitted.ok) {
      logger.warn({ requestedId, address, reason: admitted.reason }, 'display: a page without a key was refused a pairing code');
      return fail('rate_limited', admitted.reason === 'full'
        ? `${deps.pending.options.max} screen pages wait to be paired already; approve or close some (control panel, Screens), then reload this page`
        : 'too many screen pages from this computer wait to be paired; approve them in the control panel (Screens), then reload this page');
    }
    const { code, claim: ownClaim, expiresAt } = admitted.entry;
    socket.emit('display:pairing', { code, claim: ownClaim, expiresAt });
    return fail('unauthorized', `screen '${requestedId}' is not paired here (no key, or a wrong or revoked one): it waits with code ${code}; approve it in the control panel (Screens → Waiting to pair), or open the screen's address with its key`);
  }

  /** A waiting page whose code expired gets a new one (or, with no room left, is let go). */
  const sweeper = setInterval(() => {
    for (const socketId of deps.pending.takeExpired()) {
      const socket = nsp.sockets.get(socketId);
      if (!socket || socket.data.screenId || !socket.data.requestedId) continue;
      wait(socket, socket.data.requestedId);
      if (!deps.pending.bySocket(socketId)) socket.disconnect(true); // no room to wait: its reconnect hears why
    }
  }, 5000);
  sweeper.unref();

  store.subscribe((show, effects, command) => {
    // Drop pages whose key no longer opens their screen, before anything is sent to the screens.
    for (const socket of nsp.sockets.values()) {
      const id = socket.data.screenId;
      if (id && !keyMatches(socket.data.key, show.screens[id]?.key)) {
        unpair(socket);
        wait(socket, id);
        if (!deps.pending.bySocket(socket.id)) socket.disconnect(true); // no room to wait: its reconnect hears why
      }
    }
    if (command?.type === 'screen.pair' && command.key) {
      // The approved page gets its key; it stores it and says hello with it.
      const entry = deps.pending.remove(command.code);
      const socket = entry?.socketId ? nsp.sockets.get(entry.socketId) : undefined;
      socket?.emit('display:paired', { screenId: command.screenId, key: command.key });
      logger.info({ screenId: command.screenId, code: command.code, delivered: !!socket }, 'display: page approved');
    }
    pushAll();
    for (const socket of nsp.sockets.values()) syncWallRoom(socket);
    gate.recheck(); // a screen moved to another wall, or was forgotten
    for (const e of effects) {
      if (e.kind === 'identify') nsp.to(`screen:${e.screenId}`).emit('screen:identify', { until: deps.time() + 5000 });
      if (e.kind === 'reload') nsp.to(`screen:${e.screenId}`).emit('screen:reload');
      if (e.kind === 'xr') nsp.to(`screen:${e.screenId}`).emit('screen:xr', { action: e.action }); // a VR station's recenter or reset (docs/vr.md)
    }
  });
  deps.catalog.subscribe((pieces) => {
    nsp.to(PAIRED).emit('pieces:changed', { pieces });
    pushAll();
  });

  nsp.on('connection', (socket) => {
    answerUnknownEvents(socket, 'bad_request', (event, known) => `a screen's channel has no event '${event}'; it takes ${known.join(', ')}`);
    socket.on('clock:ping', clockResponder(deps.time));

    socket.on('display:hello', safe(logger, 'display:hello', (payload: unknown, cb: unknown) => {
      const ack = ackOf<Parameters<Parameters<DisplayClientToServer['display:hello']>[1]>[0]>(cb);
      const parsed = DisplayHello.safeParse(payload);
      if (!parsed.success) return ack(fail('bad_request', `display:hello: ${describeIssues(parsed.error.issues)}`));
      const { screenId: id, key, claim } = parsed.data;
      if (socket.data.screenId && socket.data.screenId !== id) return ack(fail('conflict', 'this connection already registered another screen; reload the page'));
      // Only the screen's key opens it (compared in constant time); an unknown id never joins the show.
      if (!keyMatches(key, store.get().screens[id]?.key)) {
        unpair(socket);
        return ack(wait(socket, id, claim));
      }
      if (!socket.data.screenId) pair(socket, id, key!);
      syncWallRoom(socket);
      const view = viewOf(id);
      lastSent.set(id, JSON.stringify(view));
      ack({ ok: true, view });
      if (thumbnails) socket.emit('screen:thumbnails', { want: true });
    }));

    socket.on('display:health', safe(logger, 'display:health', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id || !deps.limits.take(id, 'health')) return;
      const parsed = DisplayHealthSchema.safeParse(payload);
      if (!parsed.success) return void socket.emit('error:notice', { code: 'bad_request', message: `display:health: ${describeIssues(parsed.error.issues)}` });
      registry.health(id, parsed.data);
    }));

    socket.on('display:preloaded', safe(logger, 'display:preloaded', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id || !deps.limits.take(id, 'preload')) return;
      const parsed = DisplayPreloadedSchema.safeParse(payload);
      if (!parsed.success) return void socket.emit('error:notice', { code: 'bad_request', message: `display:preloaded: ${describeIssues(parsed.error.issues)}` });
      const p = parsed.data;
      if (!deps.catalog.get(p.installationId)) return; // a piece this server does not have sets no lead
      registry.preloads.record(id, p.installationId, p.version, p.ms, p.cold, p.adopted === true);
    }));

    socket.on('display:ready', safe(logger, 'display:ready', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id || !deps.limits.take(id, 'ready')) return;
      const parsed = DisplayReadySchema.safeParse(payload);
      if (!parsed.success) return void socket.emit('error:notice', { code: 'bad_request', message: `display:ready: ${describeIssues(parsed.error.issues)}` });
      const wallId = store.get().screens[id]?.wallId;
      if (!wallId) return; // a screen on no wall switches on its own
      const report: ReadyReport = { wallId, screenId: id, key: parsed.data.key, startedAt: parsed.data.startedAt, stamp: deps.time() };
      gate.ready(report);
      for (const l of readyListeners) l(report);
    }));

    // The page missed an input frame of its wall (volatile): the wall's next frame goes whole. No payload.
    socket.on('display:resync', safe(logger, 'display:resync', () => {
      const id = socket.data.screenId;
      if (!id || !deps.limits.take(id, 'resync')) return;
      const wallId = store.get().screens[id]?.wallId;
      if (wallId) screenFrames.reset(wallId);
    }));

    socket.on('display:error', safe(logger, 'display:error', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id) return;
      if (!deps.limits.take(id, 'error')) {
        const dropped = deps.limits.dropped(id);
        if (dropped % 100 === 1) logger.warn({ screenId: id, dropped }, 'display: reports over the rate limit dropped');
        return;
      }
      const parsed = PieceErrorSchema.safeParse(payload);
      if (!parsed.success) return void socket.emit('error:notice', { code: 'bad_request', message: `display:error: ${describeIssues(parsed.error.issues)}` });
      const err = { ...parsed.data, stack: parsed.data.stack ?? undefined, at: deps.time() };
      logger.warn({ screenId: id, installationId: err.installationId, phase: err.phase, message: err.message }, 'display: piece error');
      registry.error(id, err);
      for (const l of errorListeners) l(id, err);
    }));

    socket.on('display:thumbnail', safe(logger, 'display:thumbnail', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id || !thumbnails || !deps.limits.take(id, 'thumbnail')) return;
      const parsed = Thumbnail.safeParse(payload);
      if (!parsed.success) return;
      for (const l of thumbListeners) l(id, parsed.data.dataUrl);
    }));

    socket.on('display:lights', safe(logger, 'display:lights', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id || !deps.lights) return;
      const problem = deps.lights.frame(id, payload);
      if (problem && deps.limits.take(id, 'error')) socket.emit('error:notice', { code: 'bad_request', message: problem });
    }));

    socket.on('disconnect', () => {
      const id = socket.data.screenId;
      if (!id) return deps.pending.left(socket.id);
      registry.disconnected(id);
      if (!registry.isConnected(id)) lastSent.delete(id);
      recheckWallOf(id);
      logger.info({ screenId: id }, 'display: screen disconnected');
    });
  });

  return {
    nsp,
    identify: (id, until) => void nsp.to(`screen:${id}`).emit('screen:identify', { until }),
    reload: (id) => void nsp.to(`screen:${id}`).emit('screen:reload'),
    wantThumbnails(want) {
      if (want === thumbnails) return;
      thumbnails = want;
      nsp.to(PAIRED).emit('screen:thumbnails', { want });
    },
    onThumbnail: (fn) => void thumbListeners.push(fn),
    onError: (fn) => void errorListeners.push(fn),
    frameTo(wallId) {
      const room = wallRoom(wallId);
      if (!nsp.adapter.rooms.get(room)?.size) {
        screenFrames.reset(wallId);
        return null;
      }
      return (frame) => void nsp.to(room).volatile.emit('visitors:frame', screenFrames.wire(frame, performance.now()));
    },
    onReady: (fn) => void readyListeners.push(fn),
    readyElsewhere: (report) => gate.ready(report, false),
    recheckWalls: () => gate.recheck(),
    close: () => clearInterval(sweeper),
  };
}
