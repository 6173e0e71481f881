/**
 * npm run bench:soak [-- --minutes 10] [--screens 16] [--phones 500] [--hz 10] [--cue-s 2]
 *                       [--sample-s 10] [--size 320x180] [--heap-tolerance 10] [--browsers 4 | --browser-per-screen]
 *                       [--server-nice -10|none] [--server-sched rr|other]
 *                       [--trace-audio 30,120 [--trace-audio-ms 2000]] (what the audio threads render, at those seconds)
 *                       [--stage-snapshots 150,540] (heap snapshots of each browser's stage process, at those seconds)
 *                       [--server-snapshots 150,540] (heap snapshots of the server, at those seconds)
 *                       [--screen-params 'hung=120'] (more display-address parameters for every screen)
 *                       [--js-flags '--invocation-count-for-turbofan=60 …'] (V8 flags for every Chromium)
 *                       [--visit-s 60] (visitors come and go: each phone leaves after 30–90 s, a new one takes its place)
 *                       [--panels 1] (control panels left open, watching the screens' thumbnails)
 *                       [--panel-page] (the control panel's page open too, its heap judged with the display pages')
 *
 * A soak: the real server (createApp) in a child process with its own temporary data dir, a show
 * of 4 walls × 4 paired screens made through the technician API, one Chromium tab per screen
 * (small; the tabs of a wall in one Chromium of their own), 500 phones (socket.io clients on
 * /visitor in child processes, ack-paced at --hz) playing
 * on the walls, and a cue fired every 2 s (5 cues, each a different bundled piece and params on
 * every wall). Samples every ~10 s: the server's RSS and heap (over IPC, after a full GC), each
 * tab's live JS heap and frame rate, errors and reconnections. The first 20 % (at least 30 s) is
 * warm-up, left out of the growth figures. Prints a table and the verdicts against the targets,
 * writes bench/results/soak-<date>T<hhmm>.json, and exits 1 when a target is missed.
 *
 * The pages come from PAVILION_STATIC_DIR when set; otherwise the bench builds the client into a
 * temporary folder first (vite build) and removes it at the end. Not part of npm test; see
 * docs/performance.md.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { arg, flag } from '../lib/args';
import { raiseSession } from '../lib/priority';
import { byKind, chromiumCpu, cpuSince } from '../lib/cpu';
import { machineCpu, machineShares } from '../lib/machine-cpu';
import { ROOT, childForker, keyedMessage, sleep } from '../lib/child';
import type { ScreenStatus } from '../../protocol';
import type { PhoneCounters, PhoneJob, ServerReady, ServerSample, ToPhones, ToServer } from './protocol';
import { Api, PER_WALL, WALLS, setUpShow } from './show';
import { Tabs } from './tabs';
import { Panels } from './panels';
import { PanelPage } from './panel-page';
import { formatAudioTrace, type AudioThreadTrace } from './audio-trace';
import { judge, messageKind, printReport, type Sample, type SoakResult } from './report';

const MINUTES = arg('minutes', 10);
const SCREENS = arg('screens', 16);
const PHONES = arg('phones', 500);
const HZ = arg('hz', 10);
const CUE_S = arg('cue-s', 2);
const SAMPLE_S = arg('sample-s', 10);
/**
 * --visit-s 60: visitors come and go, as at a venue. Each phone leaves after a visit of 0.5–1.5 ×
 * this many seconds and a new visitor (a new id, a new socket) takes its place, so that 500 phones
 * bring about 5,000 visitors in 10 minutes: a day's worth of them, for what the server keeps of each.
 * 0 (the default): the same phones stay the whole run.
 */
