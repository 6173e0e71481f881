import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, startChild } from '../support/child';
import { ask, client, connected, until } from '../support/server';
import { healthOf, NODE_TOKEN, send, showOf, startRedis, type TestRedis } from '../support/redis';

/**
 * Issue 17: several nodes as one pavilion on Redis. Each node is `server/main.ts` in a child process
 * (as `npm start` runs it) with PAVILION_REDIS_URL, its own data directory, and the same technician
 * token; the Redis is the test's own (tests/support/redis.ts). Three nodes are started once (a node
 * starts in seconds); the tests run in order on them, the last one kills the writer. No timed
 * assertion: every wait is for a condition, with a generous limit.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];
let redis: TestRedis;

type Node = { url: string; child: ChildProcess };
/** Three nodes of one pavilion, started together; the tests below run in order on them (the last kills the writer). */
let nodes: Node[] = [];

beforeAll(async () => {
  redis = await startRedis();
  nodes = await Promise.all([node(redis.url, 'one:'), node(redis.url, 'one:'), node(redis.url, 'one:')]);
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await redis?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}, 30_000);

async function node(url: string, prefix: string): Promise<Node> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-node-'));
  dirs.push(dataDir);
  const c = await startChild({ PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: NODE_TOKEN, PAVILION_REDIS_URL: url, PAVILION_REDIS_PREFIX: prefix, PAVILION_CLOCK_PORT: 'off' });
  children.push(c.child);
  return c;
}

const preset = (name: string) => ({ type: 'preset.save', installationId: 'echo', name, params: {} });
const presetsOf = async (url: string) => Object.keys((await showOf(url)).presets.echo ?? {});

describe('several nodes as one pavilion (PAVILION_REDIS_URL)', () => {
  it('without PAVILION_REDIS_URL nothing of it is loaded: server/app.ts imports the cluster code only when asked', () => {
    const app = fs.readFileSync(path.join(ROOT, 'server/app.ts'), 'utf8');
    const staticImports = [...app.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
    expect(staticImports.filter((s) => /cluster|redis/.test(s!))).toEqual([]);
    expect(app).toMatch(/opts\.redis \? await \(await import\('\.\/cluster\/index'\)\)/);
  });

  it('a command sent to any node is made once, by the writer, and every node serves it', async () => {
    const healths = await until(async () => {
      const hs = await Promise.all(nodes.map((n) => healthOf(n.url)));
      return hs.every((h) => h.cluster?.writer && h.cluster.lagVersions === 0) ? hs : null;
    }, 'every node to know the writer and to have caught up with it');
    const w = healths.findIndex((h) => h.cluster?.role === 'writer');
    expect(w).toBeGreaterThanOrEqual(0);
    const writer = nodes[w]!;
    const f = w === 0 ? 1 : 0;
    const follower = nodes[f]!;
    expect(healths.filter((h) => h.cluster?.role === 'writer')).toHaveLength(1);
    for (const h of healths) expect(h.cluster).toMatchObject({ writer: healths[w]!.cluster!.node, redis: 'ok' });
    expect(healths[f]!.cluster!.role).toBe('follower');
    expect(healths[f]!.status).toBe('ok');

    const viaFollower = await send(follower.url, preset('from-follower'));
    expect(viaFollower).toMatchObject({ status: 200, ack: { ok: true } });
    // Answered once the follower's own copy shows it.
    expect(await presetsOf(follower.url)).toContain('from-follower');
    const viaWriter = await send(writer.url, preset('from-writer'));
    expect(viaWriter).toMatchObject({ status: 200, ack: { ok: true } });
    expect(viaWriter.ack.version).toBeGreaterThan(viaFollower.ack.version!);
    // The panel's socket on a follower: the same path, and the ack means durable.
    const panel = client(follower, '/control', { token: NODE_TOKEN });
    try {
      await connected(panel);
      expect(await ask(panel, 'command', preset('from-panel'))).toMatchObject({ ok: true });
    } finally {
      panel.close();
    }
    // The writer's refusal comes back through the follower as it is.
    const refused = await send(follower.url, { type: 'wall.play', wallId: 'no-such-wall', installationId: 'echo' });
    expect(refused).toMatchObject({ status: 404, ack: { ok: false, error: { code: 'unknown_wall' } } });

    for (const n of nodes) await until(async () => { const p = await presetsOf(n.url); return ['from-writer', 'from-follower', 'from-panel'].every((name) => p.includes(name)); }, `${n.url} to serve the three presets`);
    const [sw, sf] = await Promise.all([showOf(writer.url), showOf(follower.url)]);
    expect(sf).toEqual(sw);
  }, 90_000);

  it('the writer killed (SIGKILL) during a stream of commands: another node takes over, no acknowledged command is lost, commands are accepted again', async () => {
    const healths = await until(async () => {
      const hs = await Promise.all(nodes.map((n) => healthOf(n.url)));
      return hs.every((h) => h.cluster?.writer) ? hs : null;
    }, 'every node to know the writer');
    const w = healths.findIndex((h) => h.cluster?.role === 'writer');
    const first = healths[w]!;
    const n1 = nodes[w]!; // the writer, to be killed
    const [n2, n3] = nodes.filter((_, i) => i !== w) as [Node, Node];

    const acked: string[] = [];
    let killed = false;
    let ackedAfterKill = 0;
    let stop = false;
    const stream = async (url: string, tag: string) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await send(url, preset(`${tag}-${i}`));
          if (r.ack.ok) {
            acked.push(`${tag}-${i}`);
            if (killed) ackedAfterKill++;
          }
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // that node is gone: what it had not answered was not acknowledged
        }
      }
    };
    const streams = [stream(n1.url, 'one'), stream(n2.url, 'two'), stream(n3.url, 'three')];
    await until(() => acked.length >= 10, '10 acknowledged commands before the kill', 60_000);
    n1.child.kill('SIGKILL');
    killed = true;
    await exited(n1.child);
    await until(() => ackedAfterKill >= 10, '10 acknowledged commands after the kill', 60_000);
    stop = true;
    await Promise.all(streams);

    const writers = await until(async () => {
      const hs = await Promise.all([healthOf(n2.url), healthOf(n3.url)]);
      return hs.filter((h) => h.cluster?.role === 'writer').length === 1 ? hs : null;
    }, 'one of the two survivors to be the writer');
    const now = writers.find((h) => h.cluster?.role === 'writer')!.cluster!;
    expect(now.fence).toBeGreaterThan(first.cluster!.fence!);
    expect(writers.map((h) => h.cluster!.writer)).toEqual([now.node, now.node]);

    await until(async () => { const [s2, s3] = await Promise.all([showOf(n2.url), showOf(n3.url)]); return s2.version === s3.version; }, 'the survivors to serve the same version');
    for (const n of [n2, n3]) {
      const kept = new Set(await presetsOf(n.url));
      expect(acked.filter((name) => !kept.has(name)), `acknowledged presets missing on ${n.url}`).toEqual([]);
    }
  }, 180_000);
});
