/**
 * npm run bench:nodes:failover [-- --rounds 3] [--nodes 3] [--clock-seconds 10] [--json out.json]
 *
 * Issue 17's clock and failover targets, measured: the show clock's difference between nodes, and
 * the writer killed with SIGKILL during a stream of commands. A pavilion of `--nodes` nodes
 * (server/main.ts in child processes, as `npm start` runs them, each with its clock responder) on
 * the bench's own redis-server (AOF, fsync always). Each round:
 * 1. **Clock.** For `--clock-seconds`, every 25 ms, every node's `GET /api/health`: its
 *    `cluster.clock.offsetMs` is show time minus this machine's clock, the clock every node runs
 *    on here; so a follower's offset minus the writer's is exactly how far apart the two serve show
 *    time at that moment (no truth to estimate). Also each follower's own uncertainty.
 * 2. **Failover.** Every node gets a stream of commands (`preset.save`, each awaited: an ack, a
 *    refusal or a connection error); after 10 acknowledged, the writer is SIGKILLed. Measured: from
 *    the kill to the first acknowledgement of a command sent after it ("accepted again"); what was
 *    refused meanwhile, by code; once the survivors agree, whether every acknowledged command is in
 *    their show (lost: acknowledged and missing); and each survivor's largest step in offset between
 *    two samples 25 ms apart through the change of writer (a jump of show time; ≈ 0 means it ran on).
 * 3. A new node joins, so the next round starts with `--nodes` again.
 * Writes bench/results/nodes-failover-<date>.json. docs/performance.md has the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { arg } from '../lib/args';
import { ROOT, poll, sleep } from '../lib/child';
import { fmt, percentile } from '../lib/stats';
import { TOKEN, settled, startNode, startRedis, type BenchNode } from './cluster';

const ROUNDS = arg('rounds', 3);
const NODES = Math.max(2, arg('nodes', 3));
const CLOCK_S = arg('clock-seconds', 10);
const JSON_OUT = arg('json', '');

interface Health {
  cluster?: { role: 'writer' | 'follower'; node: string; writer: string | null; clock: { synced: boolean; offsetMs: number; uncertaintyMs: number | null } };
}
const health = async (n: BenchNode): Promise<Health | null> => {
  try {
    return (await (await fetch(`${n.url}/api/health`, { signal: AbortSignal.timeout(2000) })).json()) as Health;
  } catch {
    return null;
  }
};
type Answer = { ok: true } | { ok: false; code: string };
async function send(n: BenchNode, name: string): Promise<Answer> {
  try {
    const res = await fetch(`${n.url}/api/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'preset.save', installationId: 'echo', name, params: {} }),
      signal: AbortSignal.timeout(15_000),
    });
    const ack = (await res.json()) as { ok: boolean; error?: { code: string } };
    return ack.ok ? { ok: true } : { ok: false, code: ack.error?.code ?? String(res.status) };
  } catch (e) {
    return { ok: false, code: (e as Error).name === 'TimeoutError' ? 'no answer in 15 s' : 'connection error' };
  }
}
const presetsOf = async (n: BenchNode) =>
  Object.keys(((await (await fetch(`${n.url}/api/show/export`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { presets: Record<string, Record<string, unknown>> }).presets.echo ?? {});
const versionOf = async (n: BenchNode) => ((await (await fetch(`${n.url}/api/show/export`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { version: number }).version;

interface Round {
  round: number;
  load: number;
  /** |follower offset − writer offset|, ms, every sample of every synced follower. */
  clockDiffMs: number[];
  /** The followers' own uncertainty, ms (their estimator's bound). */
  uncertaintyMs: number[];
  acceptedAgainMs: number;
  refusals: Record<string, number>;
  acked: number;
  lost: number;
  /** Each survivor's largest |step| of offset between two samples through the failover, ms. */
  offsetStepMs: number[];
}

const redis = await startRedis();
const env = { PAVILION_CLOCK_PORT: '0' };
let nodes: BenchNode[] = [];
for (let i = 0; i < NODES; i++) {
  nodes.push(await startNode(redis.url, env));
  if (i === 0) await settled(nodes);
}
await settled(nodes);
const rounds: Round[] = [];
let seq = 0;

