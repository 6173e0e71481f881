/**
 * One server under test, in its own process so that its event loop is its own:
 *   pavilion — the real createApp (visitor hub, frames to the wall's screens);
 *   relay    — a bare socket.io relay that forwards every phone message to the display;
 *   floor    — a bare `ws` server on the input socket's path: it counts each input frame and sends a
 *              14-byte answer for one in eight (about what folded answers come to at 20 Hz), and does
 *              nothing else. What Node and `ws` cost per input before any work: the transport's floor.
 * Measures its CPU and event-loop delay between 'start' and 'stop'.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import inspector from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';
import { createApp } from '../../server/app';
import type { FromServer, Mode, ToServer } from './protocol';

const mode = process.argv[2] as Mode;
const RESOLUTION_MS = 10;
const send = (m: FromServer) => process.send!(m);

let counters: () => { accepted: number; coalesced: number; dropped: number; frames: number; refused: Record<string, number> };
let port: number;
let key: string | null = null;

if (mode === 'pavilion') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-'));
  const pieces = path.join(root, 'installations');
  fs.mkdirSync(path.join(pieces, 'bench-pad'), { recursive: true });
  fs.writeFileSync(
    path.join(pieces, 'bench-pad', 'manifest.json'),
    JSON.stringify({ id: 'bench-pad', title: 'Bench pad', artist: 'Bench', description: 'An xy pad.', params: {}, inputs: [{ id: 'pad', type: 'xy', label: 'Pad' }] }),
  );
  // BENCH_ACK=frame: answer each input with the frame that carries it instead of at once (to compare the two).
  // argv[3]: the ack window of folded answers (ms).
  const ackMs = Number(process.argv[3] ?? 400);
  // BENCH_NO_PACE=1: the server never asks phones to slow down (to profile a fixed load on a busy machine).
  // BENCH_PACER='{"highLagMs":30,…}': other pacer settings (server/visitors/pacer.ts), to compare them.
  const pacer = process.env.BENCH_NO_PACE === '1' ? { highLagMs: Infinity } : process.env.BENCH_PACER ? (JSON.parse(process.env.BENCH_PACER) as Record<string, number>) : null;
  const visitors = {
    ...(process.env.BENCH_ACK === 'frame' ? { ackWithFrame: true } : {}),
    ...(ackMs > 0 ? { ackMs } : {}),
    ...(pacer ? { pacer } : {}),
  };
  const app = await createApp({ port: 0, host: '127.0.0.1', dataDir: path.join(root, 'data'), installationsDir: pieces, logger: pino({ level: 'silent' }), publicUrl: 'http://127.0.0.1', visitors, visitorsPerAddress: 100_000 }); // every phone is 127.0.0.1
  const res = app.store.dispatch({ type: 'wall.visitors', wallId: 'main', cap: 10000 });
  if (!res.ok) throw new Error(res.error.message);
  port = app.port;
  key = app.store.get().screens['main-1']?.key ?? null; // the demo screens come paired
  counters = () => app.visitors.counters();
} else if (mode === 'floor') {
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 200, perMessageDeflate: false });
  const answer = Buffer.alloc(14);
  let taken = 0;
  server.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => {
      let k = 0;
      ws.on('message', () => {
        taken++;
        if (++k % 8 === 0) ws.send(answer);
      });
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  counters = () => ({ accepted: taken, coalesced: 0, dropped: 0, frames: 0, refused: {} });
} else {
  const server = http.createServer();
  const io = new Server(server, { perMessageDeflate: false, maxHttpBufferSize: 256 * 1024, serveClient: false, pingInterval: 10_000, pingTimeout: 8_000 });
  const display = io.of('/display');
  let forwarded = 0;
  io.of('/visitor').on('connection', (s) => {
    s.on('input', (msg: unknown) => {
      forwarded++;
      display.emit('input', msg);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  counters = () => ({ accepted: forwarded, coalesced: 0, dropped: 0, frames: forwarded, refused: {} });
}

// BENCH_CPU_PROF=<dir>: a V8 CPU profile of the measuring window only (start to stop: not the
// start-up nor the phones' handshakes), 250 µs sampling; bench/visitors/profile.ts sums it up.
const profDir = process.env.BENCH_CPU_PROF;
const profiler = profDir ? new inspector.Session() : null;
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => profiler!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
if (profiler) {
  profiler.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 250 });
}

let writing: Promise<void> = Promise.resolve();

const lag = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let c0 = counters();

process.on('message', (m: ToServer) => {
  if (m.type === 'start') {
    if (profiler) void post('Profiler.start');
    lag.reset();
    lag.enable();
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    c0 = counters();
  } else if (m.type === 'stop') {
    lag.disable();
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const c = counters();
    // No sample at all means the loop never came round to the sampling timer in the whole window.
    const starved = lag.count === 0;
    const ms = (ns: number) => (starved ? secs * 1000 : Math.max(0, ns / 1e6 - RESOLUTION_MS));
    const refused: Record<string, number> = {};
    for (const [k, v] of Object.entries(c.refused)) refused[k] = v - (c0.refused[k] ?? 0);
    send({
      type: 'report',
      cpuPct: ((cpu.user + cpu.system) / 1000 / (secs * 1000)) * 100,
      cpuUsPerInput: (cpu.user + cpu.system) / Math.max(1, c.accepted - c0.accepted),
      lagP50: ms(lag.percentile(50)),
      lagP99: ms(lag.percentile(99)),
      lagMax: ms(lag.max),
      acceptedPerSec: (c.accepted - c0.accepted) / secs,
      coalescedPerSec: (c.coalesced - c0.coalesced) / secs,
      dropped: c.dropped - c0.dropped,
      refused,
      framesPerSec: (c.frames - c0.frames) / secs,
      rssMB: process.memoryUsage().rss / 1048576,
      windowSecs: secs,
    });
    if (profiler)
      writing = post('Profiler.stop').then((r) => {
        fs.mkdirSync(profDir!, { recursive: true });
        const file = path.join(profDir!, `server-${mode}-${new Date().toISOString().replace(/[:.]/g, '')}.cpuprofile`);
        fs.writeFileSync(file, JSON.stringify((r as { profile: unknown }).profile));
        console.log(`  server CPU profile (the window): ${file} (inputs in it: ${c.accepted - c0.accepted})`);
      });
  }
});
process.on('disconnect', () => void writing.then(() => process.exit(0)));
send({ type: 'ready', port, key });
