// @ts-check
/**
 * The clock responder's thread (server/clock/responder.ts starts and supervises it). It owns a bare
 * WebSocket server on a port of its own and does nothing but answer clock pings, so an answer
 * never waits behind show or visitor work on the main thread, nor behind its garbage collection.
 *
 * Plain JavaScript on purpose: a worker thread must load without a TypeScript loader (the server
 * runs under tsx, its tests under vitest, and neither hands its loader to a worker).
 *
 * Wire format (docs/sync.md, "The clock responder"): the client sends one binary frame of 8 bytes,
 * its send time t0 as a little-endian float64; the answer is one binary frame of 24 bytes, t0,
 * t1 (received) and t2 (sent), float64 little-endian, t1 and t2 on the show clock. Anything else
 * (a text frame, another size, more than the rate allows) closes the connection, nothing more.
 *
 * Messages with the main thread:
 *   main → worker  { type: 'offset', offsetMs }   show time − this machine's clock (0 on a single node)
 *   main → worker  { type: 'stats' }              → { type: 'stats', stats }
 *   main → worker  { type: 'close' }              → closes everything, then { type: 'closed' }
 *   worker → main  { type: 'ready', port, priority } | { type: 'listen-error', code, message }
 */
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import proxyAddr from '@fastify/proxy-addr';
import { WebSocketServer } from 'ws';

/** @type {{ port: number; host: string; offsetMs: number; perAddress: number; maxConnections: number; trustProxy: number; tls: { cert: string | Uint8Array; key: string | Uint8Array } | null; nice: number | null; idleMs: number; burst: number; perSecond: number }} */
const o = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
let offset = o.offsetMs;
/** The show clock: the same source as server/clock/time.ts (epoch ms, µs resolution), plus the offset. */
const now = () => performance.timeOrigin + performance.now() + offset;

// Scheduling priority of this thread alone (Linux nice is per thread); refused without the right.
/** @type {{ asked: number | null; nice: number | null; error: string | null }} */
const priority = { asked: o.nice, nice: null, error: null };
if (o.nice !== null) {
  try {
    os.setPriority(0, o.nice);
  } catch (e) {
    priority.error = /** @type {Error} */ (e).message;
  }
}
try {
  priority.nice = os.getPriority(0);
} catch {
  priority.nice = null;
}

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
let pings = 0;
let dropped = 0;

/** Open connections per address, and in all. */
const perAddress = new Map();
let open = 0;
/** @type {Set<import('ws').WebSocket & { seen: number }>} */
const sockets = new Set();

/** @param {http.IncomingMessage} req */
function addressOf(req) {
  if (o.trustProxy <= 0) return req.socket.remoteAddress ?? 'unknown';
  try {
    return proxyAddr(req, (_a, i) => i < o.trustProxy);
  } catch {
    return req.socket.remoteAddress ?? 'unknown';
  }
}

/** @param {http.IncomingMessage} _req @param {http.ServerResponse} res */
const plain = (_req, res) => {
  res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket', connection: 'close' });
  res.end('this port answers clock pings over WebSocket only (docs/sync.md, "The clock responder")\n');
};
const server = o.tls ? https.createServer({ cert: o.tls.cert, key: o.tls.key }, plain) : http.createServer(plain);
server.headersTimeout = 5000;
server.requestTimeout = 5000;
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64, clientTracking: false });

server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => {});
  const address = addressOf(req);
  const n = perAddress.get(address) ?? 0;
  if (n >= o.perAddress || open >= o.maxConnections) {
    dropped++;
    socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  perAddress.set(address, n + 1);
  open++;
  socket.once('close', () => {
    open--;
    const left = (perAddress.get(address) ?? 1) - 1;
    if (left > 0) perAddress.set(address, left);
    else perAddress.delete(address);
  });
  wss.handleUpgrade(req, socket, head, (ws) => attach(/** @type {import('ws').WebSocket & { seen: number }} */ (ws)));
});

/** @param {import('ws').WebSocket & { seen: number }} ws */
function attach(ws) {
  ws.seen = performance.now();
  sockets.add(ws);
  let tokens = o.burst;
  let filledAt = ws.seen;
  ws.on('error', () => ws.terminate());
  ws.on('close', () => sockets.delete(ws));
  ws.on('message', (data, isBinary) => {
    const t1 = now();
    const at = performance.now();
    tokens = Math.min(o.burst, tokens + ((at - filledAt) * o.perSecond) / 1000);
    filledAt = at;
    const buf = /** @type {Buffer} */ (data);
    if (!isBinary || !Buffer.isBuffer(buf) || buf.length !== 8 || tokens < 1) {
      dropped++;
      ws.terminate();
      return;
    }
    tokens -= 1;
    ws.seen = at;
    pings++;
    // A slice of Node's buffer pool, not an allocation of its own.
    const out = Buffer.allocUnsafe(24);
    buf.copy(out, 0, 0, 8);
    out.writeDoubleLE(t1, 8);
    out.writeDoubleLE(now(), 16);
    ws.send(out);
  });
}

// A connection silent for longer than any client's ping interval is gone (a sleeping phone).
const sweep = setInterval(() => {
  const limit = performance.now() - o.idleMs;
  for (const ws of sockets) if (ws.seen < limit) ws.terminate();
}, Math.max(1000, o.idleMs / 4));

server.once('error', (e) => {
  const err = /** @type {NodeJS.ErrnoException} */ (e);
  port.postMessage({ type: 'listen-error', code: err.code ?? null, message: err.message });
  process.exit(1);
});
server.listen(o.port, o.host, () => {
  const a = server.address();
  port.postMessage({ type: 'ready', port: typeof a === 'object' && a ? a.port : o.port, priority });
});

port.on('message', (m) => {
  if (m?.type === 'offset' && typeof m.offsetMs === 'number' && Number.isFinite(m.offsetMs)) offset = m.offsetMs;
  else if (m?.type === 'stats') {
    port.postMessage({
      type: 'stats',
      stats: {
        loopDelayP50Ms: loop.percentile(50) / 1e6,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayMaxMs: loop.max / 1e6,
        connections: open,
        pings,
        dropped,
        nice: priority.nice,
      },
    });
    loop.reset();
  } else if (m?.type === 'close') {
    clearInterval(sweep);
    for (const ws of sockets) ws.terminate();
    server.close(() => port.postMessage({ type: 'closed' }));
    server.closeAllConnections?.();
  }
});
