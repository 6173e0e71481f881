/**
 * npm run bench:sync [-- --seconds 60 | --minutes 10] [--clients 4] [--load 500] [--hz 20]
 *                      [--saturate] [--tabs 3] [--tabs-under-load] [--switches 8] [--warmup 15] [--skew-ppm 0]
 *                      [--cue light,bundled] [--clock-path socketio] [--clock-nice -10|0] [--label x] [--raw]
 *
 * Starts the real server (createApp) in a child process with the peers' responders mounted,
 * background load from busy sockets in child processes, then N Node clients of each kind (ours,
 * @ircam/sync, timesync) side by side, each in its own process with a deliberately wrong local
 * clock, and K Chromium tabs of the demo wall. Ours pings the clock responder (server/clock/, a
 * thread and a port of its own); `--clock-path socketio` adds ours over socket.io, the old way, in
 * the same run. The cue spread is measured with each set of pieces
 * named by --cue: `light` (bench/sync/pieces/cue-tide, packed twice and uploaded like an artist's
 * piece: cheap enough for software WebGL to hold 60 fps) and `bundled` (the showcase pieces). Prints a table and writes bench/results/sync-*.json.
 * Not part of npm test. See docs/performance.md for the figures and docs/sync.md for the method.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBrowser, type BrowserResult, type PieceSet } from './browser';
import { uploadCuePieces } from '../lib/cue-pieces';
import { arg, flag } from '../lib/args';
import { ROOT, childForker, keyedMessage } from '../lib/child';
import { fmt as fmtDigits, median, percentile } from '../lib/stats';
import type { ClientJob, ClientKind, ClientResult, LoadReport, ServerReady, ServerStats } from './protocol';

const HERE = import.meta.dirname;

const saturate = flag('saturate');
const opts = {
  seconds: process.argv.includes('--minutes') ? arg('minutes', 10) * 60 : arg('seconds', 60),
  clients: arg('clients', 4),
  load: arg('load', saturate ? 1500 : 500),
  hz: arg('hz', 20),
  tabs: arg('tabs', 3),
  switches: arg('switches', 8),
  warmup: arg('warmup', 15),
  skewPpm: arg('skew-ppm', 0),
  label: arg('label', ''),
  cue: arg('cue', 'light,bundled').split(',').filter(Boolean),
};
const clockPaths = arg('clock-path', 'responder').split(',').filter(Boolean);
for (const p of clockPaths)
  if (p !== 'responder' && p !== 'socketio') {
    console.error(`--clock-path takes responder and/or socketio (ours over socket.io, alongside), got '${p}'`);
    process.exit(2);
  }
const KINDS: ClientKind[] = ['ours', ...(clockPaths.includes('socketio') ? (['ours-socketio'] as const) : []), 'ircam', 'timesync'];
const NAMES: Record<ClientKind, string> = { ours: 'Pavilion ClockSync (responder)', 'ours-socketio': 'Pavilion ClockSync (socket.io)', ircam: '@ircam/sync 2.1.0', timesync: 'timesync 1.0.11' };
const forker = childForker(HERE);
const child = (file: string): ChildProcess => forker.fork(file);
/** Figures in this bench's tables have 3 decimals unless told otherwise. */
const fmt = (v: number | null | undefined, digits = 3): string => fmtDigits(v, digits);

/** The whole result message of a client process. */
function resultOf(c: ChildProcess, timeoutMs: number): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`a client sent no result within ${timeoutMs / 1000} s`)), timeoutMs);
    c.on('message', (m: unknown) => {
      if (m && typeof m === 'object' && 'kind' in m) {
        clearTimeout(t);
        resolve(m as ClientResult);
      }
    });
    c.once('exit', (code) => code && reject(new Error(`a client exited with ${code}`)));
  });
}

process.on('SIGINT', () => process.exit(130));

const log = (s: string) => process.stderr.write(`[bench:sync] ${s}\n`);

