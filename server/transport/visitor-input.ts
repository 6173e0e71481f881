import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { INPUT_CLOSE, INPUT_FRAME_MAX, READY_FRAME, VISITOR_INPUT_PATH, decodeInputInto, newInputSlot, type InputSlot } from '../../protocol';
import type { InputTickets, TicketHolder } from '../visitors';
import { clientAddress } from './addresses';

/*
 * The input socket (issue 16; protocol/visitor-input.ts, docs/visitors.md): a plain WebSocket
 * (`ws`, no socket.io, no engine.io) on the main server's path /visitor/input, opened by a phone
 * with a ticket its `/visitor` session handed it. It carries only binary input frames in and
 * binary answer frames out. Each message is decoded into the socket's own slot (decodeInputInto:
 * this path's one validation at the edge) and handed to the /visitor transport, which takes it into
 * the same hub as the session's socket.io inputs. One closure per socket, none per message.
 */

/** One phone's input socket, as the /visitor transport holds it on the session. */
export class InputPipe {
  readonly slot: InputSlot = newInputSlot();
  /** The number of the last input taken on this socket: numbers only grow. */
  lastN = 0;
  /** Malformed frames in a row. */
  malformed = 0;
  closed = false;

  constructor(private readonly ws: WebSocket) {}

  send(bytes: Uint8Array): void {
    if (!this.closed) this.ws.send(bytes);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    closeWith(this.ws, code, reason);
  }
}

/** What the /visitor transport does with input sockets (S: its session, the socket.io socket). */
export interface InputSessions<S> {
  /** The live session a redeemed ticket names, when it is still that visitor's; null otherwise. */
  session(holder: TicketHolder): S | null;
  /** An input socket opened for this session (it replaces any older one). */
  attach(s: S, pipe: InputPipe): void;
  /** It closed. */
  detach(s: S, pipe: InputPipe): void;
  /** One well-formed input, in `pipe.slot`. */
  take(s: S, pipe: InputPipe): void;
  /** A malformed frame (or one out of order): refused; `n` is its number when it could be read, else 0. */
  refuse(s: S, pipe: InputPipe, n: number, why: string): void;
}

export interface InputSocketStats {
  open: number;
  opened: number;
  /** Upgrades refused: a foreign page, or a ticket without a live session. */
  refused: number;
  /** Frames refused as malformed or out of order. */
  malformed: number;
  /** Sockets closed for sending malformed frames. */
  cutOff: number;
}

/** Malformed frames in a row after which the input socket is closed (an honest page sends none). */
export const MAX_MALFORMED_IN_A_ROW = 20;
const MAX_REASON_BYTES = 123;

function closeWith(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, Buffer.byteLength(reason) > MAX_REASON_BYTES ? Buffer.from(reason).subarray(0, MAX_REASON_BYTES).toString('latin1').replace(/[^\x20-\x7e]/g, '') : reason);
  } catch {
    ws.terminate();
  }
}

/** Whether this request is for the input socket (its path, with or without a query). */
const isInputPath = (url: string | undefined) => url !== undefined && url.startsWith(VISITOR_INPUT_PATH) && (url.length === VISITOR_INPUT_PATH.length || url.charCodeAt(VISITOR_INPUT_PATH.length) === 63 /* ? */);

/**
 * Serves input sockets on `server`'s upgrades to /visitor/input (every other upgrade, socket.io's
 * included, is left alone). A page of another site is refused before the handshake (403), as the
 * REST API refuses it; a ticket without a live session is refused after it, with a close code and
 * a reason a page can read (4401).
 */
export function serveInputSockets<S>(deps: {
  server: HttpServer | HttpsServer;
  tickets: InputTickets;
  time: () => number;
  sessions: InputSessions<S>;
  logger: Logger;
  /** Reverse proxies whose X-Forwarded-For is believed (server/transport/addresses.ts). */
  trustProxy: number;
  /** Whether a page at this Origin is another site's (server/http/auth.ts `foreign`). */
  foreign: (origin: string | undefined, host: string | undefined) => boolean;
}): { stats(): InputSocketStats; close(): void } {
  const { sessions, logger } = deps;
  const stats: InputSocketStats = { open: 0, opened: 0, refused: 0, malformed: 0, cutOff: 0 };
  const wss = new WebSocketServer({ noServer: true, maxPayload: INPUT_FRAME_MAX, perMessageDeflate: false, clientTracking: false });
  const pipes = new Set<InputPipe>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!isInputPath(req.url)) return;
    socket.on('error', () => {});
    try {
      if (deps.foreign(req.headers.origin, req.headers.host)) {
        stats.refused++;
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nforbidden: this page is not one of this server\'s own; open the visitor page from the server\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => opened(ws, req));
    } catch (e) {
      logger.warn({ err: e }, 'visitors: an input socket upgrade failed');
      socket.destroy();
    }
  };

  const opened = (ws: WebSocket, req: IncomingMessage) => {
    ws.on('error', () => {});
    const refuse = (why: string) => {
      stats.refused++;
      closeWith(ws, INPUT_CLOSE.ticket, why);
    };
    const q = (req.url ?? '').indexOf('?');
    const ticket = q < 0 ? null : new URLSearchParams(req.url!.slice(q + 1)).get('t');
    const r = deps.tickets.redeem(ticket, deps.time());
    if (!r.ok) return refuse(r.why);
    if (clientAddress(req, deps.trustProxy) !== r.holder.address) return refuse('this ticket was issued to a connection from another address: ask for a new one');
    const s = sessions.session(r.holder);
    if (s === null) return refuse('the /visitor session of this ticket has ended: join the wall again');
    const pipe = new InputPipe(ws);
    pipes.add(pipe);
    stats.open++;
    stats.opened++;
    sessions.attach(s, pipe);
    ws.send(READY_FRAME);
    ws.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      const why = !isBinary ? 'the input socket takes binary input frames only' : decodeInputInto(bytes, pipe.slot);
      const n = isBinary ? pipe.slot.n : 0;
      if (why === null && n > pipe.lastN) {
        pipe.lastN = n;
        pipe.malformed = 0;
        return sessions.take(s, pipe);
      }
      stats.malformed++;
      sessions.refuse(s, pipe, n, why ?? `input ${n} came after input ${pipe.lastN}: numbers must grow`);
      if (++pipe.malformed >= MAX_MALFORMED_IN_A_ROW && !pipe.closed) {
        stats.cutOff++;
        logger.warn({ address: r.holder.address }, 'visitors: closed an input socket that kept sending malformed frames');
        pipe.close(INPUT_CLOSE.malformed, `${MAX_MALFORMED_IN_A_ROW} malformed input frames in a row: reload the page`);
      }
    });
    ws.on('close', () => {
      pipe.closed = true;
      if (pipes.delete(pipe)) stats.open--;
      sessions.detach(s, pipe);
    });
  };

  deps.server.on('upgrade', onUpgrade);
  return {
    stats: () => ({ ...stats }),
    close() {
      deps.server.off('upgrade', onUpgrade);
      for (const p of pipes) p.close(INPUT_CLOSE.shutdown, 'the server is shutting down');
      wss.close();
    },
  };
}
