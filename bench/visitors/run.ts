/**
 * npm run bench:visitors — how many phones can play at 20 Hz with input→screen p99 ≤ 50 ms?
 *
 * For each N, side by side in the same run: (a) Pavilion (createApp: per-wall input frames,
 * ack-paced phones; with folded answers as the phone page, and with `--acks folded,each` also with
 * one answer per input, as before) and (b) a bare socket.io relay forwarding every phone message
 * to the display, and (c) the transport's floor: a bare `ws` server that only counts the same input
 * frames (what Node and `ws` cost per input before any work; server CPU per input is also given as a
 * ratio to it). Phones are light WebSocket clients speaking socket.io's wire format
 * (light-phone.ts; `--phones real`: socket.io-client) in child processes; the server runs in its own child process
 * (its own event loop, measured); one screen stamps arrival times: a Chromium page (default) or a
 * socket.io client in this process (--display node).
 * Loopback only, bounded in time. Prints a table; writes bench/results/visitors-<date>T<hhmm>[-chromium].json.
 *
 * Several nodes: --nodes 2 (bench/visitors/nodes.ts: phones spread over the nodes on Redis; its own options there).
 * Options: --steps 1000,2000,3000,5000  --seconds 8  --warmup 3  --hz 20  --only pavilion|relay|floor (or several, comma-separated)
 *          --phones light|real (light: raw WebSocket phones; real: socket.io-client)
 *          --acks folded|each|folded,each (pavilion's phones: folded answers, one per input, or both in turn)
 *          --ack-ms 400: the server's ack window for folded answers
 *          --wire socket|frames|put|socket,frames (pavilion's phones with folded answers: default socket, the
 *          input socket with a ticket and binary frames both ways, as the phone page; frames: binary input frames
 *          on the socket.io session, as the page before it or when its input socket is refused; put:
 *          phone page, or `visitor:put` events, or both in turn)
 *          --prev <checkout>: the previous build's server in every step (its phones: folded `visitor:put`;
 *          --prev-acks each for a build older than folded answers; --prev-wire frames for a build that
 *          takes input frames, from 4718669 on)
 *          --wait-idle 600: before each step, wait (up to 600 s) until the machine is ≥ 90 % idle
 *          for two 5 s samples (Linux; for shared machines).
 *          --server-nice -10: each server (pavilion, previous, relay alike) runs in a session of its own whose
 *          autogroup gets this nice value (Linux), as a server with a machine of its own. By default (`shared`)
 *          the server is in the bench's session, and the autogroup scheduler gives that session (server and
 *          phones together) about half the machine against the Chromium screen's: 53 % + 45 % of one core at
 *          2,000 phones on 2026-12-01, lag p99 239 ms. With -10 the server got 60–100 %, the phones sent less,
 *          and no step held either way (docs/performance.md, 2026-12-01).
 *          --display none: no screen (nothing encodes frames; no latency): the server's cost of the input path alone
 *          --display chromium|node: the screen is a Chromium page (default: bare, with a rAF loop, on
 *          the same machine, as a real screen is), or a socket.io client in this process (a screen
 *          far stronger than a browser tab at taking many small messages).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import type { VisitorFrame } from '../../protocol';
import type { AckMode, FromPhones, FromServer, Mode, PhoneJob, PhoneKind, PhoneReport, ServerReport, ToPhones, ToServer, Wire } from './protocol';
import { DisplayPage } from './display-page';
import { arg } from '../lib/args';
import { raiseSessionOf } from '../lib/priority';
import { machineCpu, machineShares } from '../lib/machine-cpu';
import { ROOT, childForker, nextMessage, sleep } from '../lib/child';
import { Samples, fmt as fmtDigits } from '../lib/stats';

// --nodes N (N ≥ 2): phones spread over N nodes on Redis (issue 17): bench/visitors/nodes.ts runs instead.
if (arg('nodes', 1) > 1) await (await import('./nodes')).runNodes();

const HERE = import.meta.dirname;
const STEPS = arg('steps', '1000,2000,3000,5000').split(',').map(Number).filter((n) => n > 0);
const SECONDS = arg('seconds', 8);
const WARMUP = arg('warmup', 3);
const HZ = arg('hz', 20);
const MODES: Mode[] = arg('only', '') ? (arg('only', '').split(',') as Mode[]) : ['pavilion', 'relay', 'floor'];
if (!MODES.every((m) => m === 'pavilion' || m === 'relay' || m === 'floor')) {
  console.error(`--only takes pavilion, relay or floor (or several, comma-separated); got '${arg('only', '')}'`);
  process.exit(2);
}
const PHONES = arg('phones', 'light') as PhoneKind;
const ACKS = arg('acks', 'folded').split(',') as AckMode[];
const ACK_MS = arg('ack-ms', 400);
const WIRES = arg('wire', 'socket').split(',') as Wire[];
const PREV_ACKS = arg('prev-acks', 'folded') as AckMode;
const PREV_WIRE = arg('prev-wire', 'put') as Wire;
if ((PHONES !== 'light' && PHONES !== 'real') || ![...ACKS, PREV_ACKS].every((a) => a === 'folded' || a === 'each') || ![...WIRES, PREV_WIRE].every((w) => w === 'socket' || w === 'frames' || w === 'put')) {
  console.error(`--phones takes light or real, --acks (and --prev-acks) folded, each or folded,each, --wire socket, frames or put (or several, comma-separated); got '${PHONES}', '${ACKS.join(',')}', '${WIRES.join(',')}'`);
  process.exit(2);
}
/** What one step runs: the relay, or Pavilion with one way of answering. */
interface Variant {
  mode: Mode;
  acks: AckMode;
  /** Folded answers: how the phones send (input frames or visitor:put). */
  wire: Wire;
  label: string;
  /** The previous build (--prev): its server runs from that checkout. */
  prev?: string;
}
/**
 * --prev <dir>: a checkout of the previous build (e.g. `git worktree add <dir> <commit>`, with this
 * node_modules linked; only its bench/visitors/server.ts is run, with the phones of this bench):
 * its Pavilion runs in each step too, its phones sending `visitor:put` with folded answers
 * (`--prev-acks each`: one answer per input, for a build older than folded answers).
 */
