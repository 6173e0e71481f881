/**
 * The real Pavilion server (createApp) in its own process, with the peers' responders mounted on
 * the same socket.io server. Reports its URL, then answers stats requests (event-loop delay, CPU).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { createApp } from '../../server/app';
import { systemTime } from '../../server/clock/time';
import { mountPeers } from './peers';
import type { ServerReady, ServerStats } from './protocol';

const ADMIN = 'bench-admin-token-0123456789';
const ARTIST = 'bench-artist-token-0123456789';
/**
 * The bench's show clock runs this far ahead of the machine's clock, so every client's truth is
 * an offset it must find: a client that never synced shows an error of −SHIFT, not a perfect 0.
 */
const SHIFT_MS = 3210.123;
const time = () => systemTime() + SHIFT_MS;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-bench-sync-'));
const app = await createApp({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
  adminToken: ADMIN,
  artistToken: ARTIST,
  publicUrl: 'http://127.0.0.1',
  time,
  // Every simulated phone comes from 127.0.0.1: lift the per-address cap (8 by default).
  visitorsPerAddress: 100_000,
  // The load's phones send at 20 Hz without waiting for answers, as they did before the server cut
  // such sockets off: keep the load the same, so its figures compare with earlier runs.
  visitorsCutOffAfterRefusals: Number.POSITIVE_INFINITY,
  // --clock-nice N (run.ts): the responder thread's nice value, to measure what raising it does.
  ...(process.env.BENCH_CLOCK_NICE ? { clockNice: process.env.BENCH_CLOCK_NICE === 'none' ? null : Number(process.env.BENCH_CLOCK_NICE) } : {}),
  ...(process.env.PAVILION_STATIC_DIR ? { staticDir: path.resolve(process.env.PAVILION_STATIC_DIR) } : {}),
});
mountPeers(app.io, time);

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
let cpu = process.cpuUsage();
let cpuAt = performance.now();

process.on('message', (m: unknown) => {
  if (m === 'stats') void stats();
  if (m === 'close')
    void app.close().finally(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
});

async function stats(): Promise<void> {
  {
    const r = await app.clock?.stats();
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const stats: ServerStats = {
      loopDelayP50Ms: loop.percentile(50) / 1e6,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
      cpuPercent: ((used.user + used.system) / 1000 / (now - cpuAt)) * 100,
      responder: r ? { loopDelayP50Ms: r.loopDelayP50Ms, loopDelayP99Ms: r.loopDelayP99Ms, loopDelayMaxMs: r.loopDelayMaxMs, connections: r.connections, pings: r.pings, dropped: r.dropped } : null,
    };
    loop.reset();
    cpu = process.cpuUsage();
    cpuAt = now;
    process.send!({ stats });
  }
}
const ready: ServerReady = {
  url: app.url.replace('localhost', '127.0.0.1'),
  adminToken: ADMIN,
  artistToken: ARTIST,
  shiftMs: SHIFT_MS,
  originOffsetMs: performance.timeOrigin + performance.now() - Number(process.hrtime.bigint()) / 1e6,
  clockUrl: app.clock ? `ws://127.0.0.1:${app.clock.port}` : null,
  clockPriority: app.clock?.priority ?? null,
};
process.send!({ ready });
