import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import {
  VisitorClock,
  VisitorJoin,
  decodeInputFrame,
  encodeAnswerFrame,
  INPUT_CLOSE,
  describeIssues,
  isFrameRefusal,
  fail,
  type Show,
  type VisitorClientToServer,
  type Unvalidated,
  type VisitorServerToClient,
  type VisitorStats,
  type VisitorView,
} from '../../protocol';
import type { ShowStore } from '../show/store';
import type { TimeSource } from '../clock/time';
import type { PieceCatalog } from '../pieces/catalog';
import { AckFolder, DEFAULT_HUB_OPTIONS, InputTickets, NOT_JOINED, VisitorHub, newFoldSlot, type FoldSlot, type HubOptions, type InputAck, type Refusal, type Visitor, type WallInfo } from '../visitors';
import type { DisplayTransport } from './display';
import { ackOf, answerUnknownEvents, safe } from './safe';
import { clockResponder } from './clock';
import { AddressCounter, clientAddress } from './addresses';
import { listenForFrames } from './visitor-frames';
import { serveInputSockets, type InputPipe, type InputSocketStats } from './visitor-input';

interface SocketData {
  visitor?: Visitor;
  joins?: number;
  /** The address it counts against (server/transport/addresses.ts). */
  address?: string;
  /** Refusals in a row: a socket that keeps sending after them is disconnected. */
  refusedInARow?: number;
  /** Folded acks of `visitor:put` and input frames (server/visitors/acks.ts). */
  fold?: FoldSlot;
  /** Its input socket, while one is open (server/transport/visitor-input.ts): answers go there. */
  input?: InputPipe;
  /** When it was last handed an input socket ticket (at most one a second). */
  ticketAt?: number;
}

type VisitorNamespace = Namespace<Unvalidated<VisitorClientToServer>, VisitorServerToClient, Record<string, never>, SocketData>;
type VisitorSocket = Socket<Unvalidated<VisitorClientToServer>, VisitorServerToClient, Record<string, never>, SocketData>;

export interface VisitorTransport {
  nsp: VisitorNamespace;
  hub: VisitorHub;
  stats(wallId: string): VisitorStats;
  /** Called (unthrottled) when visitor counts, queues or input rates change. */
  onStats(fn: () => void): void;
  /** The input sockets' figures (null when the transport serves none: no HTTP server given). */
  inputSockets(): InputSocketStats | null;
  close(): void;
}

const MAX_JOINS_PER_SOCKET = 20;
/** Refusals in a row after which a socket is disconnected (an honest phone backs off long before). */
const MAX_REFUSED_IN_A_ROW = 100;
/** The longest time between two sweeps of owed folded answers (ms). */
const SWEEP_MAX_MS = 50;
const INTERNAL = Object.freeze(fail('internal', 'the server could not handle this input; it has been logged'));
const NO_NUMBER = Object.freeze(fail('bad_request', "visitor:put needs `n`, the input's number on this phone (a whole number ≥ 0); or send visitor:input with an ack"));
const noAck = () => {};

/** Walls as the visitor hub sees them: the show's walls with their current piece. */
export function wallInfos(show: Show, catalog: Pick<PieceCatalog, 'get'>): WallInfo[] {
  return Object.values(show.walls).map((w) => ({
    id: w.id,
    name: w.name,
    cap: w.visitorCap,
    inputOpen: w.visitorInput,
    piece: w.installationId ? (catalog.get(w.installationId) ?? null) : null,
  }));
}

/**
 * The /visitor namespace: phones join a wall and send input; input frames go to the wall's
 * screens (the display transport's `frameTo`), volatile, at most once per frame.
 */