const PREV = arg('prev', '');
/** --prev a,b: several previous builds, oldest first (labels prev1, prev2, …), each in every step. */
const PREVS = PREV ? PREV.split(',') : [];
const VARIANTS: Variant[] = MODES.flatMap((mode): Variant[] =>
  mode === 'relay' || mode === 'floor'
    ? [{ mode, acks: 'each', wire: 'put', label: mode }]
    : [
        ...PREVS.map((prev, i): Variant => ({ mode, acks: PREV_ACKS, wire: PREV_WIRE, label: PREVS.length === 1 ? 'previous' : `prev${i + 1}`, prev })),
        ...ACKS.flatMap((acks): Variant[] =>
          acks === 'each' ? [{ mode, acks, wire: 'put', label: 'pav/each' }] : WIRES.map((wire) => ({ mode, acks, wire, label: wire === 'socket' ? 'pavilion' : wire === 'frames' ? 'pav/frames' : 'pav/put' })),
        ),
      ],
);
const P99_LIMIT = 50;
const WAIT_IDLE_S = arg('wait-idle', 0);
const SERVER_NICE_ARG = arg('server-nice', 'shared');
const SERVER_NICE = SERVER_NICE_ARG === 'shared' ? null : Number(SERVER_NICE_ARG);
if (SERVER_NICE !== null && !(Number.isInteger(SERVER_NICE) && SERVER_NICE >= -20 && SERVER_NICE <= 19)) {
  console.error(`--server-nice takes a nice value from -20 to 19, or shared; got '${SERVER_NICE_ARG}'`);
  process.exit(2);
}
/** What the last server's priority came to (printed once). */
let serverPriorityNote: string | null = null;
/** Figures in this bench's table have 1 decimal unless told otherwise. */
const fmt = (v: number | null | undefined, digits = 1): string => fmtDigits(v, digits);
const DISPLAY = arg('display', 'chromium');
if (DISPLAY !== 'node' && DISPLAY !== 'chromium' && DISPLAY !== 'none') {
  console.error(`--display takes node, chromium or none, got '${DISPLAY}'`);
  process.exit(2);
}

