import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/server';
import { healthOf, metricsOf, NODE_TOKEN, preset, presetsOf, sample, send, showOf, startCluster, type TestCluster, type TestNode } from '../support/cluster';

/**
 * Issue 17: losing Redis is survivable. Two nodes (server/main.ts in child processes,
 * tests/support/cluster.ts) on the test's own redis-server, which is killed and started again on
 * the same port and directory.
 */
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 });
}, 180_000);

afterAll(async () => {
  await cluster?.close();
}, 30_000);

describe('losing Redis', () => {
  it('nodes keep serving, commands are refused saying so, and once Redis is back commands are accepted and nothing acknowledged is lost', async () => {
    const { redis } = cluster;
    const [a, b] = cluster.nodes as [TestNode, TestNode];
    for (const n of [a, b]) await until(async () => (await healthOf(n.url)).cluster?.writer, `${n.url} to know the writer`);
    expect(await send(b.url, preset('before'))).toMatchObject({ status: 200, ack: { ok: true } });

    await redis.stop('SIGKILL');
    for (const n of [a, b]) {
      const h = await until(async () => { const h = await healthOf(n.url); return h.cluster?.redis === 'unreachable' ? h : null; }, `${n.url} to notice Redis is gone`);
      expect(h.status).toBe('degraded');
      expect(h.reasons.join(' ')).toMatch(/cannot reach Redis/);
      const refused = await send(n.url, preset('during'));
      expect(refused.status).toBe(409);
      expect(refused.ack).toMatchObject({ ok: false, error: { code: 'not_allowed_now' } });
      expect(refused.ack.error!.message).toMatch(/not made.*cannot reach Redis.*screens keep playing.*retry/);
      // Still serving its copy of the show.
      expect(await presetsOf(n.url)).toContain('before');
      // The list of nodes lives in Redis: refused, saying so; the metrics say Redis is out of reach.
      const list = await fetch(`${n.url}/api/nodes`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } });
      expect(list.status).toBe(503);
      expect(((await list.json()) as { error: { message: string } }).error.message).toMatch(/cannot reach now.*redis-server/);
      expect(sample(await metricsOf(n.url), 'pavilion_cluster_redis_up', { node: h.cluster!.node })).toBe(0);
    }

    await redis.start();
    for (const n of [a, b]) await until(async () => (await healthOf(n.url)).cluster?.redis === 'ok', `${n.url} to reach Redis again`, 30_000);
    const after = await until(async () => { const r = await send(b.url, preset('after')); return r.ack.ok ? r : null; }, 'a command to be accepted again', 30_000);
    expect(after.status).toBe(200);
    for (const n of [a, b]) {
      await until(async () => (await presetsOf(n.url)).includes('after'), `${n.url} to serve the change made after Redis came back`);
      const names = await presetsOf(n.url);
      expect(names).toContain('before');
      expect(names).not.toContain('during');
    }
    const [sa, sb] = await Promise.all([showOf(a.url), showOf(b.url)]);
    expect(sb).toEqual(sa);
  }, 180_000);
});
