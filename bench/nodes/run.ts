/**
 * npm run bench:nodes — visitors anywhere (issue 17): what it costs for a phone on node B to drive
 * a screen on node A.
 *
 * A pavilion of two nodes (server/main.ts in child processes) on its own redis-server. `--phones`
 * light phones (bench/visitors/light-phone.ts: raw WebSocket, socket.io's wire format) join wall
 * `main` on node B and send `visitor:put` at `--hz` each, every input stamped with `sentAt`
 * (Date.now(): one host). Two screens of the wall (socket.io clients in this process) stamp
 * arrival times: `main-2` on node B, the phones' own node, and `main-1` on node A, so the frames it
 * gets went through Redis (server/cluster/visitor-relay.ts). Latency is arrival − sentAt for each
 * visitor whose input changed in a frame. Over the measured window it also reads each node's CPU
 * (/proc), and Redis's own counters (commands, PUBLISH calls, bytes, CPU) per input.
 *
 * Options: --phones 200  --hz 10  --warmup 3  --seconds 10
 * The machine this runs on is usually shared: the load average is printed with the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { arg } from '../lib/args';
import { ROOT, sleep } from '../lib/child';
import { Samples, fmt } from '../lib/stats';
import { LightPhone } from '../visitors/light-phone';
import { TOKEN, benchScreen, cpuSeconds, newInputs, redisStats, settled, startNode, startRedis, type BenchNode, type RedisStats } from './cluster';

const PHONES = arg('phones', 200);
const HZ = arg('hz', 10);
const WARMUP = arg('warmup', 3);
const SECONDS = arg('seconds', 10);

async function command(n: BenchNode, body: unknown): Promise<void> {
  const res = await fetch(`${n.url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ack = (await res.json()) as { ok: boolean; error?: { message: string } };
  if (!ack.ok) throw new Error(`command ${JSON.stringify(body)} on ${n.url}: ${ack.error?.message}`);
}

/** A screen of wall `main` on node `n`: every visitor whose `sentAt` changed in a frame is one latency sample. */
async function screen(n: BenchNode, screenId: string): Promise<{ socket: Socket; latency: Samples; frames: () => number; reset(): void }> {
  const latency = new Samples();
  let frames = 0;
  const sample = newInputs((v, _f, now) => latency.add(now - v.sentAt));
  const socket = await benchScreen(n, screenId, (f, now) => {
    frames++;
    sample(f, now);
  });
  return {
    socket,
    latency,
    frames: () => frames,
    reset() {
      latency.reset();
      frames = 0;
    },
  };
}

async function phonesOn(n: BenchNode, count: number): Promise<LightPhone[]> {
  const phones: LightPhone[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
        const p = await LightPhone.connect(n.url, '/visitor');
        const res = await new Promise<{ ok: boolean; view?: { status: string }; error?: { message: string } }>((resolve) => p.emitWithAck('visitor:join', { wallId: 'main', visitorId: `bench-phone-${i + j}-${Math.random().toString(36).slice(2, 8)}` }, (r) => resolve(r as never)));
        if (!res.ok || res.view?.status !== 'playing') throw new Error(`a phone could not play on ${n.url}: ${res.error?.message ?? res.view?.status}`);
        return p;
      }),
    );
    phones.push(...batch);
  }
  return phones;
}

