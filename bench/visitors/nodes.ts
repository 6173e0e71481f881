/**
 * npm run bench:visitors -- --nodes 2 — visitors spread over several nodes (issue 17).
 *
 * A pavilion of `--nodes` nodes (server/main.ts in child processes) on the bench's own redis-server
 * (AOF, fsync always; bench/nodes/cluster.ts). `--phones` light phones (light-phone.ts: raw
 * WebSocket, socket.io's wire format, `visitor:put` at `--hz` each, stamped with `sentAt`) join
 * wall `main`, spread evenly over the nodes (phone i on node i mod N). One screen of the wall on each
 * node (a socket.io client in this process) stamps arrival − sentAt for each visitor whose input
 * changed in a frame, split by whether the phone is on the screen's own node or another one (its
 * states crossed Redis: server/cluster/visitor-relay.ts). Over the measured window it reads:
 * - each node's CPU (/proc) per input it took (its own phones) and per input of the wall (all of them);
 * - Redis's own counters: commands, PUBLISH calls, bytes in and out, CPU, per input and per message;
 * - each node's hop histogram (GET /metrics, pavilion_cluster_visitor_hop_seconds): from another
 *   node's PUBLISH to this node reading it, in show time.
 *
 * Options: --nodes 2  --phones 200 (or --steps 200)  --hz 10  --warmup 3  --seconds 10  --fsync always|everysec|no
 * The machine is usually shared: the load average is printed with the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { arg } from '../lib/args';
import { ROOT, sleep } from '../lib/child';
import { Samples, fmt } from '../lib/stats';
import { LightPhone } from './light-phone';
import { TOKEN, WRITE_COMMANDS, benchScreen, cpuSeconds, newInputs, redisCommandCalls, redisLatency, redisStats, settled, startNode, startRedis, watchRedisLatency, type BenchNode, type RedisStats } from '../nodes/cluster';

const NODES = arg('nodes', 2);
/** Phones: `--phones 200`, or the first of `--steps` (the single-node bench's phone counts; there `--phones` names the kind of phone). */
const PHONES = Number.isFinite(Number(arg('phones', ''))) && arg('phones', '') !== '' ? Number(arg('phones', '')) : Number(arg('steps', '200').split(',')[0]);
const HZ = arg('hz', 10);
const WARMUP = arg('warmup', 3);
const SECONDS = arg('seconds', 10);
/** Redis's appendfsync (docs/operations.md asks for `always`; `everysec` or `no` show what the fsyncs cost the hop). */
const FSYNC = arg('fsync', 'always') as 'always' | 'everysec' | 'no';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