const VISIT_S = arg('visit-s', 0);
/** --panels 1: technicians' control panels left open, watching the screens' thumbnails (bench/soak/panels.ts). */
const PANELS = arg('panels', 0);
/** --panel-page: the control panel's own page open in a Chromium of its own, its heap judged with the display pages' (bench/soak/panel-page.ts). */
const PANEL_PAGE = flag('panel-page');
/** Seconds into the run at which every browser is traced for TRACE_AUDIO_MS: what each audio thread renders (bench/soak/audio-trace.ts). */
const TRACE_AUDIO_AT = arg('trace-audio', '').split(',').filter(Boolean).map(Number);
const TRACE_AUDIO_MS = arg('trace-audio-ms', 2000);
/**
 * Seconds into the run at which a heap snapshot of each browser's stage process is written to
 * bench/results/soak-snapshots-<start>/ (compare two with bench/soak/snapshot-diff.ts).
 */
const STAGE_SNAPSHOTS_AT = arg('stage-snapshots', '').split(',').filter(Boolean).map(Number);
const SERVER_SNAPSHOTS_AT = arg('server-snapshots', '').split(',').filter(Boolean).map(Number);
const HEAP_TOLERANCE = arg('heap-tolerance', 10);
/**
 * --screen-params 'hung=120': more of the display address's parameters, for every screen (the
 * watchdog's waits, client/display/stall.ts). A heap snapshot of a stage process stops it for as long
 * as V8 takes to write it (32–48 s on the 4-screen set-up, session 34), past the 45 s after which
 * the watchdog reloads a stage that stopped answering: with --stage-snapshots the bench sets `hung=120`
 * unless this option gives its own.
 */
const SCREEN_PARAMS = new URLSearchParams(arg('screen-params', ''));
/** With snapshots, the hung wait is 120 s unless --screen-params says otherwise (session 34's one error was a snapshot's freeze). */
if (STAGE_SNAPSHOTS_AT.length && !SCREEN_PARAMS.has('hung')) {
  SCREEN_PARAMS.set('hung', '120');
  console.log('[bench:soak] stage snapshots freeze the stages for tens of seconds: every screen gets hung=120 (set --screen-params hung=… to choose)');
}
/**
 * --js-flags '--invocation-count-for-turbofan=60 …': V8 flags for every Chromium (its own --js-flags). To see
 * where V8's compiled code levels off sooner than a starved stage's JIT warm-up reaches it
 * (docs/performance.md, session 35).
 */
const JS_FLAGS = arg('js-flags', '');
const SIZE = arg('size', '320x180');
/**
 * The screens as tabs of how many Chromiums: by default one per four screens, so one per wall at the
 * default 16 (a display computer driving a wall's four outputs: the set-up of the soaks recorded in
 * docs/performance.md since session 15); --browsers 1 puts all the tabs in one Chromium,
 * --browser-per-screen gives each screen its own (a venue's). Tabs of one browser share one stage process: see bench/soak/tabs.ts.
 */
const BROWSERS = flag('browser-per-screen') ? SCREENS : arg('browsers', Math.ceil(SCREENS / PER_WALL));
/**
 * --server-nice: in a venue the server (and every phone) has a machine of its own; here they share
 * two cores with sixteen software-rendering screens, whose Chromium GPU processes run at nice −8
 * and each Chromium's session weighs as much as the bench's (bench/lib/priority.ts). Then the
 * server got ~10 % of a core, its event loop lagged seconds, and every socket timed out together
 * (the 19:07 run, docs/performance.md). By default (as root) the bench's session (bench, server,
 * phones) and the server's and phones' processes run at nice −10, as bench:reconnect's server
 * does; `none` leaves them as `npm start` would.
 */
