import type { Namespace, Server } from 'socket.io';
import type { Logger } from 'pino';
import {
  DisplayHealthSchema,
  DisplayHello,
  DisplayPreloadedSchema,
  PieceErrorSchema,
  Thumbnail,
  describeIssues,
  fail,
  type DisplayClientToServer,
  type Unvalidated,
  type DisplayServerToClient,
  type DisplayView,
} from '../../protocol';
import type { ShowStore } from '../show/store';
import type { ScreenRegistry } from '../screens/registry';
import { displayView, type ViewDeps } from '../show/views';
import type { TimeSource } from '../clock/time';
import type { PieceCatalog } from '../pieces/catalog';
import { ackOf, safe } from './safe';
import { clockResponder } from './clock';

interface SocketData {
  screenId?: string;
  /** Room `wall:<id>` of the screen's wall: visitor input frames go there. */
  wallRoom?: string | null;
}

export type DisplayNamespace = Namespace<Unvalidated<DisplayClientToServer>, DisplayServerToClient, Record<string, never>, SocketData>;

export interface DisplayTransport {
  nsp: DisplayNamespace;
  identify(screenId: string, until: number): void;
  reload(screenId: string): void;
  wantThumbnails(want: boolean): void;
  onThumbnail(fn: (screenId: string, dataUrl: string) => void): void;
  onError(fn: (screenId: string, err: import('../../protocol').PieceError) => void): void;
  /**
   * The screens of a wall, to emit to (typed with the display events), or null while none of them
   * is connected, so that a caller can skip building the message. Other namespaces use this
   * rather than naming the display's rooms.
   */
  toWall(wallId: string): WallBroadcast | null;
}

/** A broadcast to some of the display namespace's sockets. */
export type WallBroadcast = ReturnType<DisplayNamespace['to']>;

/** The room of a wall's screens. */
const wallRoom = (wallId: string) => `wall:${wallId}`;

export function attachDisplay(
  io: Server,
  deps: { store: ShowStore; registry: ScreenRegistry; catalog: PieceCatalog; time: TimeSource; logger: Logger; views: ViewDeps },
): DisplayTransport {
  const nsp = io.of('/display') as DisplayNamespace;
  const { store, registry, logger } = deps;
  const lastSent = new Map<string, string>();
  let thumbnails = false;
  const thumbListeners: Array<(id: string, url: string) => void> = [];
  const errorListeners: Array<(id: string, e: import('../../protocol').PieceError) => void> = [];

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
    socket.data.wallRoom = room;
  }

  store.subscribe((_show, effects) => {
    pushAll();
    for (const socket of nsp.sockets.values()) syncWallRoom(socket);
    for (const e of effects) {
      if (e.kind === 'identify') nsp.to(`screen:${e.screenId}`).emit('screen:identify', { until: deps.time() + 5000 });
      if (e.kind === 'reload') nsp.to(`screen:${e.screenId}`).emit('screen:reload');
    }
  });
  deps.catalog.subscribe((pieces) => {
    nsp.emit('pieces:changed', { pieces });
    pushAll();
  });

  nsp.on('connection', (socket) => {
    socket.on('clock:ping', clockResponder(deps.time));

    socket.on('display:hello', safe(logger, 'display:hello', (payload: unknown, cb: unknown) => {
      const ack = ackOf<Parameters<Parameters<DisplayClientToServer['display:hello']>[1]>[0]>(cb);
      const parsed = DisplayHello.safeParse(payload);
      if (!parsed.success) return ack(fail('bad_request', `display:hello: ${describeIssues(parsed.error.issues)}`));
      const id = parsed.data.screenId;
      if (socket.data.screenId && socket.data.screenId !== id) return ack(fail('conflict', 'this connection already registered another screen; reload the page'));
      if (!socket.data.screenId) {
        socket.data.screenId = id;
        void socket.join(`screen:${id}`);
        registry.connected(id);
        registry.preloads.pageStarted(id); // maybe a new page, with an empty module cache: assume so
        logger.info({ screenId: id, known: !!store.get().screens[id] }, 'display: screen connected');
      }
      syncWallRoom(socket);
      const view = viewOf(id);
      lastSent.set(id, JSON.stringify(view));
      ack({ ok: true, view });
      if (thumbnails) socket.emit('screen:thumbnails', { want: true });
    }));

    socket.on('display:health', safe(logger, 'display:health', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id) return;
      const parsed = DisplayHealthSchema.safeParse(payload);
      if (!parsed.success) return void socket.emit('error:notice', { code: 'bad_request', message: `display:health: ${describeIssues(parsed.error.issues)}` });
      registry.health(id, parsed.data);
    }));

    socket.on('display:preloaded', safe(logger, 'display:preloaded', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id) return;
      const parsed = DisplayPreloadedSchema.safeParse(payload);
      if (!parsed.success) return void socket.emit('error:notice', { code: 'bad_request', message: `display:preloaded: ${describeIssues(parsed.error.issues)}` });
      const p = parsed.data;
      registry.preloads.record(id, p.installationId, p.version, p.ms, p.cold);
    }));

    socket.on('display:error', safe(logger, 'display:error', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id) return;
      const parsed = PieceErrorSchema.safeParse(payload);
      if (!parsed.success) return void socket.emit('error:notice', { code: 'bad_request', message: `display:error: ${describeIssues(parsed.error.issues)}` });
      const err = { ...parsed.data, stack: parsed.data.stack ?? undefined, at: deps.time() };
      logger.warn({ screenId: id, installationId: err.installationId, phase: err.phase, message: err.message }, 'display: piece error');
      registry.error(id, err);
      for (const l of errorListeners) l(id, err);
    }));

    socket.on('display:thumbnail', safe(logger, 'display:thumbnail', (payload: unknown) => {
      const id = socket.data.screenId;
      if (!id || !thumbnails) return;
      const parsed = Thumbnail.safeParse(payload);
      if (!parsed.success) return;
      for (const l of thumbListeners) l(id, parsed.data.dataUrl);
    }));

    socket.on('disconnect', () => {
      const id = socket.data.screenId;
      if (!id) return;
      registry.disconnected(id);
      if (!registry.isConnected(id)) lastSent.delete(id);
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
      nsp.emit('screen:thumbnails', { want });
    },
    onThumbnail: (fn) => void thumbListeners.push(fn),
    onError: (fn) => void errorListeners.push(fn),
    toWall(wallId) {
      const room = wallRoom(wallId);
      return nsp.adapter.rooms.get(room)?.size ? nsp.to(room) : null;
    },
  };
}