async function command(n: BenchNode, body: unknown): Promise<void> {
  const res = await fetch(`${n.url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ack = (await res.json()) as { ok: boolean; error?: { message: string } };
  if (!ack.ok) throw new Error(`command ${JSON.stringify(body)} on ${n.url}: ${ack.error?.message}`);
}

/** Every screen's latency samples: phones on the screen's own node, and on the others. */
const same = new Samples();
const cross = new Samples();
/** The server's part (frame `at` − sentAt) of the cross-node samples: what the nodes and Redis took, without the socket to this process. */
const crossServer = new Samples();

interface BenchScreen {
  socket: Socket;
  frames: () => number;
  reset(): void;
}

/** A screen of wall `main` on node `home`; `nodeOf` says which node a visitor id plays on. */
async function screen(n: BenchNode, home: number, screenId: string, nodeOf: Map<string, number>): Promise<BenchScreen> {
  let frames = 0;
  const sample = newInputs((v, f, now) => {
    if (nodeOf.get(v.id) === home) same.add(now - v.sentAt);
    else {
      cross.add(now - v.sentAt);
      crossServer.add(f.at - v.sentAt);
    }
  });
  const socket = await benchScreen(n, screenId, (f, now) => {
    frames++;
    sample(f, now);
  });
  return {
    socket,
    frames: () => frames,
    reset() {
      frames = 0;
    },
  };
}

async function joinPhone(n: BenchNode, i: number): Promise<{ phone: LightPhone; id: string }> {
  const phone = await LightPhone.connect(n.url, '/visitor');
  const res = await new Promise<{ ok: boolean; view?: { status: string; visitorId: string }; error?: { message: string } }>((resolve) =>
    phone.emitWithAck('visitor:join', { wallId: 'main', visitorId: `bench-phone-${i}-${Math.random().toString(36).slice(2, 8)}` }, (r) => resolve(r as never)),
  );
  if (!res.ok || res.view?.status !== 'playing') throw new Error(`a phone could not play on ${n.url}: ${res.error?.message ?? res.view?.status}`);
  return { phone, id: res.view.visitorId };
}

/** A node's hop histogram (cumulative bucket counts, le → count) and its event loop's delay since the last scrape (prom-client's default series, ms). */
async function scrape(n: BenchNode): Promise<{ hop: Map<number, number>; lagP99: number; lagMax: number }> {
  const text = await (await fetch(`${n.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const hop = new Map<number, number>();
  for (const m of text.matchAll(/^pavilion_cluster_visitor_hop_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\}\s+(\S+)$/gm)) hop.set(m[1] === '+Inf' ? Infinity : Number(m[1]), (hop.get(m[1] === '+Inf' ? Infinity : Number(m[1])) ?? 0) + Number(m[2]));
  const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { hop, lagP99: gauge('nodejs_eventloop_lag_p99_seconds'), lagMax: gauge('nodejs_eventloop_lag_max_seconds') };
}

/** p50 and p99 of a histogram's window (after − before): the upper bound of the bucket that holds them, in ms. */
function hopPercentiles(before: Map<number, number>[], after: Map<number, number>[]): { count: number; p50: number; p99: number } {
  const les = [...(after[0]?.keys() ?? [])].sort((a, b) => a - b);
  const counts = les.map((le) => after.reduce((sum, a, i) => sum + (a.get(le) ?? 0) - (before[i]?.get(le) ?? 0), 0));
  const total = counts.at(-1) ?? 0;
  const at = (q: number) => les[counts.findIndex((c) => c >= q * total)] ?? NaN;
  return { count: total, p50: at(0.5) * 1000, p99: at(0.99) * 1000 };
}

export async function runNodes(): Promise<void> {
  if (!(NODES >= 2 && NODES <= 8 && Number.isInteger(NODES)) || !(PHONES >= 1 && Number.isInteger(PHONES))) {
    console.error(`--nodes takes a whole number from 2 to 8 and --phones (or --steps) a whole number of phones, got ${NODES} and ${PHONES}`);
    process.exit(2);
  }
  const load0 = os.loadavg();
  console.log(`bench:visitors --nodes ${NODES}: ${PHONES} phones at ${HZ} Hz spread over ${NODES} nodes, one screen of wall main on each; Redis appendfsync ${FSYNC}; ${WARMUP} s warm-up, ${SECONDS} s measured (load average ${load0.map((l) => l.toFixed(1)).join(' ')}, ${os.cpus().length} cores)`);
  if (!['always', 'everysec', 'no'].includes(FSYNC)) {
    console.error(`--fsync takes always, everysec or no, got '${FSYNC}'`);
    process.exit(2);
  }
  const redis = await startRedis(FSYNC);
  const nodes: BenchNode[] = [];
  for (let i = 0; i < NODES; i++) nodes.push(await startNode(redis.url));
  await settled(nodes);
  // The nodes share the wall's cap out (server/cluster/visitor-caps.ts): room for every phone on any node.
  await command(nodes[0]!, { type: 'wall.visitors', wallId: 'main', cap: NODES * PHONES + 10, input: true });
  await settled(nodes);
  const nodeOf = new Map<string, number>();
  const screens = await Promise.all(nodes.map((n, i) => screen(n, i, `main-${(i % 3) + 1}`, nodeOf)));
  const phones: Array<{ phone: LightPhone; node: number }> = [];
  for (let i = 0; i < PHONES; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, PHONES - i) }, (_, j) => joinPhone(nodes[(i + j) % NODES]!, i + j)));
    batch.forEach((p, j) => {
      nodeOf.set(p.id, (i + j) % NODES);
      phones.push({ phone: p.phone, node: (i + j) % NODES });
    });
  }

  // Phones send in 10 slots per period (not one timer per phone, not all at once).
  const SLOTS = 10;
  let tick = 0;
  let n = 0;
  const sentBy = new Array<number>(NODES).fill(0);
  const timer = setInterval(() => {
    const slot = tick++ % SLOTS;
    for (let i = slot; i < phones.length; i += SLOTS) {
      const p = phones[i]!;
      p.phone.emit('visitor:put', { n: n++, input: 'pad', value: { x: Math.round((Math.random() * 2 - 1) * 1000) / 1000, y: Math.round((Math.random() * 2 - 1) * 1000) / 1000 }, sentAt: Date.now() });
      sentBy[p.node]!++;
    }
  }, 1000 / HZ / SLOTS);

  await sleep(WARMUP * 1000);
  for (const s of screens) s.reset();
  for (const x of [same, cross, crossServer]) x.reset();
  const sent0 = [...sentBy];
  const cpu0 = nodes.map((x) => cpuSeconds(x.pid));
  const r0 = await redisStats(redis.url);
  const calls0 = await redisCommandCalls(redis.url);
  const hop0 = (await Promise.all(nodes.map(scrape))).map((x) => x.hop);
  await watchRedisLatency(redis.url);
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const sentNode = sentBy.map((x, i) => x - sent0[i]!);
  const cpu1 = nodes.map((x) => cpuSeconds(x.pid));
  const r1 = await redisStats(redis.url);
  const calls1 = await redisCommandCalls(redis.url);
  const after = await Promise.all(nodes.map(scrape));
  const hop1 = after.map((x) => x.hop);
  const latency = await redisLatency(redis.url);
  const load1 = os.loadavg();
  clearInterval(timer);

  const inputs = sentNode.reduce((a, b) => a + b, 0);
  const per = (d: number, by = inputs) => (by > 0 ? d / by : NaN);
  const cpuMs = nodes.map((_, i) => (cpu0[i] === null || cpu1[i] === null ? NaN : (cpu1[i]! - cpu0[i]!) * 1000));
  const rd = (k: keyof RedisStats) => r1[k] - r0[k];
  const [sameS, crossS, crossServerS] = [same.summary(), cross.summary(), crossServer.summary()];
  const hop = hopPercentiles(hop0, hop1);
  const fsync = latency.find((l) => l.event === 'aof-fsync-always') ?? null;
  const writes = [...calls1].map(([name, n]) => [name, n - (calls0.get(name) ?? 0)] as const).filter(([name, n]) => n > 0 && WRITE_COMMANDS.has(name));
  // What a run that misses the target points at: a loaded machine, a slow event loop, Redis's fsyncs.
  const why = [
    ...(Math.max(load0[0]!, load1[0]!) > 1 ? [`the machine was not idle (load ${fmt(Math.max(load0[0]!, load1[0]!), 1)})`] : []),
    ...(Math.max(...after.map((x) => x.lagP99)) > 50 ? [`a node's event loop was delayed ${fmt(Math.max(...after.map((x) => x.lagP99)), 0)} ms at p99`] : []),
    ...(fsync && fsync.maxMs >= 10 ? [`Redis fsync stalls up to ${fsync.maxMs} ms in ${fsync.samples} seconds`] : []),
    ...(inputs / seconds < 0.9 * PHONES * HZ ? [`the phones sent ${fmt(inputs / seconds, 0)} inputs/s of ${PHONES * HZ}`] : []),
  ];
  const publishes = rd('publishes');
  // Every node subscribes to the channel: each PUBLISH is delivered N times (its own node drops its own).
  const deliveries = publishes * NODES;
  const lines = [
    `inputs sent: ${inputs} (${fmt(inputs / seconds, 0)}/s), by node ${sentNode.join(' / ')}`,
    `latency, phone on the screen's own node: ${sameS.count} samples, p50 ${fmt(sameS.p50, 1)} ms, p90 ${fmt(sameS.p90, 1)}, p99 ${fmt(sameS.p99, 1)}, max ${fmt(sameS.max, 0)}`,
    `latency, phone on another node:         ${crossS.count} samples, p50 ${fmt(crossS.p50, 1)} ms, p90 ${fmt(crossS.p90, 1)}, p99 ${fmt(crossS.p99, 1)}, max ${fmt(crossS.max, 0)}`,
    `  of which in the nodes (frame at − sentAt): p50 ${fmt(crossServerS.p50, 1)} ms, p99 ${fmt(crossServerS.p99, 1)}; hop PUBLISH → other node read (${hop.count} messages): p50 ≤ ${fmt(hop.p50, 1)} ms, p99 ≤ ${fmt(hop.p99, 1)} ms`,
    `frames per screen: ${screens.map((s) => s.frames()).join(' / ')}; each node's event-loop delay over the window: p99 ${after.map((x) => fmt(x.lagP99, 0)).join(' / ')} ms, max ${after.map((x) => fmt(x.lagMax, 0)).join(' / ')} ms`,
    `CPU per input, each node (its own phones' inputs): ${cpuMs.map((c, i) => fmt(per(c, sentNode[i]), 3)).join(' / ')} ms; per input of the wall (all nodes' inputs): ${cpuMs.map((c) => fmt(per(c), 3)).join(' / ')} ms; all nodes ${fmt(per(cpuMs.reduce((a, b) => a + b, 0)), 3)} ms`,
    `Redis per input: ${fmt(per(rd('commands')), 3)} commands, ${fmt(per(publishes), 3)} PUBLISH, ${fmt(per(rd('netIn')), 0)} bytes in, ${fmt(per(rd('netOut')), 0)} bytes out`,
    `Redis per second: ${fmt(rd('commands') / seconds, 0)} commands, ${fmt(publishes / seconds, 0)} PUBLISH (${fmt(deliveries / seconds, 0)} deliveries), ${fmt(rd('netIn') / seconds / 1024, 0)} KiB in, ${fmt(rd('netOut') / seconds / 1024, 0)} KiB out; redis-server CPU ${fmt((rd('cpu') / seconds) * 100, 1)} % of a core, ${fmt(per(rd('cpu') * 1e6, rd('commands')), 1)} µs per command, ${fmt(per(rd('cpu') * 1e6, publishes), 1)} µs per PUBLISH (all its work counted)`,
    `Redis latency events ≥ 1 ms in the window (LATENCY LATEST): ${latency.length ? latency.map((l) => `${l.event} latest ${l.latestMs} ms, max ${l.maxMs} ms, in ${l.samples} of the seconds`).join('; ') : 'none'}`,
    `Redis fsync stalls (aof-fsync-always: Redis delivers nothing, pub/sub included, while it fsyncs): ${fsync ? `in ${fsync.samples} of the ${Math.round(seconds)} seconds, worst of each second: median ${fmt(median(fsync.history), 0)} ms, max ${fmt(fsync.maxMs, 0)} ms` : 'none ≥ 1 ms'}`,
    `Redis writes: ${fmt(rd('changes') / seconds, 2)}/s (${fmt(rd('changes') / seconds / NODES, 2)} per node), of which logged to the AOF (what Redis fsyncs): ${fmt(rd('aofBytes') / seconds, 0)} bytes/s; write commands/s: ${writes.length ? writes.map(([name, n]) => `${name} ${fmt(n / seconds, 2)}`).join(', ') : 'none'} (a renewal's PEXPIRE is not logged: server/cluster/scripts.ts)`,
    `target, a phone on another node's screen within 100 ms p99 at 200 phones: ${PHONES < 200 ? `not this run (${PHONES} phones)` : crossS.p99 <= 100 ? `met (p99 ${fmt(crossS.p99, 1)} ms)` : `NOT met (p99 ${fmt(crossS.p99, 1)} ms): ${why.join('; ') || 'see the figures above'}`}`,
    `load average after: ${load1.map((l) => l.toFixed(1)).join(' ')}`,
  ];
  for (const l of lines) console.log(`  ${l}`);
  const out = path.join(ROOT, 'bench/results', `visitors-nodes${NODES}-fsync-${FSYNC}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify({ bench: 'visitors --nodes', nodes: NODES, fsync: FSYNC, phones: PHONES, hz: HZ, seconds, inputs, sentByNode: sentNode, load: [load0, load1], sameNode: sameS, crossNode: crossS, crossNodeServer: crossServerS, hopMs: hop, loopLagMs: after.map((x) => ({ p99: x.lagP99, max: x.lagMax })), redisLatency: latency, redisWritesPerSecond: Object.fromEntries(writes.map(([name, n]) => [name, n / seconds])), met: PHONES >= 200 && crossS.p99 <= 100, frames: screens.map((s) => s.frames()), cpuMs, redis: { before: r0, after: r1 } }, null, 2),
  );
  console.log(`  wrote ${path.relative(ROOT, out)}`);
  for (const p of phones) p.phone.close();
  for (const s of screens) s.socket.close();
  process.exit(0);
}