const niceArg = arg('server-nice', process.getuid?.() === 0 ? '-10' : 'none');
const SERVER_NICE = niceArg === 'none' ? null : Number(niceArg);
if (SERVER_NICE !== null && !(Number.isInteger(SERVER_NICE) && SERVER_NICE >= -20 && SERVER_NICE <= 19)) {
  console.error(`--server-nice takes a nice value from -20 to 19 (below 0 needs root), or none; got '${niceArg}'`);
  process.exit(2);
}
/**
 * --server-sched rr: the server's every thread in the real-time round-robin class (priority 1,
 * `chrt`), above every normal thread of the machine. Autogroups share the CPU between sessions by
 * their average load, so a server that sleeps and wakes a thousand times a second is given little
 * of it whatever its nice value: in the 10-minute run of 2026-12-01 20:00 its main thread waited
 * for a CPU 86 % of the time while it ran 10 % (the `srv wait` column). The real-time class is what
 * a machine of its own gives it: its CPU when it wakes. The kernel's real-time throttling
 * (sched_rt_runtime_us, 95 % by default) still leaves the browsers their share if it spins.
 * `other` (the default) leaves it in the normal class.
 */
const SERVER_SCHED = arg('server-sched', 'other');
if (SERVER_SCHED !== 'rr' && SERVER_SCHED !== 'other') {
  console.error(`--server-sched takes rr or other; got '${SERVER_SCHED}'`);
  process.exit(2);
}
/** Puts every thread of `pid` in the real-time round-robin class; says so when the system refuses. */
function realTime(pid: number | undefined, what: string): string {
  if (pid === undefined) return `${what}: no process`;
  try {
    execFileSync('chrt', ['-a', '-r', '-p', '1', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
    return `${what} in the real-time class (SCHED_RR 1, all threads)`;
  } catch (e) {
    return `could not put ${what} in the real-time class (${((e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message)}); it runs in the normal class`;
  }
}
/** Gives a child process the server's nice value; says so when the system refuses. */
function renice(pid: number | undefined, what: string): void {
  if (SERVER_NICE === null || pid === undefined) return;
  try {
    os.setPriority(pid, SERVER_NICE);
  } catch (e) {
    log(`could not set ${what}'s nice value to ${SERVER_NICE} (${(e as Error).message}); it runs at the default`);
  }
}
const [W, H] = SIZE.split('x').map(Number);
if (!(MINUTES > 0) || !(SCREENS >= 1 && SCREENS <= 16) || !(BROWSERS >= 1 && BROWSERS <= SCREENS) || !(PHONES >= 0) || !(HZ > 0) || !(CUE_S > 0) || !(SAMPLE_S > 0) || !(VISIT_S >= 0) || !(Number.isInteger(PANELS) && PANELS >= 0) || !W || !H) {
  console.error('bench:soak: --minutes > 0, --screens 1..16, --browsers 1..screens, --phones ≥ 0, --hz > 0, --cue-s > 0, --sample-s > 0, --visit-s ≥ 0, --panels 0, 1, 2…, --size WxH');
  process.exit(2);
}
const DURATION_S = MINUTES * 60;
const WARMUP_S = Math.max(30, 0.2 * DURATION_S);
const log = (s: string) => process.stderr.write(`[bench:soak] ${s}\n`);
process.on('SIGINT', () => process.exit(130));

// 0. The pages: a build given by PAVILION_STATIC_DIR, or one made now in a temporary folder.
let tempBuild: string | null = null;
if (!process.env.PAVILION_STATIC_DIR) {
  tempBuild = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-soak-build-'));
  log(`building the client into ${tempBuild} (set PAVILION_STATIC_DIR to use a build you made)`);
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PAVILION_BUILD_DIR: tempBuild } });
  process.env.PAVILION_STATIC_DIR = tempBuild;
}
const staticDir = path.resolve(process.env.PAVILION_STATIC_DIR);
process.on('exit', () => {
  if (tempBuild) fs.rmSync(tempBuild, { recursive: true, force: true });
});

if (SERVER_NICE !== null) {
  const said = raiseSession(SERVER_NICE);
  if (said) log(said);
}