/** Waits until the machine is mostly idle (other people's work would otherwise be measured too). */
async function waitIdle(maxS: number): Promise<void> {
  if (maxS <= 0 || !machineCpu()) return;
  const until = Date.now() + maxS * 1000;
  let quiet = 0;
  while (Date.now() < until) {
    const a = machineCpu();
    await sleep(5000);
    const idlePct = machineShares(a, machineCpu())?.idlePct ?? 0;
    quiet = idlePct >= 90 ? quiet + 1 : 0;
    if (quiet >= 2) return;
  }
  console.warn(`  the machine did not go idle within ${maxS} s; measuring anyway (see the load column)`);
}

interface StepResult {
  mode: Mode;
  /** pavilion: how its phones were answered (folded or one answer per input). */
  acks: AckMode;
  /** pavilion, folded: how its phones sent (input frames or visitor:put). */
  wire: Wire;
  label: string;
  phones: number;
  connected: number;
  offeredPerSec: number;
  sentPerSec: number;
  serverInPerSec: number;
  /** Input updates the display saw (pavilion: new states per visitor; relay: messages). */
  deliveredPerSec: number;
  latency: { count: number; p50: number; p90: number; p99: number; max: number };
  /** Pavilion only: now − the oldest input merged in each frame (the worst input of every frame). */
  frameWorst: { p50: number; p99: number; max: number } | null;
  displayMsgsPerSec: number;
  /** CPU of all phone processes together, and of the display client (this process), % of one core. */
  phonesCpuPct: number;
  /** The phones' CPU per phone (% of one core) and per input sent (µs). */
  phoneCpuPctEach: number;
  phoneUsPerInput: number;
  /** Answer messages the phones got per second (folded: far fewer than inputs). */
  acksPerSec: number;
  displayCpuPct: number;
  server: ServerReport;
  phonesReport: PhoneReport;
  /** 1-minute load average of the machine at the end of the step (other work on the machine shows here). */
  loadAvg: number;
  held: boolean;
  /** False when the server saw a window far from the one asked (the machine starved it): numbers meaningless. */
  valid: boolean;
  /** --display chromium: the page's animation frames per second and its longest frame gap. */
  screenPage: { fps: number; worstFrameGapMs: number } | null;
}

