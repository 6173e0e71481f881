import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, startChild } from '../support/child';
import { until } from '../support/server';
import { healthOf, NODE_TOKEN, send, showOf, startRedis, type TestRedis } from '../support/redis';

/**
 * Issue 17: several nodes as one pavilion on Redis. Each node is `server/main.ts` in a child process
 * (as `npm start` runs it) with PAVILION_REDIS_URL, its own data directory, and the same technician
 * token; the Redis is the test's own (tests/support/redis.ts). Each test is a pavilion of its own
 * (PAVILION_REDIS_PREFIX). No timed assertion: every wait is for a condition, with a generous limit.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
const dirs: string[] = [];
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await redis?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}, 30_000);

async function node(url: string, prefix: string): Promise<{ url: string; child: ChildProcess }> {
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
    const a = await node(redis.url, 'any:');
    const b = await node(redis.url, 'any:');
    const ha = await until(async () => { const h = await healthOf(a.url); return h.cluster?.role === 'writer' ? h : null; }, 'node a to be the writer');
    const hb = await until(async () => { const h = await healthOf(b.url); return h.cluster?.writer ? h : null; }, 'node b to know the writer');
    expect(hb.cluster).toMatchObject({ role: 'follower', writer: ha.cluster!.node, redis: 'ok' });
    expect(hb.status).toBe('ok');

    const viaB = await send(b.url, preset('from-b'));
    expect(viaB).toMatchObject({ status: 200, ack: { ok: true } });
    const viaA = await send(a.url, preset('from-a'));
    expect(viaA).toMatchObject({ status: 200, ack: { ok: true } });
    expect(viaA.ack.version).toBeGreaterThan(viaB.ack.version!);
    // The writer's refusal comes back through the follower as it is.
    const refused = await send(b.url, { type: 'wall.play', wallId: 'no-such-wall', installationId: 'echo' });
    expect(refused).toMatchObject({ status: 404, ack: { ok: false, error: { code: 'unknown_wall' } } });

    for (const n of [a, b]) await until(async () => { const p = await presetsOf(n.url); return p.includes('from-a') && p.includes('from-b'); }, `${n.url} to serve both presets`);
    const [sa, sb] = await Promise.all([showOf(a.url), showOf(b.url)]);
    expect(sb).toEqual(sa);
  }, 90_000);

  it('the writer killed (SIGKILL) during a stream of commands: another node takes over, no acknowledged command is lost, commands are accepted again', async () => {
    const n1 = await node(redis.url, 'failover:');
    const first = await until(async () => { const h = await healthOf(n1.url); return h.cluster?.role === 'writer' ? h : null; }, 'node 1 to be the writer');
    const n2 = await node(redis.url, 'failover:');
    const n3 = await node(redis.url, 'failover:');
    for (const n of [n2, n3]) await until(async () => (await healthOf(n.url)).cluster?.writer === first.cluster!.node, 'the followers to know the writer');

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
    await until(() => acked.length >= 15, '15 acknowledged commands before the kill', 45_000);
    n1.child.kill('SIGKILL');
    killed = true;
    await exited(n1.child);
    await until(() => ackedAfterKill >= 15, '15 acknowledged commands after the kill', 45_000);
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
  }, 150_000);
});
