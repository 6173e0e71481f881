/**
 * Clock pings from a Web Worker, off the page's main thread. A screen's main thread is busy
 * rendering: a ping answered while it draws waits for the frame to end, and its round trip (and
 * error bound) grows by a frame. A worker has its own event loop and its own sockets, so it stamps
 * the send and receive times when they happen. Two ways out, the first that is up:
 * the server's clock responder (a bare WebSocket answered off the server's busy event loop:
 * clock-responder.ts), else its own socket.io connection. Protocol (messages with the page):
 *   page → worker  { type: 'start', url }       open a socket.io connection to `url` (a namespace)
 *   page → worker  { type: 'responder', url }   also open the clock responder at `url` (ws:, wss:)
 *   page → worker  { type: 'ping', id }         ping once
 *   worker → page  { type: 'pong', id, ok, sent?, reply?, received?, path? }
 *   worker → page  { type: 'connect', path }    a way (re)connected: time to resync
 *   worker → page  { type: 'disconnect', path } a way is away: the next one takes the pings
 * Both reconnect for ever, with backoff and jitter (reconnect.ts).
 * Times are epoch-based (performance.timeOrigin + performance.now()), the same base as the page's.
 */
import { io, type Socket } from 'socket.io-client';
import type { PingReply } from './clock-sync';
import { ResponderSocket } from './clock-responder';
import { RECONNECT, steadyBackoff } from './reconnect';

const local = () => performance.timeOrigin + performance.now();
const post = (m: unknown) => (self as unknown as { postMessage(m: unknown): void }).postMessage(m);
let socket: Socket | null = null;
let responder: ResponderSocket | null = null;

self.onmessage = (e: MessageEvent) => {
  const m = e.data as { type?: string; url?: string; id?: number } | null;
  if (m?.type === 'start' && typeof m.url === 'string' && !socket) {
    socket = io(m.url, { transports: ['websocket'], ...RECONNECT });
    steadyBackoff(socket.io);
    socket.on('connect', () => post({ type: 'connect', path: 'socketio' }));
    socket.on('disconnect', () => post({ type: 'disconnect', path: 'socketio' }));
  } else if (m?.type === 'responder' && typeof m.url === 'string' && !responder) {
    responder = new ResponderSocket({
      url: m.url,
      local,
      onOpen: () => post({ type: 'connect', path: 'responder' }),
      onClose: () => post({ type: 'disconnect', path: 'responder' }),
    });
  } else if (m?.type === 'ping' && typeof m.id === 'number') {
    const id = m.id;
    if (responder?.ready()) {
      responder.ping(local()).then(
        (r) => post({ type: 'pong', id, ok: true, sent: r.sent, reply: r.reply, received: r.received, path: 'responder' }),
        () => post({ type: 'pong', id, ok: false }),
      );
      return;
    }
    const s = socket;
    if (!s?.connected) return post({ type: 'pong', id, ok: false });
    const sent = local();
    s.timeout(1000).emit('clock:ping', sent, (err: Error | null, reply: PingReply) => {
      const received = local();
      post(err ? { type: 'pong', id, ok: false } : { type: 'pong', id, ok: true, sent, reply, received, path: 'socketio' });
    });
  }
};