export function attachVisitors(
  io: Server,
  deps: {
    store: ShowStore;
    catalog: PieceCatalog;
    time: TimeSource;
    logger: Logger;
    display: DisplayTransport;
    options?: Partial<HubOptions>;
    /** Visitor sockets one address may hold at once (default 8). */
    perAddress?: number;
    /** Reverse proxies in front of the server (hops) whose X-Forwarded-For is believed (default 0). */
    trustProxy?: number;
    /** Refusals in a row after which a socket is disconnected (default 100). */
    cutOffAfterRefusals?: number;
    /** The main HTTP(S) server: given, phones may open an input socket on it (/visitor/input). */
    server?: HttpServer | HttpsServer;
    /** Whether a page at this Origin is another site's (server/http/auth.ts `foreign`); default: any Origin but the request's own host is. */
    foreign?: (origin: string | undefined, host: string | undefined) => boolean;
  },
): VisitorTransport {
  const { logger, display } = deps;
  const nsp = io.of('/visitor') as VisitorNamespace;
  const statsListeners: Array<() => void> = [];

  const hub = new VisitorHub(
    deps.time,
    {
      view(socketId, view: VisitorView) {
        nsp.sockets.get(socketId)?.emit('visitor:view', view);
      },
      kicked(socketId, payload) {
        const s = nsp.sockets.get(socketId);
        if (!s) return;
        s.data.visitor = undefined; // its disconnect must not touch the visitor's place
        s.data.input?.close(INPUT_CLOSE.sessionEnded, payload.reason === 'replaced' ? 'this visitor opened the wall elsewhere' : 'removed by the staff');
        s.emit('visitor:kicked', payload);
        s.disconnect();
      },
      frame(wallId, frame) {
        // null: nobody to draw it, so skip the encoding
        display.frameTo(wallId)?.(frame);
      },
      statsChanged() {
        for (const l of statsListeners) l();
      },
    },
    undefined,
    deps.options,
  );

  let lastWalls: Show['walls'] | null = null;
  const sync = (show: Show, force = false) => {
    if (!force && show.walls === lastWalls) return;
    lastWalls = show.walls;
    hub.syncWalls(wallInfos(show, deps.catalog));
  };
  sync(deps.store.get(), true);
  deps.store.subscribe((show, effects) => {
    sync(show);
    for (const e of effects)
      if (e.kind === 'kick') {
        const n = hub.kick(e.visitorId);
        logger.info({ visitorId: e.visitorId, sessions: n }, 'visitors: kicked');
      }
  });
  deps.catalog.subscribe(() => sync(deps.store.get(), true));

  // One address holds at most `perAddress` sockets: a phone needs one, a family behind one NAT a few.
  const perAddress = new AddressCounter(deps.perAddress ?? 8);
  const cutOff = deps.cutOffAfterRefusals ?? MAX_REFUSED_IN_A_ROW;
  nsp.use((socket, next) => {
    try {
      const address = clientAddress(socket.request, deps.trustProxy ?? 0);
      if (!perAddress.tryAdd(address))
        return next(Object.assign(new Error(`rate_limited: this address already has ${perAddress.max} visitor connections open; close a tab and try again`), { data: { code: 'rate_limited' } }));
      socket.data.address = address;
      next();
    } catch {
      next(Object.assign(new Error('bad_request: the connection could not be read'), { data: { code: 'bad_request' } }));
    }
  });

  // Folded acks for `visitor:put`: at most one answer per phone per window (server/visitors/acks.ts).
  const folder = new AckFolder<VisitorSocket>(
    deps.options?.ackMs ?? DEFAULT_HUB_OPTIONS.ackMs,
    (s) => (s.data.fold ??= newFoldSlot()),
    // On the phone's input socket while it has one (a binary answer frame), else as an event.
    (s, ack) => (s.data.input ? s.data.input.send(encodeAnswerFrame(ack)) : void s.emit('visitor:acked', ack)),
    () => hub.paceMs,
    deps.options?.longAckMs ?? DEFAULT_HUB_OPTIONS.longAckMs,
  );
  // Often, so that each sweep answers few phones: phones answered together come due together, and
  // a sweep every half window wrote a burst of answers that held the event loop ~85 ms at 5,000 phones.
  const sweepTimer = setInterval(() => folder.sweep(deps.time()), Math.max(10, Math.min(SWEEP_MAX_MS, folder.windowMs / 2)));
  sweepTimer.unref();

  /** Counts a refusal in a row; true when the socket was cut off for sending through too many. */
  const cutOffAfter = (socket: VisitorSocket): boolean => {
    if ((socket.data.refusedInARow = (socket.data.refusedInARow ?? 0) + 1) < cutOff) return false;
    logger.warn({ address: socket.data.address, refused: socket.data.refusedInARow }, 'visitors: disconnected a socket that kept sending after being refused');
    socket.disconnect(true);
    return true;
  };

  /** One input with its number (visitor:put or an input frame): taken, or refused; answered folded (`answerNow`: at once). */
  const takeInput = (socket: VisitorSocket, n: number, payload: unknown, answerNow = false): void => {
    const d = socket.data;
    let r: Readonly<Refusal> | null;
    if (!d.visitor) r = NOT_JOINED;
    else {
      try {
        r = hub.take(d.visitor, payload);
      } catch (e) {
        logger.error({ err: e }, 'transport: taking a visitor input failed');
        r = INTERNAL;
      }
    }
    if (r !== null) return refuse(socket, n, r);
    d.refusedInARow = 0;
    folder.accepted(socket, n, hub.lastInputAt, answerNow);
  };
  /** Answers a refused input at once (and the accepted ones before it); cuts off a socket that keeps sending through refusals. */
  const refuse = (socket: VisitorSocket, n: number, r: Readonly<Refusal>): void => {
    folder.refused(socket, n, r, deps.time());
    cutOffAfter(socket);
  };

  // The input socket (visitor-input.ts): a second, plain WebSocket of an admitted session, opened
  // with a single-use ticket from it; its inputs go into the same hub and folder as the session's.
  const tickets = new InputTickets();
  const ticketFor = (socket: VisitorSocket): string | null => {
    const v = socket.data.visitor;
    if (!inputs || !v) return null;
    const now = deps.time();
    socket.data.ticketAt = now;
    return tickets.issue({ session: socket.id, visitor: v.secret, address: socket.data.address ?? 'unknown' }, now);
  };
  const frameRefusals = new Map<string, Readonly<Refusal>>();
  const inputs = deps.server
    ? serveInputSockets<VisitorSocket>({
        server: deps.server,
        tickets,
        time: deps.time,
        logger,
        trustProxy: deps.trustProxy ?? 0,
        foreign: deps.foreign ?? ((origin, host) => origin !== undefined && !sameHost(origin, host)),
        sessions: {
          session(holder) {
            const s = nsp.sockets.get(holder.session);
            const v = s?.data.visitor;
            return s && s.connected && v && v.secret === holder.visitor && v.socketId === s.id && hub.isCurrent(v) ? s : null;
          },
          attach(s, pipe) {
            s.data.input?.close(INPUT_CLOSE.replaced, 'a newer input socket of this session took over');
            s.data.input = pipe;
          },
          detach(s, pipe) {
            if (s.data.input === pipe) s.data.input = undefined;
          },
          take(s, pipe) {
            takeInput(s, pipe.slot.n, pipe.slot, pipe.slot.answerNow);
          },
          refuse(s, _pipe, n, why) {
            // The same few reasons again and again from a broken page: one frozen refusal each.
            let r = frameRefusals.get(why);
            if (!r) {
              r = Object.freeze(fail('bad_request', `input frame: ${why}`));
              if (frameRefusals.size < 256) frameRefusals.set(why, r);
            }
            refuse(s, n, r);
          },
        },
      })
    : null;

  nsp.on('connection', (socket) => {
    socket.on('clock:ping', clockResponder(deps.time));

    answerUnknownEvents(socket, 'forbidden', (event) => `a visitor's phone cannot send '${event}'; it can only join a wall and send input`);

    socket.on('visitor:join', safe(logger, 'visitor:join', (payload: unknown, cb: unknown) => {
      const ack = ackOf<Parameters<Parameters<VisitorClientToServer['visitor:join']>[1]>[0]>(cb);
      socket.data.joins = (socket.data.joins ?? 0) + 1;
      if (socket.data.joins > MAX_JOINS_PER_SOCKET) return ack(fail('rate_limited', 'too many joins on one connection; reload the page'));
      const parsed = VisitorJoin.safeParse(payload);
      if (!parsed.success) return ack(fail('bad_request', `visitor:join: ${describeIssues(parsed.error.issues)}`));
      const { wallId, visitorId } = parsed.data;
      const current = socket.data.visitor;
      if (current && hub.isCurrent(current) && (current.wallId !== wallId || current.secret !== visitorId))
        return ack(fail('conflict', 'this connection already joined a wall as another visitor; reload the page'));
      const res = hub.join(socket.id, wallId, visitorId);
      if (!res.ok) return ack(res);
      socket.data.visitor = res.visitor;
      // inputFrames: this server takes binary input frames (the page sends visitor:put otherwise);
      // answerNow: and their answer-now flag (the page then keeps a wider window, acks.ts);
      // inputTicket: the ticket for the input socket (visitor-input.ts), when this server serves one.
      const inputTicket = ticketFor(socket);
      ack(inputTicket ? { ok: true, view: res.view, inputFrames: true, answerNow: true, inputTicket } : { ok: true, view: res.view, inputFrames: true, answerNow: true });
    }));

    // A new ticket for the input socket (it dropped, or its ticket expired before it opened).
    socket.on('visitor:ticket', safe(logger, 'visitor:ticket', (_payload: unknown, cb: unknown) => {
      const ack = ackOf<Parameters<Parameters<VisitorClientToServer['visitor:ticket']>[1]>[0]>(cb);
      if (!inputs) return ack(fail('not_allowed_now', 'this server has no input socket; send inputs on this connection'));
      const v = socket.data.visitor;
      if (!v || !hub.isCurrent(v)) return ack(fail('not_allowed_now', 'join a wall first (visitor:join)'));
      const now = deps.time();
      if (now - (socket.data.ticketAt ?? -Infinity) < 1000) return ack(fail('rate_limited', 'one input socket ticket a second: wait a second and ask again'));
      ack({ ok: true, ticket: ticketFor(socket)! });
    }));

    // One ack per input, at once (a phone that sends these keeps one input in flight, so the acks
    // pace it; while the server lags they carry a `pace` too). No zod, no logging.
    socket.on('visitor:input', (payload: unknown, cb: unknown) => {
      const reply = typeof cb === 'function' ? (cb as (r: InputAck) => void) : noAck;
      // Counts refusals in a row; a socket that keeps sending through them is cut off.
      const ack = (r: InputAck) => {
        if (r.ok) socket.data.refusedInARow = 0;
        reply(r);
        if (!r.ok) cutOffAfter(socket);
      };
      const v = socket.data.visitor;
      if (!v) return ack(NOT_JOINED);
      try {
        hub.input(v, payload, ack);
      } catch (e) {
        logger.error({ err: e }, "transport: handler for 'visitor:input' failed");
        ack(INTERNAL);
      }
    });

    // One input with its number, no ack; answers folded (visitor:acked). No closure, no ack packet
    // per input: the folding state lives on the socket. The phone page sends input frames instead
    // (below); this event stays for pages and clients that do not.
    socket.on('visitor:put', (payload: unknown) => {
      const n = typeof payload === 'object' && payload !== null ? (payload as { n?: unknown }).n : undefined;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return refuse(socket, 0, NO_NUMBER);
      takeInput(socket, n, payload);
    });

    // The phone page's path: binary input frames on the same connection, taken from engine.io
    // before socket.io parses or dispatches anything (visitor-frames.ts); one closure per connection.
    const stopFrames = listenForFrames(socket.conn, (bytes) => {
      const input = decodeInputFrame(bytes);
      if (isFrameRefusal(input)) return refuse(socket, input.n, Object.freeze(fail('bad_request', `input frame: ${input.bad}`)));
      takeInput(socket, input.n, input, input.answerNow === true);
    });

    // The way the phone's clock pings go (the panel lists it); junk is ignored, nothing is answered.
    socket.on('visitor:clock', (payload: unknown) => {
      const v = socket.data.visitor;
      const parsed = VisitorClock.safeParse(payload);
      if (v && parsed.success) v.clockPath = parsed.data.path;
    });

    socket.on('disconnect', () => {
      stopFrames();
      tickets.revoke(socket.id);
      socket.data.input?.close(INPUT_CLOSE.sessionEnded, 'the /visitor session ended: join the wall again');
      folder.forget(socket);
      if (socket.data.address !== undefined) perAddress.remove(socket.data.address);
      const v = socket.data.visitor;
      if (v) hub.disconnect(v, socket.id);
    });
  });

  // The event loop's lag, 4 times a second: when the server falls behind, phones are asked to
  // send less often (server/visitors/pacer.ts).
  const RESOLUTION_MS = 10;
  const lag = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  lag.enable();
  const lagTimer = setInterval(() => {
    hub.loopLag(lag.count ? Math.max(0, lag.percentile(99) / 1e6 - RESOLUTION_MS) : 0);
    lag.reset();
  }, 250);
  lagTimer.unref();

  return {
    nsp,
    hub,
    stats: (wallId) => hub.stats(wallId),
    onStats: (fn) => void statsListeners.push(fn),
    inputSockets: () => inputs?.stats() ?? null,
    close: () => {
      inputs?.close();
      clearInterval(lagTimer);
      clearInterval(sweepTimer);
      lag.disable();
      hub.stop();
    },
  };
}

/** Whether an Origin header names the request's own host (the fallback when no `foreign` check is given). */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