for (let r = 1; r <= ROUNDS; r++) {
  // Every follower synced to the writer's clock.
  await poll(async () => {
    const hs = await Promise.all(nodes.map(health));
    return hs.every((h) => h?.cluster && (h.cluster.role === 'writer' || h.cluster.clock.synced));
  }, 'every follower to sync to the writer', 60_000);
  const round: Round = { round: r, load: os.loadavg()[0]!, clockDiffMs: [], uncertaintyMs: [], acceptedAgainMs: NaN, refusals: {}, acked: 0, lost: 0, offsetStepMs: [] };
  const clockEnd = Date.now() + CLOCK_S * 1000;
  while (Date.now() < clockEnd) {
    const hs = await Promise.all(nodes.map(health));
    const w = hs.find((h) => h?.cluster?.role === 'writer')?.cluster;
    if (w)
      for (const h of hs) {
        const c = h?.cluster;
        if (!c || c.role !== 'follower' || !c.clock.synced) continue;
        round.clockDiffMs.push(Math.abs(c.clock.offsetMs - w.clock.offsetMs));
        if (c.clock.uncertaintyMs !== null) round.uncertaintyMs.push(c.clock.uncertaintyMs);
      }
    await sleep(25);
  }

  // The failover.
  const hs = await Promise.all(nodes.map(health));
  const wi = hs.findIndex((h) => h?.cluster?.role === 'writer');
  if (wi < 0) throw new Error('bench: no writer before the kill');
  const writer = nodes[wi]!;
  const survivors = nodes.filter((n) => n !== writer);
  const acked: string[] = [];
  let killAt = 0;
  let ackedAfter = 0;
  let stop = false;
  const stream = async (n: BenchNode) => {
    while (!stop) {
      const name = `r${r}-${seq++}`;
      const sentAt = performance.now();
      const a = await send(n, name);
      if (a.ok) {
        acked.push(name);
        if (killAt && sentAt > killAt) {
          if (!ackedAfter) round.acceptedAgainMs = performance.now() - killAt;
          ackedAfter++;
        }
      } else {
        if (killAt) round.refusals[a.code] = (round.refusals[a.code] ?? 0) + 1;
        await sleep(50);
      }
    }
  };
  // The survivors' offsets through the change of writer: a jump of show time shows as a step.
  const offsets = new Map<BenchNode, number[]>(survivors.map((n) => [n, []]));
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const s = await Promise.all(survivors.map(health));
      s.forEach((h, i) => { if (h?.cluster) offsets.get(survivors[i]!)!.push(h.cluster.clock.offsetMs); });
      await sleep(25);
    }
  })();
  const streams = nodes.map(stream);
  await poll(async () => acked.length >= 10, '10 acknowledged commands before the kill', 60_000);
  killAt = performance.now();
  process.kill(writer.pid, 'SIGKILL');
  await poll(async () => ackedAfter >= 10, '10 acknowledged commands after the kill', 120_000);
  stop = true;
  await Promise.all(streams);
  await sleep(500);
  sampling = false;
  await sampler;
  round.acked = acked.length;
  await poll(async () => { const v = await Promise.all(survivors.map(versionOf)); return v.every((x) => x === v[0]); }, 'the survivors to serve the same version', 60_000);
  const kept = new Set(await presetsOf(survivors[0]!));
  round.lost = acked.filter((n) => !kept.has(n)).length;
  for (const xs of offsets.values()) round.offsetStepMs.push(xs.length > 1 ? Math.max(...xs.slice(1).map((x, i) => Math.abs(x - xs[i]!))) : NaN);
  rounds.push(round);
  console.log(
    `round ${r}: clock difference between nodes p50 ${fmt(percentile(round.clockDiffMs, 50), 3)} ms, p99 ${fmt(percentile(round.clockDiffMs, 99), 3)} ms, max ${fmt(Math.max(...round.clockDiffMs), 3)} ms (${round.clockDiffMs.length} samples; followers' uncertainty p50 ${fmt(percentile(round.uncertaintyMs, 50), 3)} ms); ` +
      `writer killed: commands accepted again after ${fmt(round.acceptedAgainMs, 0)} ms; refused meanwhile ${JSON.stringify(round.refusals)}; acknowledged ${round.acked}, lost ${round.lost}; ` +
      `survivors' largest offset step ${round.offsetStepMs.map((x) => fmt(x, 3)).join('/')} ms; load ${round.load.toFixed(1)}`,
  );
  // Back to NODES for the next round.
  nodes = [...survivors, await startNode(redis.url, env)];
  await settled(nodes);
}

const all = rounds.flatMap((r) => r.clockDiffMs);
console.log(
  `\nbench:nodes:failover — ${NODES} nodes on one redis-server (AOF, fsync always), ${ROUNDS} rounds, ${os.cpus().length} cores\n` +
    `clock difference between nodes: p50 ${fmt(percentile(all, 50), 3)} ms, p99 ${fmt(percentile(all, 99), 3)} ms, max ${fmt(Math.max(...all), 3)} ms over ${all.length} samples (target p99 ≤ 0.5 ms)\n` +
    `commands accepted again after the writer's SIGKILL: ${rounds.map((r) => fmt(r.acceptedAgainMs, 0)).join(', ')} ms (target ≤ 5,000 ms); acknowledged commands lost: ${rounds.reduce((s, r) => s + r.lost, 0)} of ${rounds.reduce((s, r) => s + r.acked, 0)} (target 0); ` +
    `largest offset step through a failover ${fmt(Math.max(...rounds.flatMap((r) => r.offsetStepMs).filter(Number.isFinite)), 3)} ms`,
);
const out = JSON_OUT || path.join(ROOT, 'bench', 'results', `nodes-failover-${new Date().toISOString().slice(0, 16).replace(/:/g, '')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), nodes: NODES, rounds }, null, 2));
console.log(`wrote ${path.relative(ROOT, out)}`);
process.exit(0);