const forker = childForker(HERE);
const prevForkers = new Map(PREVS.map((dir) => [dir, childForker(path.resolve(dir, 'bench', 'visitors'))]));
function child(file: string, args: string[], prev?: string): ChildProcess {
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each server process's window (open it in Chrome DevTools, or bench/visitors/profile.ts);
  // BENCH_CPU_PROF_PHONES=<dir>: the same for the phone processes.
  // (the server profiles its measuring window itself, bench/visitors/server.ts)
  const profDir = file === 'server.ts' ? undefined : process.env.BENCH_CPU_PROF_PHONES;
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`] : [];
  if (process.env.BENCH_TRACE_GC && file === 'server.ts') prof.push('--trace-gc');
  const own = file === 'server.ts' && SERVER_NICE !== null;
  const c = ((prev && prevForkers.get(prev)) || forker).fork(file, { args, execArgv: prof, ownSession: own });
  if (own && c.pid !== undefined) {
    const said = raiseSessionOf(c.pid, SERVER_NICE);
    // Said once (and again if it changes from done to not done).
    const kind = said === null ? null : said.startsWith('could not') ? 'failed' : 'done';
    if (said !== null && kind !== serverPriorityNote) console.log(`(each server: ${said})`);
    serverPriorityNote = kind;
  }
  return c;
}

/** The next message of `c` that `pred` accepts (bench/lib/child.ts). */
const next = <T>(c: ChildProcess, pred: (m: T) => boolean, what: string, timeoutMs?: number): Promise<T> => nextMessage<T>(c, (m) => pred(m as T), what, timeoutMs);

async function step(variant: Variant, n: number): Promise<StepResult> {
  const { mode, acks } = variant;
  const server = child('server.ts', [mode, String(ACK_MS)], variant.prev);
  const { port, key } = await next<Extract<FromServer, { type: 'ready' }>>(server, (m) => m.type === 'ready', 'the server');
  const url = `http://127.0.0.1:${port}`;

  // The display: one screen of the wall, stamping arrivals.
  const latency = new Samples();
  const frameWorst = new Samples();
  let displayMsgs = 0;
  let delivered = 0;
  const lastSent = new Map<string, number>();
  // The floor has no screen: its server only counts inputs.
  const screen = mode === 'floor' ? 'none' : DISPLAY;
  const page = screen === 'chromium' ? await DisplayPage.open(url, mode, key) : null;
  const display: Socket = io(`${url}/display`, { transports: ['websocket'], forceNew: true, reconnection: false, autoConnect: !page && screen !== 'none' });
  if (!page && screen !== 'none')
    await new Promise<void>((resolve, reject) => {
      display.once('connect', () => resolve());
      display.once('connect_error', reject);
    });
  if (page || screen === 'none') {
    // the page is the screen, or there is none
  } else if (mode === 'pavilion') {
    const hello = (await display.timeout(10_000).emitWithAck('display:hello', { screenId: 'main-1', ...(key ? { key } : {}) })) as { ok: boolean };
    if (!hello.ok) throw new Error('bench: the display was refused');
    display.on('visitors:frame', (f: VisitorFrame) => {
      const now = Date.now();
      displayMsgs++;
      if (f.oldestSentAt !== null) frameWorst.add(now - f.oldestSentAt);
      for (const v of f.visitors) {
        if (v.sentAt === undefined || lastSent.get(v.id) === v.sentAt) continue;
        lastSent.set(v.id, v.sentAt);
        latency.add(now - v.sentAt);
        delivered++;
      }
    });
  } else {
    display.on('input', (m: { sentAt: number }) => {
      displayMsgs++;
      delivered++;
      latency.add(Date.now() - m.sentAt);
    });
  }

  // The phones: several processes, many sockets each.
  const procs = Math.max(2, Math.min(4, Math.ceil(n / 500)));
  const phones = Array.from({ length: procs }, () => child('phones.ts', []));
  const connected = await Promise.all(
    phones.map((p, i) => {
      const job: PhoneJob = { mode, url, count: Math.floor(n / procs) + (i < n % procs ? 1 : 0), prefix: `bench${i}`, hz: HZ, phones: PHONES, acks, wire: variant.wire };
      p.send(job);
      return next<Extract<FromPhones, { type: 'connected' }>>(p, (m) => m.type === 'connected', 'the phones to connect');
    }),
  );
  const nConnected = connected.reduce((s, c) => s + c.connected, 0);
  const errors = connected.flatMap((c) => c.errors);
  if (errors.length) console.warn(`  ${mode} ${n}: ${n - nConnected} phones failed to connect: ${errors.slice(0, 3).join('; ')}`);

  const toPhones = (m: ToPhones) => phones.forEach((p) => p.send(m));
  toPhones({ type: 'go' });
  await sleep(WARMUP * 1000);

  latency.reset();
  frameWorst.reset();
  displayMsgs = 0;
  delivered = 0;
  await page?.reset();
  toPhones({ type: 'window-start' });
  server.send({ type: 'start' } satisfies ToServer);
  const t0 = performance.now();
  const myCpu0 = process.cpuUsage();
  await sleep(SECONDS * 1000);
  const reports = phones.map((p) => next<Extract<FromPhones, { type: 'window' }>>(p, (m) => m.type === 'window', 'the phone reports'));
  const serverReport = next<Extract<FromServer, { type: 'report' }>>(server, (m) => m.type === 'report', 'the server report');
  toPhones({ type: 'window-stop' });
  server.send({ type: 'stop' } satisfies ToServer);
  const secs = (performance.now() - t0) / 1000;
  const myCpu = process.cpuUsage(myCpu0);
  const seen = page ? await page.read() : null;
  if (seen) {
    for (const l of seen.latencies) latency.add(l);
    displayMsgs = seen.msgs;
    delivered = seen.delivered;
  }
  const lat = latency.summary();
  const worst = frameWorst.summary();
  const msgs = displayMsgs;
  const del = delivered;
  const [srv, ...phoneReports] = await Promise.all([serverReport, ...reports]);
  const { type: _t, ...serverStats } = srv;

  toPhones({ type: 'quit' });
  display.close();
  await page?.close();
  await Promise.all(phones.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  const exited = new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  server.disconnect(); // it exits on its own (and writes its CPU profile if asked)
  const killer = setTimeout(() => server.kill(), 10_000);
  await exited;
  clearTimeout(killer);

  const pr: PhoneReport = { connected: 0, failed: 0, sent: 0, acked: 0, acks: 0, heldAtPhone: 0, paced: 0, refused: {}, stalled: 0, onInputSocket: 0, cpuMs: 0 };
  for (const r of phoneReports) {
    pr.connected += r.connected;
    pr.failed += r.failed;
    pr.sent += r.sent;
    pr.acked += r.acked;
    pr.acks += r.acks;
    pr.heldAtPhone += r.heldAtPhone;
    pr.paced += r.paced;
    pr.stalled += r.stalled;
    pr.onInputSocket += r.onInputSocket ?? 0;
    pr.cpuMs += r.cpuMs;
    for (const [k, v] of Object.entries(r.refused)) pr.refused[k] = (pr.refused[k] ?? 0) + v;
  }
  const offered = n * HZ;
  const deliveredPerSec = del / secs;
  const result: StepResult = {
    mode,
    acks,
    wire: variant.wire,
    label: variant.label,
    phones: n,
    connected: nConnected,
    offeredPerSec: offered,
    sentPerSec: pr.sent / secs,
    serverInPerSec: serverStats.acceptedPerSec,
    deliveredPerSec,
    latency: lat,
    frameWorst: mode === 'pavilion' && !page ? { p50: worst.p50, p99: worst.p99, max: worst.max } : null,
    displayMsgsPerSec: msgs / secs,
    phonesCpuPct: pr.cpuMs / 10 / secs,
    phoneCpuPctEach: pr.cpuMs / 10 / secs / Math.max(1, nConnected),
    phoneUsPerInput: (pr.cpuMs * 1000) / Math.max(1, pr.sent),
    acksPerSec: pr.acks / secs,
    displayCpuPct: page ? NaN : ((myCpu.user + myCpu.system) / 1000 / 10) / secs,
    server: serverStats,
    phonesReport: pr,
    loadAvg: os.loadavg()[0] ?? NaN,
    // Held: every phone connected, p99 within the limit, and the screen got ≥ 90 % of the offered rate.
    held: nConnected === n && lat.p99 <= P99_LIMIT && deliveredPerSec >= 0.9 * offered,
    // A server window far from the one asked means the server answered late: starved by other
    // work on the machine (the step says nothing), unless its own event loop lag explains it.
    valid: Math.abs(serverStats.windowSecs - secs) < 0.1 * secs || serverStats.lagMax / 1000 >= 0.5 * Math.abs(serverStats.windowSecs - secs),
    screenPage: seen ? { fps: seen.frames / secs, worstFrameGapMs: seen.worstFrameGapMs } : null,
  };
  if (!result.valid) result.held = false;
  return result;
}

function row(r: StepResult): string {
  const cells = [
    String(r.phones).padStart(5),
    r.label.padEnd(8),
    fmt(r.sentPerSec, 0).padStart(7),
    fmt(r.deliveredPerSec, 0).padStart(7),
    fmt(r.latency.p50).padStart(7),
    fmt(r.latency.p99).padStart(8),
    fmt(r.latency.max, 0).padStart(7),
    fmt(r.server.cpuPct, 0).padStart(5),
    fmt(r.server.cpuUsPerInput, 0).padStart(6),
    fmt(r.server.lagP99).padStart(7),
    fmt(r.phonesCpuPct, 0).padStart(6),
    fmt(r.phoneUsPerInput, 0).padStart(7),
    fmt(r.server.rssMB, 0).padStart(6),
    fmt(r.acksPerSec, 0).padStart(6),
    (r.screenPage ? `${fmt(r.screenPage.fps, 0)}fps` : fmt(r.displayCpuPct, 0)).padStart(6),
    fmt(r.displayMsgsPerSec, 0).padStart(7),
    fmt(r.server.coalescedPerSec, 0).padStart(7),
    String(r.phonesReport.heldAtPhone).padStart(7),
    (r.mode === 'floor' ? '—' : r.valid ? (r.held ? 'yes' : 'no') : 'n/a').padStart(4),
    fmt(r.loadAvg).padStart(5),
  ];
  return cells.join(' │ ');
}

const HEADER = ['    N', 'server  ', ' sent/s', ' seen/s', 'p50 ms', ' p99 ms', ' max ms', ' CPU%', 'µs/in ', 'lag p99', 'ph CPU', 'ph µs/in', '   MB', 'acks/s', 'screen', 'disp/s', 'coal/s', ' skipped', ' ok?', ' load'].join(' │ ');

console.log(`bench:visitors — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${HZ} Hz ${PHONES} phones (pavilion: ${ACKS.map((a) => (a === 'folded' ? `folded answers, ${ACK_MS} ms window, inputs as ${WIRES.map((w) => (w === 'socket' ? 'the input socket' : w === 'frames' ? 'input frames' : 'visitor:put')).join(' / ')}` : 'one answer per input')).join(' / ')}${PREV ? `; previous: ${PREV}, ${PREV_ACKS === 'folded' ? `${PREV_WIRE === 'socket' ? 'the input socket' : PREV_WIRE === 'frames' ? 'input frames' : 'visitor:put'}, folded answers` : 'one answer per input'}` : ''}), ${SECONDS} s per step after ${WARMUP} s warm-up; the screen: ${DISPLAY === 'chromium' ? 'a Chromium page' : DISPLAY === 'none' ? 'none (frames are not encoded)' : 'a socket.io client in this process'}`);
console.log(HEADER);
const results: StepResult[] = [];
for (const n of STEPS) {
  for (const v of VARIANTS) {
    try {
      await waitIdle(WAIT_IDLE_S);
      const r = await step(v, n);
      results.push(r);
      console.log(row(r));
    } catch (e) {
      console.error(`  ${v.label} ${n}: ${(e as Error).message}`);
    }
  }
}

const capacity = (label: string) => Math.max(0, ...results.filter((r) => r.label === label && r.held).map((r) => r.phones));
const served = VARIANTS.filter((v) => v.mode !== 'floor');
const summary = Object.fromEntries(served.map((v) => [v.label, { capacityPhones: capacity(v.label) }]));
console.log(`\ncapacity (most phones with every phone connected, p99 ≤ ${P99_LIMIT} ms and ≥ 90 % of inputs seen): ${served.map((v) => `${v.label} ${capacity(v.label)}`).join(', ')}`);
const floors = new Map(results.filter((r) => r.mode === 'floor').map((r) => [r.phones, r.server.cpuUsPerInput]));
const overFloor = results.filter((r) => r.mode === 'pavilion' && floors.has(r.phones)).map((r) => `${r.phones} ${r.label} ${fmt(r.server.cpuUsPerInput / floors.get(r.phones)!, 2)}×`);
if (overFloor.length) console.log(`server CPU per input over the floor's in the same step: ${overFloor.join(', ')}`);
console.log('columns: sent/s = phone inputs sent; seen/s = input updates the display saw; CPU% = server process (100 = one core); µs/in = server CPU per input;');
console.log('         lag = server event-loop delay beyond its 10 ms sampling tick; ph CPU = all phone processes, % of one core;');
console.log(`         ph µs/in = the phones' CPU per input sent (${PHONES} phones); MB = server RSS; acks/s = answer messages to the phones (pavilion: folded, pav/each: one per input)`);
console.log('         screen = the Chromium screen page\'s animation frames per second (--display node: that client\'s CPU, % of one core); disp/s = display messages per second;');
console.log('         coal/s = inputs the server overwrote before a frame carried them; skipped = ticks a phone skipped while its input was in flight (it then sends its latest state)');
console.log('         floor = a bare ws server that only counts the same input frames (one 14-byte answer per 8): what any Node WebSocket server pays per input; no screen, no latency');
console.log('         ok? = held (n/a: the server process was starved by other work on the machine, not by its own event loop, so the step says nothing); load = 1-min load average');

const dir = path.join(ROOT, 'bench', 'results');
fs.mkdirSync(dir, { recursive: true });
const stamp = new Date().toISOString();
const file = path.join(dir, `visitors-${stamp.slice(0, 10)}T${stamp.slice(11, 16).replace(':', '')}${DISPLAY === 'chromium' ? '-chromium' : ''}.json`); // one file per run
fs.writeFileSync(
  file,
  JSON.stringify({ bench: 'visitors', at: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() }, config: { steps: STEPS, serverNice: SERVER_NICE, seconds: SECONDS, warmup: WARMUP, hz: HZ, p99LimitMs: P99_LIMIT, display: DISPLAY, phones: PHONES, acks: ACKS, wire: WIRES, ackMs: ACK_MS, prev: PREV || null, prevAcks: PREV ? PREV_ACKS : null, prevWire: PREV ? PREV_WIRE : null }, summary, results }, null, 2),
);
console.log(`wrote ${path.relative(ROOT, file)}`);
process.exit(0);
