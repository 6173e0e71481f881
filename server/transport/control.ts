import type { Namespace, Server } from 'socket.io';
import type { Logger } from 'pino';
import { ControlWatch, type Ack, type ControlClientToServer, type ControlServerToClient, type ShowView, type Unvalidated } from '../../protocol';
import type { ShowStore } from '../show/store';
import type { ScreenRegistry } from '../screens/registry';
import type { TimeSource } from '../clock/time';
import type { Auth } from '../http/auth';
import type { PieceCatalog } from '../pieces/catalog';
import type { DisplayTransport } from './display';
import { requireRole } from './auth';
import { ackOf, answerUnknownEvents, safe } from './safe';
import { clockResponder } from './clock';
import { actingAs } from '../activity/actor';

type ControlNamespace = Namespace<Unvalidated<ControlClientToServer>, ControlServerToClient, Record<string, never>, { watching?: boolean }>;

export interface ControlTransport {
  nsp: ControlNamespace;
  broadcast: () => void;
  /** A session was ended by signing out: close the panels it still has open. */
  closeSession(sessionId: string): void;
}

/** The technician's channel: commands in, the show mirror out (throttled). */
export function attachControl(
  io: Server,
  deps: {
    store: ShowStore;
    /** Multi-node mode (server/cluster/): commands run through it (on the writer node, or forwarded to it); the answer means durable. */
    command?: (raw: unknown, source: 'socket', actor: string) => Promise<Ack<{ version: number }>>;
    registry: ScreenRegistry;
    catalog: PieceCatalog;
    time: TimeSource;
    logger: Logger;
    auth: Auth;
    display: DisplayTransport;
    view: () => ShowView;
    /** Changes that the show store does not see (visitor counts) call this. */
    onExtraChange: (fn: () => void) => void;
    /** Reverse proxies in front of the server (hops) whose X-Forwarded-For decides the address (default 0). */
    trustProxy?: number;
  },
): ControlTransport {
  const nsp = io.of('/control') as ControlNamespace;
  nsp.use(requireRole(deps.auth, ['technician'], deps.trustProxy ?? 0));

  let timer: NodeJS.Timeout | null = null;
  let lastAt = 0;
  const INTERVAL = 250;
  function flush(): void {
    timer = null;
    lastAt = Date.now();
    if (nsp.sockets.size) nsp.emit('control:state', deps.view());
  }
  function broadcast(): void {
    if (timer) return;
    const wait = Math.max(0, INTERVAL - (Date.now() - lastAt));
    timer = setTimeout(flush, wait);
  }
  deps.store.subscribe(() => broadcast());
  deps.registry.onChange(broadcast);
  deps.onExtraChange(broadcast);
  deps.catalog.subscribe((pieces) => nsp.emit('control:pieces', { pieces }));
  deps.display.onThumbnail((screenId, dataUrl) => {
    for (const s of nsp.sockets.values()) if (s.data.watching) s.emit('control:thumbnail', { screenId, dataUrl, at: deps.time() });
  });
  deps.display.onError((screenId, err) => nsp.emit('control:error', { ...err, screenId }));

  const updateWatching = () => deps.display.wantThumbnails([...nsp.sockets.values()].some((s) => s.data.watching));

  nsp.on('connection', (socket) => {
    answerUnknownEvents(socket, 'bad_request', (event, known) => `the control panel's channel has no event '${event}'; it takes ${known.join(', ')}`);
    socket.emit('control:state', deps.view());
    socket.emit('control:pieces', { pieces: deps.catalog.list() });
    socket.on('clock:ping', clockResponder(deps.time));
    socket.on('command', safe(deps.logger, 'command', (payload: unknown, cb: unknown) => {
      const ack = ackOf<Parameters<Parameters<ControlClientToServer['command']>[1]>[0]>(cb);
      // Logged with its source (server/metrics/command-log.ts) and, in the activity log, the panel session that sent it.
      const session = (socket.data as { sessionId?: string | null }).sessionId;
      if (deps.command) return void deps.command(payload, 'socket', session ? `panel ${session.slice(0, 6)}` : 'panel').then(ack);
      const res = actingAs(session ? `panel ${session.slice(0, 6)}` : 'panel', () => deps.store.dispatch(payload, 'socket'));
      ack(res);
    }));
    socket.on('control:watch', safe(deps.logger, 'control:watch', (payload: unknown) => {
      const parsed = ControlWatch.safeParse(payload);
      if (!parsed.success) return;
      socket.data.watching = parsed.data.thumbnails;
      updateWatching();
    }));
    socket.on('disconnect', updateWatching);
  });
  return {
    nsp,
    broadcast,
    closeSession(sessionId) {
      // requireRole (auth.ts) put the session id on each socket it let in.
      for (const s of nsp.sockets.values()) if ((s.data as { sessionId?: string | null }).sessionId === sessionId) s.disconnect(true);
    },
  };
}