// 1. The server, with --expose-gc so that its samples read the live heap.
const forker = childForker(import.meta.dirname);
const server = forker.fork('server.ts', { execArgv: ['--expose-gc'] });
renice(server.pid, 'the server');
const ready = await keyedMessage<ServerReady>(server, 'ready');
// After 'ready': the threads the server starts as it comes up (V8's, libuv's, the clock responder) exist by then; later ones inherit the class.
if (SERVER_SCHED === 'rr') log(realTime(server.pid, 'the server'));
const toServer = (m: ToServer) => server.send(m);
log(`server at ${ready.url} (nice ${SERVER_NICE ?? 'as npm start'}), pages from ${staticDir}`);

// 2. The show: 4 walls of 2×2 paired screens and the cues.
const api = new Api(ready.url, ready.adminToken);
const setup = await setUpShow(api);
const show = await api.call<{ screens: ScreenStatus[] }>('GET', '/api/show');
const urls = new Map<string, string>();
for (const s of show.screens) {
  const key = s.displayUrl ? new URL(s.displayUrl).searchParams.get('key') : null;
  if (key && urls.size < SCREENS) urls.set(s.id, `${ready.url}/display?screen=${encodeURIComponent(s.id)}&key=${encodeURIComponent(key)}${SCREEN_PARAMS.size ? `&${SCREEN_PARAMS.toString()}` : ''}`);
}
log(`show: ${WALLS.length} walls, ${urls.size} screens, pieces ${setup.pieces.join(', ')}; cues ${setup.cues.join(', ')}`);
await api.command({ type: 'cue.go', cueId: setup.cues[0] });

// 3. The tabs.
const tabs = await Tabs.open(urls, { width: W, height: H }, log, BROWSERS, undefined, JS_FLAGS ? [`--js-flags=${JS_FLAGS}`] : []);
log(`${urls.size} tabs rendering (${W}×${H})`);

// 4. The phones, 250 per process.
const phoneProcs: ChildProcess[] = [];
for (let i = 0; i * 250 < PHONES; i++) {
  const c = forker.fork('phones.ts');
  renice(c.pid, 'a phone process');
  const job: PhoneJob = { url: ready.url, count: Math.min(250, PHONES - i * 250), walls: WALLS, prefix: `soak${i}`, hz: HZ, visitS: VISIT_S };
  c.send(job);
  phoneProcs.push(c);
}
const joined = await Promise.all(phoneProcs.map((c) => keyedMessage<{ connected: number; failed: number; examples: string[] }>(c, 'connected', 300_000)));
const nJoined = joined.reduce((s, j) => s + j.connected, 0);
log(`${nJoined}/${PHONES} phones joined${nJoined < PHONES ? `; ${joined.flatMap((j) => j.examples).slice(0, 3).join('; ')}` : ''}`);
const toPhones = (m: ToPhones) => phoneProcs.forEach((c) => c.send(m));
const panels = PANELS > 0 ? await Panels.open(ready.url, ready.adminToken, PANELS) : null;
if (panels) log(`${panels.counters().connected}/${PANELS} control panels connected, watching the thumbnails`);
const panelPage = PANEL_PAGE ? await PanelPage.open(ready.url, ready.adminToken, { width: 1280, height: 800 }) : null;
if (panelPage) log(`the control panel's page is open, signed in, showing ${await panelPage.thumbnails()} live thumbnails`);
toPhones({ type: 'go' });
tabs.markBaseline();
panelPage?.markBaseline();
tabs.startHeapWalk();

// 5. The run: a cue every CUE_S, a sample every SAMPLE_S.
const started = Date.now();
const audioTraces: Array<{ t: number; threads: AudioThreadTrace[] }> = [];
for (const at of TRACE_AUDIO_AT)
  setTimeout(() => {
    void tabs.traceAudio(TRACE_AUDIO_MS).then((threads) => {
      audioTraces.push({ t: at, threads });
      log(`t=${at} s: audio threads, ${TRACE_AUDIO_MS} ms traced:${threads.length ? '' : ' none seen'}`);
      for (const th of threads) log(`  ${formatAudioTrace(th)}`);
    });
  }, at * 1000);
