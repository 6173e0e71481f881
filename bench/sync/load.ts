/**
 * Background load: busy sockets at `hz`. Visitors (`/visitor`: join the main wall, then send
 * input) when that namespace answers; otherwise display health reports on `/display` (a cheap,
 * valid, zod-checked event), which is what the report says it used.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { LoadJob, LoadReport } from './protocol';

const job = await new Promise<LoadJob>((resolve) => process.once('message', (m) => resolve(m as LoadJob)));
const report: LoadReport = { connected: 0, sent: 0, acked: 0, refused: 0, disconnects: 0, connectedNow: 0, mode: 'display-health', errors: [] };
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
let startSending: () => void = () => {};
const sending = new Promise<void>((resolve) => (startSending = resolve));

const opts: Partial<ManagerOptions & SocketOptions> = { transports: ['websocket'], forceNew: true, reconnection: false };

/** Can this server take visitors on the main wall? Which input do they send? */
async function probeVisitor(): Promise<{ input: string } | null> {
  const s = io(`${job.url}/visitor`, opts);
  try {
    const res = (await s.timeout(3000).emitWithAck('visitor:join', { wallId: 'main', visitorId: `${job.prefix}probe0000` })) as {
      ok: boolean;
      view?: { piece?: { inputs?: Array<{ id: string; type?: string }> } | null };
    };
    if (!res?.ok) return null;
    const input = res.view?.piece?.inputs?.[0]?.id;
    return input ? { input } : null;
  } catch {
    return null;
  } finally {
    s.close();
  }
}

const visitor = await probeVisitor();
report.mode = visitor ? 'visitor' : 'display-health';

const health = {
  installationId: null,
  fps: 60,
  frameMsP95: 17,
  framesRendered: 1,
  memory: { geometries: 10, textures: 2, programs: 3 },
  clock: { offsetMs: 0.01, rttMs: 0.3, uncertaintyMs: 0.2 },
};

function startOne(i: number): Promise<void> {
  return new Promise((resolve) => {
    // Reconnects (a starved server can miss heartbeats and drop sockets): the load stays on.
    const s = io(`${job.url}${visitor ? '/visitor' : '/display'}`, { ...opts, reconnection: true, reconnectionDelay: 1000 });
    sockets.push(s);
    const period = 1000 / job.hz;
    const id = `${job.prefix}${String(i).padStart(6, '0')}`;
    let started = false;
    s.once('connect_error', (e) => {
      if (report.errors.length < 5) report.errors.push(e.message);
      resolve();
    });
    s.on('disconnect', () => report.disconnects++);
    s.on('connect', () => {
      if (!started) report.connected++;
      const begin = () => {
        if (started) return;
        started = true;
        resolve();
        // Idle until every load process has its sockets up (run.ts sends 'start'): a load that
        // sends while it still connects saturates the server half-way, and then (libuv accepts one
        // connection per event-loop iteration) the rest time out and retry, churning the listener.
        void sending.then(() => {
          const t = setTimeout(() => {
            timers.push(
              setInterval(() => {
                if (!s.connected) return;
                report.sent++;
                if (visitor)
                  s.emit('visitor:input', { input: visitor.input, value: { x: Math.random() * 2 - 1, y: Math.random() * 2 - 1 } }, (res: { ok?: boolean } | undefined) => {
                    if (res?.ok) report.acked++;
                    else report.refused++;
                  });
                else s.emit('display:health', { ...health, framesRendered: report.sent });
              }, period),
            );
          }, Math.random() * period);
          timers.push(t);
        });
      };
      if (visitor) s.emit('visitor:join', { wallId: 'main', visitorId: `${id}vv` }, begin);
      else s.emit('display:hello', { screenId: id }, begin);
    });
  });
}

// Connect in waves so the server is not hit by one storm.
for (let i = 0; i < job.sockets; i += 25) {
  await Promise.all(Array.from({ length: Math.min(25, job.sockets - i) }, (_, k) => startOne(i + k)));
}
process.send!({ ready: report });

process.on('message', (m: unknown) => {
  report.connectedNow = sockets.filter((s) => s.connected).length;
  if (m === 'start') startSending();
  if (m === 'report') process.send!({ report });
  if (m === 'close') {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.close();
    process.send!({ report }, () => process.exit(0));
  }
});
