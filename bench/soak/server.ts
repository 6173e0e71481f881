/**
 * The server under soak: the real createApp in its own process, with its own temporary data dir
 * and tokens, every simulated phone allowed from 127.0.0.1. Counts its own log lines at error
 * level and answers 'sample' with its memory (after a full GC when run with --expose-gc), CPU and
 * event-loop delay. Nothing here is reachable over HTTP: the samples go over the IPC channel.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { threadShares, threadTimes } from '../lib/schedstat';
import pino from 'pino';
import { createApp } from '../../server/app';
import type { FromServer, ServerSample, ToServer } from './protocol';
import { messageKind } from './report';

const ADMIN = 'soak-admin-token-0123456789abcdef';
const send = (m: FromServer) => process.send!(m);
const MB = 1048576;

// The log: error lines are counted (a target of the soak) and printed; warnings counted, and
// tallied by kind (the message with its numbers taken out) so the report can say what they are.
let errorLines = 0;
let warnLines = 0;
const lastErrors: string[] = [];
const warnKinds = new Map<string, number>();
const MAX_WARN_KINDS = 200;
const sink = {
  write(line: string): void {
    let rec: { level?: number; msg?: string; err?: { message?: string } };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      return;
    }
    const level = rec.level ?? 0;
    if (level >= 50) {
      errorLines++;
      const text = [rec.msg, rec.err?.message].filter(Boolean).join(': ').slice(0, 300);
      lastErrors.push(text);
      if (lastErrors.length > 10) lastErrors.shift();
      process.stderr.write(`[soak server] error: ${text}\n`);
    } else if (level >= 40) {
      warnLines++;
      const kind = messageKind([rec.msg, rec.err?.message].filter(Boolean).join(': ')) || '(no message)';
      if (warnKinds.has(kind) || warnKinds.size < MAX_WARN_KINDS) warnKinds.set(kind, (warnKinds.get(kind) ?? 0) + 1);
      else warnKinds.set('(other kinds)', (warnKinds.get('(other kinds)') ?? 0) + 1);
    }
  },
};

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-soak-'));
const app = await createApp({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  logger: pino({ level: 'warn' }, sink),
  adminToken: ADMIN,
  publicUrl: 'http://127.0.0.1',
  // Every simulated phone comes from 127.0.0.1: lift the per-address cap (8 by default).
  visitorsPerAddress: 100_000,
  // Refusals are counted by the bench as errors; the cut-off would hide them by dropping the phone.
  visitorsCutOffAfterRefusals: Number.POSITIVE_INFINITY,
  ...(process.env.PAVILION_STATIC_DIR ? { staticDir: path.resolve(process.env.PAVILION_STATIC_DIR) } : {}),
});

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let cpu0 = process.cpuUsage();
let at0 = performance.now();
let main0 = threadTimes(process.pid);
const gc = (globalThis as { gc?: () => void }).gc;

/** The bytes of the files under `dir`, however deep (0 for what vanished meanwhile; NaN when the listing itself failed). */
function bytesUnder(dir: string): number {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return NaN;
  }
  let n = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    try {
      n += fs.statSync(path.join(e.parentPath, e.name)).size;
    } catch {
      /* removed between the listing and the stat (a snapshot's temporary file) */
    }
  }
  return n;
}

function sample(): ServerSample {
  const heapUsedMB = process.memoryUsage().heapUsed / MB;
  gc?.();
  const m = process.memoryUsage();
  const cpu = process.cpuUsage(cpu0);
  const now = performance.now();
  const main1 = threadTimes(process.pid);
  const s: ServerSample = {
    rssMB: m.rss / MB,
    heapUsedMB,
    heapLiveMB: m.heapUsed / MB,
    externalMB: m.external / MB,
    errorLines,
    warnLines,
    warnKinds: Object.fromEntries(warnKinds),
    lastErrors: [...lastErrors],
    loopP99Ms: loop.count ? Math.max(0, loop.percentile(99) / 1e6 - 10) : NaN,
    loopMaxMs: loop.count ? Math.max(0, loop.max / 1e6 - 10) : NaN,
    cpuPct: ((cpu.user + cpu.system) / 1000 / Math.max(1, now - at0)) * 100,
    mainWaitPct: threadShares(main0, main1, now - at0)?.waitPct ?? null,
    visitorsHeld: Object.keys(app.store.get().walls).reduce((n, wallId) => n + app.visitors.list(wallId).length, 0),
    sockets: app.io.engine.clientsCount,
    dataDirMB: bytesUnder(dataDir) / MB,
  };
  loop.reset();
  cpu0 = process.cpuUsage();
  at0 = now;
  main0 = main1;
  return s;
}

process.on('message', (m: ToServer) => {
  if (m.type === 'sample') send({ sample: sample() });
  else if (m.type === 'snapshot') {
    // V8 collects garbage first. Blocks this process for as long as it takes (seconds for a few tens of MB).
    try {
      send({ snapshot: { bytes: fs.statSync(v8.writeHeapSnapshot(m.file)).size } });
    } catch (e) {
      send({ snapshot: { error: (e as Error).message } });
    }
  }
  else if (m.type === 'close')
    void app.close().finally(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      send({ closed: true });
      process.exit(0);
    });
});
// The bench stopped without closing us (it crashed or was interrupted): leave no data dir behind.
process.on('disconnect', () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
send({ ready: { url: app.url.replace('localhost', '127.0.0.1'), adminToken: ADMIN } });