const snapshotDir = path.join(ROOT, 'bench', 'results', `soak-snapshots-${new Date().toISOString().slice(0, 16).replace(/[-:]/g, '')}`);
if (STAGE_SNAPSHOTS_AT.length || SERVER_SNAPSHOTS_AT.length) fs.mkdirSync(snapshotDir, { recursive: true });
let snapshotting: Promise<void> = Promise.resolve();
for (const at of STAGE_SNAPSHOTS_AT)
  setTimeout(() => {
    snapshotting = snapshotting.then(async () => {
      log(`t=${((Date.now() - started) / 1000).toFixed(0)} s: heap snapshots of the stage processes (asked for at ${at} s)…`);
      for (const said of await tabs.snapshotStages(snapshotDir, `${at}s`)) log(`  ${said}`);
    });
  }, at * 1000);
for (const at of SERVER_SNAPSHOTS_AT)
  setTimeout(() => {
    snapshotting = snapshotting.then(async () => {
      const file = path.join(snapshotDir, `server-${at}s.heapsnapshot`);
      const answer = keyedMessage<{ bytes: number } | { error: string }>(server, 'snapshot', 300_000);
      toServer({ type: 'snapshot', file });
      const a = await answer.catch((e: Error) => ({ error: e.message }));
      log(`t=${((Date.now() - started) / 1000).toFixed(0)} s: server heap snapshot (asked for at ${at} s): ${'bytes' in a ? `${(a.bytes / 1048576).toFixed(1)} MB in ${path.relative(ROOT, file)}` : `none (${a.error})`}`);
    });
  }, at * 1000);
const samples: Sample[] = [];
const pieceErrors = new Set<string>();
const pieceErrorExamples: string[] = [];
/** Every piece error by kind (its message with the numbers taken out): what the examples leave out. */
const pieceErrorKinds: Record<string, number> = {};
/** Every piece error in full (the first 500), with when the sample saw it. */
const pieceErrorLog: { t: number; screenId: string; message: string }[] = [];
/** The server's warnings by kind, as its last sample tallied them (not stored with every sample). */
let lastWarnKinds: Record<string, number> = {};
let errorsLastHour0: number | null = null;
let errorsLastHour = 0;
let cuesFired = 0;
let apiTimeouts = 0;
let lastAcked = 0;
let lastRtt = { sum: 0, n: 0 };
let lastPaced = 0;
let lastT = 0;
let lastChromium = { at: performance.now(), cpu: chromiumCpu() };
let lastMachine = machineCpu();

async function phoneCounters(): Promise<PhoneCounters[]> {
  const replies = phoneProcs.map((c) => keyedMessage<PhoneCounters>(c, 'report', 30_000));
  toPhones({ type: 'report' });
  return Promise.all(replies);
}

