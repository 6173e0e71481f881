/**
 * Clock pings from a Web Worker, off the page's main thread. A screen's main thread is busy
 * rendering: a ping answered while it draws waits for the frame to end, and its round trip (and
 * error bound) grows by a frame. A worker has its own event loop and its own socket, so it stamps
 * the send and receive times when they happen. Protocol (messages with the page):
 *   page → worker  { type: 'start', url }       open a socket.io connection to `url` (a namespace)
 *   page → worker  { type: 'ping', id }         ping once
 *   worker → page  { type: 'pong', id, ok, sent?, reply?, received? }
 *   worker → page  { type: 'connect' }          on every (re)connect: time to resync
 *   worker → page  { type: 'disconnect' }       its socket is away: ping over the page's socket meanwhile
 * It reconnects like every page's socket (reconnect.ts: backoff with jitter, for ever).
 * Times are epoch-based (performance.timeOrigin + performance.now()), the same base as the page's.
 */
import { io, type Socket } from 'socket.io-client';
import type { PingReply } from './clock-sync';
import { RECONNECT, steadyBackoff } from './reconnect';

const local = () => performance.timeOrigin + performance.now();
const post = (m: unknown) => (self as unknown as { postMessage(m: unknown): void }).postMessage(m);
let socket: Socket | null = null;

self.onmessage = (e: MessageEvent) => {
  const m = e.data as { type?: string; url?: string; id?: number } | null;
  if (m?.type === 'start' && typeof m.url === 'string' && !socket) {
    socket = io(m.url, { transports: ['websocket'], ...RECONNECT });
    steadyBackoff(socket.io);
    socket.on('connect', () => post({ type: 'connect' }));
    socket.on('disconnect', () => post({ type: 'disconnect' }));
  } else if (m?.type === 'ping' && typeof m.id === 'number') {
    const id = m.id;
    const s = socket;
    if (!s?.connected) return post({ type: 'pong', id, ok: false });
    const sent = local();
    s.timeout(1000).emit('clock:ping', sent, (err: Error | null, reply: PingReply) => {
      const received = local();
      post(err ? { type: 'pong', id, ok: false } : { type: 'pong', id, ok: true, sent, reply, received });
    });
  }
};