async function main(): Promise<void> {
  const load0 = os.loadavg();
  console.log(`bench:nodes: ${PHONES} phones at ${HZ} Hz on node B; screens on node A (through Redis) and node B; ${WARMUP} s warm-up, ${SECONDS} s measured (load average ${load0.map((l) => l.toFixed(1)).join(' ')}, ${os.cpus().length} cores)`);
  const redis = await startRedis();
  const a = await startNode(redis.url);
  const b = await startNode(redis.url);
  await settled([a, b]);
  // Twice the phones: the nodes share a wall's cap out (server/cluster/visitor-caps.ts), evenly while nobody plays.
  await command(a, { type: 'wall.visitors', wallId: 'main', cap: 2 * PHONES + 10, input: true });
  await settled([a, b]);
  const onA = await screen(a, 'main-1');
  const onB = await screen(b, 'main-2');
  const phones = await phonesOn(b, PHONES);

  // Phones send in 10 slots per period (not one timer per phone, not all at once).
  const SLOTS = 10;
  let tick = 0;
  let sent = 0;
  let n = 0;
  const timer = setInterval(() => {
    const slot = tick++ % SLOTS;
    for (let i = slot; i < phones.length; i += SLOTS) {
      const p = phones[i]!;
      p.emit('visitor:put', { n: n++, input: 'pad', value: { x: Math.round((Math.random() * 2 - 1) * 1000) / 1000, y: Math.round((Math.random() * 2 - 1) * 1000) / 1000 }, sentAt: Date.now() });
      sent++;
    }
  }, 1000 / HZ / SLOTS);

  await sleep(WARMUP * 1000);
  onA.reset();
  onB.reset();
  const sent0 = sent;
  const cpu0 = [cpuSeconds(a.pid), cpuSeconds(b.pid)];
  const r0 = await redisStats(redis.url);
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const inputs = sent - sent0;
  const cpu1 = [cpuSeconds(a.pid), cpuSeconds(b.pid)];
  const r1 = await redisStats(redis.url);
  const load1 = os.loadavg();
  clearInterval(timer);

  const [la, lb] = [onA.latency.summary(), onB.latency.summary()];
  const perInput = (d: number) => (inputs > 0 ? d / inputs : NaN);
  const cpuMsPerInput = cpu0.map((c, i) => (c === null || cpu1[i] === null ? NaN : (perInput(cpu1[i]! - c) * 1000)));
  const redisDelta = (k: keyof RedisStats) => r1[k] - r0[k];
  const lines = [
    `inputs sent: ${inputs} (${fmt(inputs / seconds, 0)}/s)`,
    `screen on node B (the phones' node):   ${lb.count} samples, p50 ${fmt(lb.p50, 1)} ms, p90 ${fmt(lb.p90, 1)}, p99 ${fmt(lb.p99, 1)}, max ${fmt(lb.max, 0)}; ${onB.frames()} frames`,
    `screen on node A (through Redis):      ${la.count} samples, p50 ${fmt(la.p50, 1)} ms, p90 ${fmt(la.p90, 1)}, p99 ${fmt(la.p99, 1)}, max ${fmt(la.max, 0)}; ${onA.frames()} frames`,
    `added by crossing nodes: p50 ${fmt(la.p50 - lb.p50, 1)} ms, p99 ${fmt(la.p99 - lb.p99, 1)} ms`,
    `CPU per input: node B (phones, publishes) ${fmt(cpuMsPerInput[1], 3)} ms, node A (merges, its screen) ${fmt(cpuMsPerInput[0], 3)} ms; redis-server ${fmt(perInput(redisDelta('cpu')) * 1000, 4)} ms`,
    `Redis per input: ${fmt(perInput(redisDelta('commands')), 3)} commands, ${fmt(perInput(redisDelta('publishes')), 3)} PUBLISH, ${fmt(perInput(redisDelta('netIn')), 0)} bytes in, ${fmt(perInput(redisDelta('netOut')), 0)} bytes out; per second: ${fmt(redisDelta('publishes') / seconds, 0)} PUBLISH, ${fmt(redisDelta('netIn') / seconds / 1024, 0)} KiB in, ${fmt(redisDelta('netOut') / seconds / 1024, 0)} KiB out; redis-server CPU ${fmt((redisDelta('cpu') / seconds) * 100, 1)} %`,
    `load average after: ${load1.map((l) => l.toFixed(1)).join(' ')}`,
  ];
  for (const l of lines) console.log(`  ${l}`);
  const out = path.join(ROOT, 'bench/results', `nodes-${new Date().toISOString().slice(0, 16).replace(/:/g, '')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ phones: PHONES, hz: HZ, seconds, inputs, load: [load0, load1], sameNode: lb, crossNode: la, framesA: onA.frames(), framesB: onB.frames(), cpuMsPerInput: { a: cpuMsPerInput[0], b: cpuMsPerInput[1] }, redis: { before: r0, after: r1 } }, null, 2));
  console.log(`  wrote ${path.relative(ROOT, out)}`);
  for (const p of phones) p.close();
  onA.socket.close();
  onB.socket.close();
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
