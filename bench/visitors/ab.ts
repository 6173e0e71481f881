/**
 * Builds side by side AT THE SAME TIME: the server's CPU per phone input of several checkouts,
 * each with its own phones, all running in the same windows (issue 16).
 *
 *   npx tsx bench/visitors/ab.ts --builds .tmp/prev,. --phones 500 --rounds 5 --seconds 8 --warmup 3
 *
 * bench:visitors runs its variants one after the other; on a shared machine whose load moves by
 * the minute, each then meets different contention, and a difference of 10–20 % between builds is
 * lost in it. Here every build's server (its own bench/visitors/server.ts, as `--prev` runs it)
 * gets the same number of light phones (this checkout's phones.ts: input frames, folded answers;
 * each build's join answer decides the rest, as on a real phone), and all of them are measured
 * over the same windows, so the machine's load falls on them alike. Several rounds, a fresh set of
 * processes each, and the median per build. No screen (nothing encodes frames): the input path.
 * Prints µs of server CPU per input, inputs/s, answers/s, per build and round, and the load.
 * BENCH_NO_PACE=1 and BENCH_RTT_FACTOR=0 as bench:visitors (a fixed offered load).
 */
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { FromPhones, FromServer, PhoneJob, ServerReport, ToPhones, ToServer } from './protocol';
import { arg } from '../lib/args';
import { childForker, nextMessage, sleep } from '../lib/child';

const BUILDS = arg('builds', '.').split(',');
const PHONES = arg('phones', 500);
const ROUNDS = arg('rounds', 5);
const SECONDS = arg('seconds', 8);
const WARMUP = arg('warmup', 3);
const ACK_MS = arg('ack-ms', 400);
const here = childForker(import.meta.dirname);
const forkers = BUILDS.map((b) => (path.resolve(b) === path.resolve(import.meta.dirname, '..', '..') ? here : childForker(path.resolve(b, 'bench', 'visitors'))));

interface Round {
  server: ServerReport;
  sent: number;
  acks: number;
  phoneCpuMs: number;
}

async function round(): Promise<Round[]> {
  const servers = forkers.map((f) => f.fork('server.ts', { args: ['pavilion', String(ACK_MS)] }));
  const ready = await Promise.all(servers.map((s) => nextMessage<Extract<FromServer, { type: 'ready' }>>(s, (m) => (m as FromServer).type === 'ready', 'the server')));
  const phones: ChildProcess[][] = ready.map(({ port }, b) =>
    [0, 1].map((i) => {
      const p = here.fork('phones.ts');
      const job: PhoneJob = { mode: 'pavilion', url: `http://127.0.0.1:${port}`, count: Math.floor(PHONES / 2) + (i < PHONES % 2 ? 1 : 0), prefix: `ab${b}-${i}`, hz: 20, phones: 'light', acks: 'folded', wire: 'frames' };
      p.send(job);
      return p;
    }),
  );
  await Promise.all(phones.flat().map((p) => nextMessage(p, (m) => (m as FromPhones).type === 'connected', 'the phones to connect')));
  const all = phones.flat();
  const toPhones = (m: ToPhones) => all.forEach((p) => p.send(m));
  toPhones({ type: 'go' });
  await sleep(WARMUP * 1000);
  toPhones({ type: 'window-start' });
  servers.forEach((s) => s.send({ type: 'start' } satisfies ToServer));
  await sleep(SECONDS * 1000);
  const reports = servers.map((s) => nextMessage<Extract<FromServer, { type: 'report' }>>(s, (m) => (m as FromServer).type === 'report', 'the server report'));
  const windows = all.map((p) => nextMessage<Extract<FromPhones, { type: 'window' }>>(p, (m) => (m as FromPhones).type === 'window', 'the phone reports'));
  toPhones({ type: 'window-stop' });
  servers.forEach((s) => s.send({ type: 'stop' } satisfies ToServer));
  const [srv, ph] = await Promise.all([Promise.all(reports), Promise.all(windows)]);
  toPhones({ type: 'quit' });
  await Promise.all(all.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  for (const s of servers) s.disconnect();
  await Promise.all(servers.map((s) => new Promise((r) => (s.exitCode !== null ? r(null) : (s.once('exit', r), setTimeout(() => s.kill(), 10_000))))));
  return srv.map((server, b) => {
    const mine = ph.slice(b * 2, b * 2 + 2);
    return { server, sent: mine.reduce((s, r) => s + r.sent, 0), acks: mine.reduce((s, r) => s + r.acks, 0), phoneCpuMs: mine.reduce((s, r) => s + r.cpuMs, 0) };
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

console.log(`bench:visitors ab — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${PHONES} light phones per build at 20 Hz, all builds at once; ${ROUNDS} rounds of ${SECONDS} s after ${WARMUP} s; builds: ${BUILDS.join(', ')}`);
console.log('round │ build │ µs/input │ inputs/s │ answers/s │ server CPU % │ lag p99 ms │ load');
const per: number[][] = BUILDS.map(() => []);
for (let r = 1; r <= ROUNDS; r++) {
  try {
    const res = await round();
    const load = os.loadavg()[0] ?? NaN;
    res.forEach((x, b) => {
      per[b]!.push(x.server.cpuUsPerInput);
      console.log(`${r} │ ${BUILDS[b]} │ ${x.server.cpuUsPerInput.toFixed(1)} │ ${x.server.acceptedPerSec.toFixed(0)} │ ${(x.acks / x.server.windowSecs).toFixed(0)} │ ${x.server.cpuPct.toFixed(0)} │ ${x.server.lagP99.toFixed(0)} │ ${load.toFixed(1)}`);
    });
  } catch (e) {
    console.error(`  round ${r}: ${(e as Error).message}`);
  }
}
console.log(`\nmedian µs of server CPU per input: ${BUILDS.map((b, i) => `${b} ${median(per[i]!).toFixed(1)} (${per[i]!.map((x) => x.toFixed(0)).join(', ')})`).join('; ')}`);
process.exit(0);