async function takeSample(): Promise<void> {
  const t = (Date.now() - started) / 1000;
  const t0 = performance.now();
  const srv = keyedMessage<ServerSample>(server, 'sample', 60_000);
  toServer({ type: 'sample' });
  // GET /api/show may time out on a starved server: the sample then has no server-side screen figures.
  const showView = api.call<{ screens: ScreenStatus[]; errorsLastHour: number }>('GET', '/api/show').catch((e: Error) => {
    apiTimeouts++;
    log(`GET /api/show failed: ${e.message}${e.cause ? ` (${String(e.cause)})` : ''}`);
    return { screens: [], errorsLastHour: errorsLastHour + (errorsLastHour0 ?? 0) };
  });
  const [serverSample, phones, tabSamples, view] = await Promise.all([srv, phoneCounters(), tabSamplesWithPanel(Math.max(3000, 0.8 * SAMPLE_S * 1000)), showView]);
  const { warnKinds, ...serverFigures } = serverSample;
  lastWarnKinds = warnKinds;
  for (const s of view.screens)
    for (const e of s.errors) {
      const k = `${s.id}|${e.at}|${e.message}`;
      if (pieceErrors.has(k)) continue;
      pieceErrors.add(k);
      const kind = `${e.phase}: ${messageKind(e.message)}`;
      pieceErrorKinds[kind] = (pieceErrorKinds[kind] ?? 0) + 1;
      if (pieceErrorLog.length < 500) pieceErrorLog.push({ t, screenId: s.id, message: e.message.slice(0, 400) });
      if (pieceErrorExamples.length < 5) pieceErrorExamples.push(`${s.id} ${e.installationId ?? ''} ${e.phase}: ${e.message.slice(0, 200)}`);
    }
  errorsLastHour0 ??= view.errorsLastHour;
  errorsLastHour = view.errorsLastHour - errorsLastHour0;
  const chromium = { at: performance.now(), cpu: chromiumCpu() };
  const spent = cpuSince(lastChromium.cpu, chromium.cpu);
  const sinceMs = Math.max(1, chromium.at - lastChromium.at);
  const pct = (ms: number) => Math.round((ms / sinceMs) * 1000) / 10;
  lastChromium = chromium;
  const machineNow = machineCpu();
  const machine = machineShares(lastMachine, machineNow);
  lastMachine = machineNow;
  const acked = phones.reduce((s, p) => s + p.acked, 0);
  const paced = phones.reduce((s, p) => s + p.paced, 0);
  const rtt = { sum: phones.reduce((s, p) => s + p.rttSumMs, 0), n: phones.reduce((s, p) => s + p.rttCount, 0) };
  const sample: Sample = {
    t,
    server: serverFigures,
    tabs: tabSamples,
    screensConnected: view.screens.filter((s) => urls.has(s.id) && s.connected).length,
    screenFps: Object.fromEntries(view.screens.filter((s) => urls.has(s.id)).map((s) => [s.id, s.fps])),
    phonesPlaying: phones.reduce((s, p) => s + p.playing, 0),
    inputsPerSec: t > lastT ? (acked - lastAcked) / (t - lastT) : NaN,
    pacedPct: acked > lastAcked ? ((paced - lastPaced) / (acked - lastAcked)) * 100 : NaN,
    sampleS: (performance.now() - t0) / 1000,
    inputRttMs: rtt.n > lastRtt.n ? (rtt.sum - lastRtt.sum) / (rtt.n - lastRtt.n) : NaN,
    phones: phones.map((p) => ({ ...p, examples: [] })),
    pieceErrors: pieceErrors.size,
    refusedCommands: api.refused + api.failed,
    cuesFired,
    loadAvg: os.loadavg()[0] ?? NaN,
    ...(machine ? { machine } : {}),
    chromiumCpu: { byKind: Object.fromEntries(Object.entries(byKind(spent)).map(([k, v]) => [k, pct(v)])), top: spent.slice(0, 8).map(([k, v]) => [k, pct(v)]) },
  };
  lastAcked = acked;
  lastRtt = rtt;
  lastPaced = paced;
  lastT = t;
  samples.push(sample);
  const heaps = tabSamples.map((x) => x.heapMB).filter((v): v is number => v !== null);
  const panelsNow = panels?.counters();
  log(`t=${t.toFixed(0)} s: server RSS ${serverSample.rssMB.toFixed(1)} MB, heap ${serverSample.heapLiveMB.toFixed(1)} MB, CPU ${serverSample.cpuPct.toFixed(0)} %, waited for a CPU ${serverSample.mainWaitPct?.toFixed(0) ?? '?'} %, loop p99 ${serverSample.loopP99Ms.toFixed(0)} ms; tabs heap ${heaps.length ? `${Math.min(...heaps).toFixed(1)}–${Math.max(...heaps).toFixed(1)}` : '—'} MB; ${sample.phonesPlaying} phones playing${VISIT_S > 0 ? ` (${phones.reduce((s, p) => s + p.left, 0)} visitors came and went; the server holds ${serverSample.visitorsHeld} places, ${serverSample.sockets} sockets)` : ''}, ${sample.inputsPerSec.toFixed(0)} inputs/s (rtt ${sample.inputRttMs.toFixed(0)} ms)${panelsNow ? `; panels got ${panelsNow.states} states and ${panelsNow.thumbnails} thumbnails` : ''}; load ${sample.loadAvg.toFixed(1)}${machine ? ` (steal ${machine.stealPct.toFixed(0)} %, idle ${machine.idlePct.toFixed(0)} %)` : ''}; Chromium ${Object.entries(sample.chromiumCpu!.byKind).map(([k, v]) => `${k} ${v.toFixed(0)} %`).join(', ')}; sampled in ${sample.sampleS.toFixed(1)} s`);
}

