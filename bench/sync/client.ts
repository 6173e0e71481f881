/**
 * One clock-sync client in its own process (a device of its own): ours (the same code as the
 * screens: syncOverSocket over socket.io-client), @ircam/sync or timesync. Its local clock is
 * deliberately wrong by `offsetMs` (and `skewPpm`), and the server's show clock runs `shiftMs`
 * ahead of the machine's, so an unsynced client shows its error. The truth is this machine's
 * clock (which the server shares) + shiftMs. Reports through IPC.
 */
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { WebSocketLike } from '../../client/core/clock-responder';
import { localNow, syncOverSocket } from '../../client/core/connection';
import { ircamClient, timesyncClient, type PeerClock } from './peers';
import type { ClientJob, ClientResult } from './protocol';

const job = await new Promise<ClientJob>((resolve) => process.once('message', (m) => resolve(m as ClientJob)));
// Loaded and compiled: connect when told to, so clients connect one by one into a steady server.
process.send!({ loaded: true });
await new Promise<void>((resolve) => process.once('message', () => resolve()));
const startReal = localNow();
const local = () => {
  const r = localNow();
  return r + job.offsetMs + job.skewPpm * 1e-6 * (r - startReal);
};

const ours = job.kind === 'ours' || job.kind === 'ours-socketio';
const ns = ours ? '/display' : job.kind === 'ircam' ? '/bench-ircam' : '/bench-timesync';
const socket = io(`${job.url}${ns}`, { transports: ['websocket'], forceNew: true, reconnectionDelay: 500 });
let connectAt: number | null = null;
let clock: PeerClock | null = null;
/** Ours: the way its last answer came (responder or socket.io), counted at every sample. */
let pathOf: (() => string | null) | null = null;
const pathCounts: Record<string, number> = {};

if (ours) {
  // Ours: the screens' code; `ours` pings the clock responder first, `ours-socketio` only socket.io.
  // Its "connect" is the first of its ways up (the responder may answer while the server's main
  // loop is too busy to accept a socket.io connection), as the peers' is their socket's.
  const makeWebSocket = (u: string) => {
    const ws = new WebSocket(u);
    ws.once('open', () => (connectAt ??= localNow()));
    return ws as unknown as WebSocketLike;
  };
  const responder = job.kind === 'ours' && job.clockUrl ? { responder: job.clockUrl, makeWebSocket } : {};
  const sync = syncOverSocket(socket, { local, ...responder });
  pathOf = () => sync.path;
  clock = {
    estimate: (l) => (sync.estimate().synced ? sync.now(l) : null),
    onUpdate: (fn) => void sync.onUpdate(fn),
    stop: () => sync.stop(),
  };
  clock.onUpdate(() => sample());
}
socket.on('connect', () => {
  if (ours) return void (connectAt ??= localNow());
  if (connectAt !== null) return;
  connectAt = localNow();
  if (job.kind === 'ircam') clock = ircamClient(socket, local);
  if (job.kind === 'timesync') clock = timesyncClient(socket, local);
  clock!.onUpdate(() => sample());
});

const times: number[] = [];
const errors: number[] = [];
let firstEstimateMs: number | null = null;
let firstWithin1Ms: number | null = null;

/** Error of the estimate now: estimated server time minus true time (this machine's clock). */
function sample(): void {
  if (connectAt === null || !clock) return;
  const real = localNow();
  const l = real + job.offsetMs + job.skewPpm * 1e-6 * (real - startReal);
  const est = clock.estimate(l);
  const t = real - connectAt;
  if (est === null) {
    times.push(t);
    errors.push(NaN);
    return;
  }
  const err = est - (real + job.shiftMs);
  if (pathOf) {
    const p = pathOf() ?? 'none';
    pathCounts[p] = (pathCounts[p] ?? 0) + 1;
  }
  if (firstEstimateMs === null) firstEstimateMs = t;
  if (firstWithin1Ms === null && Math.abs(err) <= 1) firstWithin1Ms = t;
  times.push(t);
  errors.push(err);
}

// Sample finely at first (time to a first estimate), then every ~50 ms at a random phase.
const tick = () => {
  sample();
  const t = connectAt === null ? 0 : localNow() - connectAt;
  setTimeout(tick, t < 5000 ? 5 : 40 + Math.random() * 20);
};
tick();

const originOffsets: number[] = [];
for (let i = 0; i < 5; i++) originOffsets.push(performance.timeOrigin + performance.now() - Number(process.hrtime.bigint()) / 1e6);

setTimeout(() => {
  clock?.stop();
  socket.close();
  originOffsets.sort((a, b) => a - b);
  const result: ClientResult = {
    kind: job.kind,
    index: job.index,
    connected: connectAt !== null,
    firstEstimateMs,
    firstWithin1Ms,
    times,
    errors,
    originOffsetMs: originOffsets[2]!,
    pathCounts,
  };
  process.send!(result, () => process.exit(0));
}, job.durationMs);