/** Share of the last 60 s in which some runnable task waited for a CPU (Linux PSI), or null. */
function cpuPressure(): number | null {
  try {
    const m = /some avg10=[\d.]+ avg60=([\d.]+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
const before = { loadavg: os.loadavg(), cpuPressure60s: cpuPressure() };
log(`machine before the run: load average ${before.loadavg.map((x) => x.toFixed(1)).join(' ')}, CPU pressure (60 s) ${before.cpuPressure60s ?? '?'} %`);

// 1. The server (its clock responder thread at --clock-nice, default −10 where allowed).
const clockNice = arg('clock-nice', '');
if (clockNice) process.env.BENCH_CLOCK_NICE = clockNice;
const server = child('server.ts');
const ready = await keyedMessage<ServerReady>(server, 'ready');
log(`server at ${ready.url}`);

// 2. Background load, 250 sockets per process.
const loadProcs: ChildProcess[] = [];
const perProc = 250;
for (let i = 0; i * perProc < opts.load; i++) {
  const c = child('load.ts');
  c.send({ url: ready.url, sockets: Math.min(perProc, opts.load - i * perProc), hz: opts.hz, prefix: `load${i}-` });
  loadProcs.push(c);
}
const loadReady = await Promise.all(loadProcs.map((c) => keyedMessage<LoadReport>(c, 'ready', 300_000)));
const loadMode = loadReady[0]?.mode ?? 'none';
log(`load: ${loadReady.reduce((s, r) => s + r.connected, 0)}/${opts.load} sockets connected, idle until the clients are up (${loadMode})`);
const tabsUnderLoad = flag('tabs-under-load');

// 3. The Chromium tabs (--tabs-under-load), then the clients of each kind, interleaved, then the load sends.
const warmupMs = opts.warmup * 1000;
const durationMs = warmupMs + opts.seconds * 1000;
const statsSeries: ServerStats[] = [];
server.on('message', (m: unknown) => {
  if (m && typeof m === 'object' && 'stats' in m) statsSeries.push((m as { stats: ServerStats }).stats);
});
server.send('stats'); // reset the window
const statsTimer = setInterval(() => server.send('stats'), 5000);

const results: Promise<ClientResult>[] = [];
const loaded: Promise<ChildProcess>[] = [];
for (let i = 0; i < opts.clients; i++)
  for (const kind of KINDS) {
    const c = child('client.ts');
    const job: ClientJob = {
      kind,
      index: i,
      url: ready.url,
      clockUrl: ready.clockUrl,
      shiftMs: ready.shiftMs,
      durationMs,
      offsetMs: (i % 2 ? -1 : 1) * (1500.25 + 731.3 * i),
      skewPpm: opts.skewPpm,
    };
    c.send(job);
    // Generous: on a saturated shared machine, 12+ tsx processes starting at once take minutes.
    loaded.push(keyedMessage<boolean>(c, 'loaded', 400_000).then(() => c));
  }
const pieceSets: PieceSet[] = [];
for (const set of opts.cue) {
  if (set === 'light' && opts.tabs > 0) pieceSets.push({ label: 'light', ids: await uploadCuePieces(ready, ready.artistToken) });
  else if (set === 'bundled') pieceSets.push({ label: 'bundled', ids: fs.readdirSync(path.join(ROOT, 'installations')).filter((d) => fs.existsSync(path.join(ROOT, 'installations', d, 'manifest.json'))) });
  else if (set !== 'light') {
    console.error(`--cue takes light and/or bundled, got '${set}'`);
    process.exit(2);
  }
}

let browserResult: BrowserResult | null = null;
let browserError: string | null = null;
const browserJob = (seconds: number) => ({ url: ready.url, token: ready.adminToken, shiftMs: ready.shiftMs, tabs: Math.min(3, opts.tabs), durationMs: warmupMs + seconds * 1000, warmupMs, switches: opts.switches, pieceSets });
const runTabs = (seconds: number, onLoaded?: () => Promise<void>) =>
  runBrowser({ ...browserJob(seconds), ...(onLoaded ? { onLoaded } : {}) }).then(
    (r) => void (browserResult = r),
    (e: unknown) => void (browserError = e instanceof Error ? e.message : String(e)),
  );
// With --tabs-under-load the tabs load and sync first, on the idle server (screens are up before
// the crowd arrives; under saturation libuv accepts one connection per event-loop iteration, and
// a page's connections would queue behind the load's), then run alongside the Node clients and the
// load; by default they run afterwards, with the load stopped (on 2 shared cores, software-rendered
// WebGL tabs and the load starve each other, which measures the CPU, not the clock; see
// docs/performance.md).
let tabsLoaded: () => void = () => {};
const tabsReady = new Promise<void>((resolve) => (tabsLoaded = resolve));
let loadOn: () => void = () => {};
const loadStarted = new Promise<void>((resolve) => (loadOn = resolve));
const browserRun =
  opts.tabs > 0 && tabsUnderLoad
    ? runTabs(opts.seconds, async () => {
        tabsLoaded();
        await loadStarted;
      })
    : Promise.resolve();
if (opts.tabs > 0 && tabsUnderLoad) {
  await Promise.race([tabsReady, browserRun]);
  log(browserError ? `Chromium tabs failed before the load: ${browserError}` : `${opts.tabs} Chromium tabs loaded and synced`);
}
// Every client process has started (tsx compiles, imports load: a CPU burst); now connect them
// one at a time, 250 ms apart, interleaving the libraries.
const clientProcs = await Promise.all(loaded);
for (const c of clientProcs) {
  c.send('go');
  results.push(resultOf(c, durationMs + 60_000));
  await new Promise((r) => setTimeout(r, 250));
}
// Every client is up; the load starts sending (see load.ts), and the clients' warm-up covers it.
for (const c of loadProcs) c.send('start');
const loadStartedAt = Date.now();
// The server's figures count from here: close the window before the load (its answer is dropped).
const statsFrom = statsSeries.length + 1;
server.send('stats');
loadOn();
log(`${opts.clients} clients of each kind; ${opts.warmup} s warm-up + ${opts.seconds} s measured${opts.tabs && tabsUnderLoad ? `; ${opts.tabs} Chromium tabs alongside` : ''}`);

const clientResults = await Promise.all(results);
await browserRun;
clearInterval(statsTimer);
const loadSeconds = (Date.now() - loadStartedAt) / 1000;
const loadFinal = await Promise.all(
  loadProcs.map((c) => {
    const p = keyedMessage<LoadReport>(c, 'report', 10_000).catch(() => null);
    c.send('report');
    return p.then((r) => (c.send('close'), r));
  }),
);
if (opts.tabs > 0 && !tabsUnderLoad) {
  // Long enough for every switch asked (about 6 s each, with the switch into each set).
  const tabSeconds = Math.max(Math.min(60, opts.seconds), Math.ceil(pieceSets.length * (opts.switches + 1) * 6));
  log(`${opts.tabs} Chromium tabs, load stopped; ${opts.warmup} s warm-up + ${tabSeconds} s measured`);
  await runTabs(tabSeconds);
}
server.send('close');

// 4. Summaries.
interface KindSummary {
  clients: number;
  connected: number;
  samples: number;
  noEstimateSamples: number;
  p50: number;
  p99: number;
  max: number;
  perClientP99: number[];
  firstEstimateMs: { median: number; max: number };
  firstWithin1Ms: { median: number; max: number; missing: number };
  stableWithin1Ms: { median: number; max: number };
  perMinuteP99: number[];
  /** Ours: samples taken while its last answer came over each way. */
  pathCounts: Record<string, number>;
}
const summaries = {} as Record<ClientKind, KindSummary>;
for (const kind of KINDS) {
  const rs = clientResults.filter((r) => r.kind === kind);
  const steady: number[] = [];
  let none = 0;
  const perClient: number[] = [];
  const perMinute: number[][] = [];
  const stable: number[] = [];
  for (const r of rs) {
    const mine: number[] = [];
    let lastBad = 0;
    r.times.forEach((t, i) => {
      const e = r.errors[i]!;
      if (!Number.isFinite(e) || Math.abs(e) > 1) lastBad = t;
      if (t < warmupMs) return;
      if (!Number.isFinite(e)) return void none++;
      const a = Math.abs(e);
      steady.push(a);
      mine.push(a);
      const m = Math.floor((t - warmupMs) / 60_000);
      (perMinute[m] ??= []).push(a);
    });
    perClient.push(percentile(mine, 99));
    stable.push(lastBad);
  }
  const firsts = rs.map((r) => r.firstWithin1Ms).filter((x): x is number => x !== null);
  const pathCounts: Record<string, number> = {};
  for (const r of rs) for (const [p, n] of Object.entries(r.pathCounts ?? {})) pathCounts[p] = (pathCounts[p] ?? 0) + n;
  summaries[kind] = {
    pathCounts,
    clients: rs.length,
    connected: rs.filter((r) => r.connected).length,
    samples: steady.length,
    noEstimateSamples: none,
    p50: percentile(steady, 50),
    p99: percentile(steady, 99),
    max: percentile(steady, 100),
    perClientP99: perClient,
    firstEstimateMs: {
      median: median(rs.map((r) => r.firstEstimateMs ?? NaN).filter(Number.isFinite)),
      max: Math.max(...rs.map((r) => r.firstEstimateMs ?? Infinity)),
    },
    firstWithin1Ms: { median: median(firsts), max: firsts.length === rs.length ? Math.max(...firsts) : Infinity, missing: rs.length - firsts.length },
    stableWithin1Ms: { median: median(stable), max: Math.max(...stable) },
    perMinuteP99: perMinute.map((v) => percentile(v, 99)),
  };
}
const origins = [ready.originOffsetMs, ...clientResults.map((r) => r.originOffsetMs)];
const truthSpreadUs = (Math.max(...origins) - Math.min(...origins)) * 1000;
const b = browserResult as BrowserResult | null;
const spreadsOf = (set: string) => b?.switches.filter((s) => s.set === set).map((s) => s.spreadMs) ?? [];

// 5. The table.
const o = summaries.ours;
const lines: string[] = [];
lines.push('');
lines.push(`Clock sync on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${loadFinal.reduce((s, r) => s + (r?.connected ?? 0), 0)} sockets × ${opts.hz} Hz (${loadMode}), ${opts.clients} Node clients per library, ${opts.seconds} s measured after ${opts.warmup} s${opts.skewPpm ? `, client clocks skewed ${opts.skewPpm} ppm` : ''}`);
lines.push('');
lines.push('| library | |err| p50 ms | |err| p99 ms | |err| max ms | first estimate ms (median) | first ≤1 ms, ms (median / max) | stays ≤1 ms after, ms (max) |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const kind of KINDS) {
  const s = summaries[kind];
  lines.push(
    `| ${NAMES[kind]} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.max)} | ${fmt(s.firstEstimateMs.median, 0)} | ${fmt(s.firstWithin1Ms.median, 0)} / ${fmt(s.firstWithin1Ms.max, 0)}${s.firstWithin1Ms.missing ? ` (${s.firstWithin1Ms.missing} never)` : ''} | ${fmt(s.stableWithin1Ms.max, 0)} |`,
  );
}
const ratio = (a: number, c: number) => (Number.isFinite(a) && Number.isFinite(c) && c > 0 ? `${(a / c).toFixed(2)}×` : '—');
lines.push('');
lines.push(`ours ÷ @ircam/sync: p99 ${ratio(o.p99, summaries.ircam.p99)}, first ≤1 ms ${ratio(o.firstWithin1Ms.median, summaries.ircam.firstWithin1Ms.median)}`);
lines.push(`ours ÷ timesync:    p99 ${ratio(o.p99, summaries.timesync.p99)}, first ≤1 ms ${ratio(o.firstWithin1Ms.median, summaries.timesync.firstWithin1Ms.median)}`);
const os_ = summaries['ours-socketio'];
if (os_) lines.push(`ours over socket.io ÷ @ircam/sync: p99 ${ratio(os_.p99, summaries.ircam.p99)}; ours (responder) ÷ ours (socket.io): p99 ${ratio(o.p99, os_.p99)}`);
const share = (c: Record<string, number>) => {
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  return total ? Object.entries(c).map(([p, n]) => `${p} ${((100 * n) / total).toFixed(1)} %`).join(', ') : '—';
};
lines.push(`ours: samples by the way its last answer came: ${share(o.pathCounts)}`);
if (opts.seconds >= 120) lines.push(`ours p99 per minute: ${o.perMinuteP99.map((v) => fmt(v)).join(', ')}`);
if (b) {
  const abs = b.errors.map(Math.abs);
  lines.push('');
  lines.push(`Chromium tabs (ours, ${b.tabs}, ${tabsUnderLoad ? 'alongside the load' : 'after the load, server idle'}): |err| p50 ${fmt(percentile(abs, 50))} ms, p99 ${fmt(percentile(abs, 99))} ms, max ${fmt(percentile(abs, 100))} ms (per tab p99: ${b.perTabP99.map((v) => fmt(v)).join(', ')}); fps ${b.fps.map((v) => v.toFixed(1)).join(', ')}`);
  for (const set of pieceSets) {
    const sw = b.switches.filter((x) => x.set === set.label);
    const sp = sw.map((x) => x.spreadMs);
    const late = sw.flatMap((x) => x.latenessMs);
    lines.push(`Cue spread, ${set.label} pieces (${set.ids.join(', ')}), ${sw.length} switches, tabs at ${(b.fpsBySet[set.label] ?? []).map((v) => v.toFixed(0)).join('/')} fps: median ${fmt(median(sp), 2)} ms, max ${fmt(Math.max(...sp), 2)} ms; first frame after startedAt: median ${fmt(median(late), 1)} ms, max ${fmt(Math.max(...late), 1)} ms`);
    lines.push(`  spreads ms: ${sp.map((v) => v.toFixed(2)).join(', ')}`);
  }
  for (const p of b.problems) lines.push(`  problem: ${p}`);
} else if (browserError) lines.push(`Chromium tabs: failed: ${browserError}`);
// Windows of 5 s while the load ran (those before it, while the tabs and clients came up, left out).
// A window with no sample at all is a stats request answered in the same event-loop turn as the
// one before it (requests queue while the loop is blocked): left out, it has no figure of its own.
const underLoad = statsSeries.slice(statsFrom).filter((s) => s.loopDelayMaxMs > 0);
const loopP99 = underLoad.map((s) => s.loopDelayP99Ms);
const resp = underLoad.map((s) => s.responder).filter((r): r is NonNullable<ServerStats['responder']> => !!r);
const cpu = underLoad.map((s) => s.cpuPercent);
lines.push('');
const sent = loadFinal.reduce((s, r) => s + (r?.sent ?? 0), 0);
lines.push(`server: event-loop delay p99 median ${fmt(median(loopP99), 1)} ms (worst 5-s window ${fmt(Math.max(...loopP99), 1)} ms), CPU median ${fmt(median(cpu), 0)} %`);
const pr = ready.clockPriority;
lines.push(
  resp.length
    ? `clock responder thread: event-loop delay p99 median ${fmt(median(resp.map((r) => r.loopDelayP99Ms)), 2)} ms (worst 5-s window ${fmt(Math.max(...resp.map((r) => r.loopDelayP99Ms)), 2)} ms, max ${fmt(Math.max(...resp.map((r) => r.loopDelayMaxMs)), 1)} ms); ${resp.reduce((a, r) => a + r.pings, 0)} pings, ${resp.reduce((a, r) => a + r.dropped, 0)} connections dropped; nice ${pr?.nice ?? '?'}${pr?.error ? ` (asked ${pr.asked}, refused: ${pr.error})` : ''}`
    : 'clock responder: none',
);
lines.push(
  `load: ${sent} messages, ${fmt(sent / loadSeconds, 0)}/s emitted on average (asked ${opts.load * opts.hz}/s); ${loadFinal.reduce((s, r) => s + (r?.connectedNow ?? 0), 0)} sockets connected at the end, ${loadFinal.reduce((s, r) => s + (r?.disconnects ?? 0), 0)} drops${loadMode === 'visitor' ? `, inputs accepted ${loadFinal.reduce((s, r) => s + (r?.acked ?? 0), 0)} / refused ${loadFinal.reduce((s, r) => s + (r?.refused ?? 0), 0)}` : ''}`,
);
const after = { loadavg: os.loadavg(), cpuPressure60s: cpuPressure() };
lines.push(`machine: load average ${before.loadavg[0]!.toFixed(1)} before, ${after.loadavg[0]!.toFixed(1)} after; CPU pressure (some, 60 s) ${before.cpuPressure60s ?? '?'} % before, ${after.cpuPressure60s ?? '?'} % after`);
lines.push(`truth: performance.timeOrigin + now() agrees across the ${origins.length} Node processes to ${truthSpreadUs.toFixed(1)} µs`);
process.stdout.write(`${lines.join('\n')}\n`);

const stamp = new Date().toISOString();
const date = `${stamp.slice(0, 10)}T${stamp.slice(11, 16).replace(':', '')}`; // one file per run
const label = opts.label || [saturate ? 'saturated' : '', opts.seconds >= 300 ? `${Math.round(opts.seconds / 60)}min` : ''].filter(Boolean).join('-');
const out = path.join(ROOT, 'bench', 'results', `sync-${date}${label ? `-${label}` : ''}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      bench: 'sync',
      date: new Date().toISOString(),
      command: `npm run bench:sync -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', before, after, node: process.version },
      options: { ...opts, tabsUnderLoad, clockPaths },
      clock: { url: ready.clockUrl, priority: ready.clockPriority },
      load: { mode: loadMode, reports: loadFinal },
      summaries,
      ratios: { p99OursOverIrcam: o.p99 / summaries.ircam.p99, p99OursOverTimesync: o.p99 / summaries.timesync.p99 },
      browser: b ? { ...b, errors: undefined, p50: percentile(b.errors.map(Math.abs), 50), p99: percentile(b.errors.map(Math.abs), 99), spreadBySet: Object.fromEntries(pieceSets.map((p) => [p.label, { medianMs: median(spreadsOf(p.label)), maxMs: Math.max(...spreadsOf(p.label)), fps: b.fpsBySet[p.label] ?? [] }])) } : { error: browserError },
      server: statsSeries,
      truthSpreadUs,
    },
    null,
    1,
  )}\n`,
);
log(`wrote ${path.relative(ROOT, out)}`);
if (flag('raw')) {
  const rawOut = out.replace(/\.json$/, '-raw.json');
  fs.writeFileSync(rawOut, JSON.stringify(clientResults.map((r) => ({ kind: r.kind, index: r.index, times: r.times.map((t) => Math.round(t)), errors: r.errors.map((e) => Math.round(e * 1e4) / 1e4) }))));
  log(`wrote ${path.relative(ROOT, rawOut)} (every sample)`);
}
await new Promise((r) => setTimeout(r, 500));
process.exit(0);