/** The tabs' samples, and the panel page's as one more tab (heap only) with --panel-page. */
async function tabSamplesWithPanel(timeoutMs: number) {
  const [screens, panel] = await Promise.all([tabs.sample(timeoutMs), panelPage?.sample(timeoutMs) ?? null]);
  return panel ? [...screens, panel] : screens;
}

/** A sample that fails (a child that did not answer in time) is logged and left out. */
async function safeSample(): Promise<void> {
  try {
    await takeSample();
  } catch (e) {
    sampleFailures++;
    log(`a sample failed: ${(e as Error).message}`);
  }
}

let sampleFailures = 0;
let sampling: Promise<void> | null = null;
const everyCues = Math.max(1, Math.round(SAMPLE_S / CUE_S));
for (let k = 0; ; k++) {
  const due = started + k * CUE_S * 1000;
  if (due > started + DURATION_S * 1000) break;
  await sleep(Math.max(0, due - Date.now()));
  // Sample just before the cue of the same slot in each round, so that each sample sees the same pieces.
  if (k % everyCues === 0 && sampling) log(`t=${((Date.now() - started) / 1000).toFixed(0)} s: the previous sample is still being taken; skipping this one`);
  if (k % everyCues === 0 && !sampling) sampling = safeSample().finally(() => (sampling = null));
  void api.command({ type: 'cue.go', cueId: setup.cues[k % setup.cues.length] }).then((ok) => ok && cuesFired++);
}
await sampling;
await safeSample();
if (!samples.length) {
  console.error('bench:soak: not one sample could be taken (see the messages above)');
  process.exit(1);
}
const runS = (Date.now() - started) / 1000;

// 6. Wind down and judge.
const finalPhones = await phoneCounters();
const screenCounters = tabs.counters();
/** The panel page's errors count with the screens' (its reconnections are reported apart). */
const tabCounters = panelPage ? [...screenCounters, panelPage.counters()] : screenCounters;
await panelPage?.close();
const lastServer = samples.at(-1)!.server;
const finalPanels = panels?.counters() ?? null;
panels?.close();
toPhones({ type: 'quit' });
await tabs.stopHeapWalk();
await snapshotting;
const heapMisses = tabs.heapMisses();
const heapWalk = tabs.heapWalk();
await tabs.close();
const closed = keyedMessage<true>(server, 'closed', 30_000).catch(() => true);
toServer({ type: 'close' });
await closed;

const result: SoakResult = {
  bench: 'soak',
  at: new Date().toISOString(),
  ...(audioTraces.length ? { audioTraces } : {}),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavgAtEnd: os.loadavg() },
  config: { minutes: MINUTES, serverNice: SERVER_NICE, serverSched: SERVER_SCHED, runS, warmupS: WARMUP_S, screens: urls.size, browsers: BROWSERS, phones: PHONES, phonesJoined: nJoined, hz: HZ, cueS: CUE_S, sampleS: SAMPLE_S, size: `${W}x${H}`, heapTolerancePct: HEAP_TOLERANCE, pieces: setup.pieces, cues: setup.cues, staticDir: tempBuild ? 'a temporary build' : staticDir, ...(SERVER_SNAPSHOTS_AT.length ? { serverSnapshotsAt: SERVER_SNAPSHOTS_AT } : {}), ...(SCREEN_PARAMS.size ? { screenParams: SCREEN_PARAMS.toString() } : {}), ...(JS_FLAGS ? { jsFlags: JS_FLAGS } : {}), ...(VISIT_S > 0 ? { visitS: VISIT_S } : {}), ...(PANELS > 0 ? { panels: PANELS } : {}), ...(PANEL_PAGE ? { panelPage: true } : {}) },
  errors: {
    serverErrorLines: lastServer.errorLines,
    serverErrorExamples: lastServer.lastErrors,
    serverWarnLines: lastServer.warnLines,
    serverWarnKinds: lastWarnKinds,
    pieceErrors: Math.max(pieceErrors.size, errorsLastHour),
    pieceErrorExamples,
    pieceErrorKinds,
    pieceErrorLog,
    refusedCommands: api.refused,
    failedCommands: api.failed,
    refusedCommandExamples: api.refusals,
    showReadFailures: apiTimeouts,
    sampleFailures,
    heapReadMisses: heapMisses,
    phoneConnectErrors: finalPhones.reduce((s, p) => s + p.connectErrors, 0),
    phoneJoinErrors: finalPhones.reduce((s, p) => s + p.joinErrors, 0),
    phoneKicked: finalPhones.reduce((s, p) => s + p.kicked, 0),
    phoneInputRefusals: Object.fromEntries(finalPhones.flatMap((p) => Object.entries(p.refused)).reduce((m, [k, v]) => m.set(k, (m.get(k) ?? 0) + v), new Map<string, number>())),
    phoneExamples: finalPhones.flatMap((p) => p.examples).slice(0, 8),
    ...(finalPanels ? { panelConnectErrors: finalPanels.connectErrors } : {}),
    pageErrors: tabCounters.reduce((s, t) => s + t.pageErrors, 0),
    pageCrashes: tabCounters.reduce((s, t) => s + t.crashes, 0),
    consoleErrors: tabCounters.reduce((s, t) => s + t.consoleErrors, 0),
    tabExamples: tabCounters.flatMap((t) => t.examples.map((e) => `${t.screenId}: ${e}`)).slice(0, 8),
  },
  reconnections: {
    screens: screenCounters.reduce((s, t) => s + t.reconnections, 0),
    screenReloads: screenCounters.reduce((s, t) => s + t.reloads, 0),
    phones: finalPhones.reduce((s, p) => s + p.reconnects, 0),
    phoneDisconnects: finalPhones.reduce((s, p) => s + p.disconnects, 0),
    ...(finalPanels ? { panels: finalPanels.reconnects, panelDisconnects: finalPanels.disconnects } : {}),
    ...(panelPage ? { panelPage: tabCounters.at(-1)!.reconnections } : {}),
  },
  ...(finalPanels ? { panels: finalPanels } : {}),
  phones: { sent: finalPhones.reduce((s, p) => s + p.sent, 0), acked: finalPhones.reduce((s, p) => s + p.acked, 0), views: finalPhones.reduce((s, p) => s + p.views, 0), cpuMs: finalPhones.reduce((s, p) => s + p.cpuMs, 0), left: finalPhones.reduce((s, p) => s + p.left, 0), arrived: finalPhones.reduce((s, p) => s + p.arrived, 0) },
  cuesFired,
  tabCounters,
  heapWalk,
  samples,
  verdicts: [],
  analysis: { serverRss: null, serverHeap: null, tabs: [], stages: [] },
};
judge(result);
printReport(result);

const dir = path.join(ROOT, 'bench', 'results');
fs.mkdirSync(dir, { recursive: true });
const stamp = result.at;
const file = path.join(dir, `soak-${stamp.slice(0, 10)}T${stamp.slice(11, 16).replace(':', '')}.json`);
fs.writeFileSync(file, JSON.stringify(result, null, 2));
console.log(`\nwrote ${path.relative(ROOT, file)}`);
process.exit(result.verdicts.some((v) => v.outcome === 'fail') ? 1 : 0);
