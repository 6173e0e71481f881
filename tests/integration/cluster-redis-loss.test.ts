import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, startChild } from '../support/child';
import { until } from '../support/server';
import { healthOf, NODE_TOKEN, send, showOf, startRedis, type TestRedis } from '../support/redis';

/**
 * Issue 17: losing Redis is survivable. Two nodes (server/main.ts in child processes) on the
 * test's own redis-server, which is killed and started again on the same port and directory.
 */
const children: ChildProcess[] = [];
const dirs: string[] = [];
let redis: TestRedis | null = null;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await redis?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}, 30_000);

async function node(url: string): Promise<{ url: string; child: ChildProcess }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-node-'));
  dirs.push(dataDir);
  const c = await startChild({ PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: NODE_TOKEN, PAVILION_REDIS_URL: url, PAVILION_CLOCK_PORT: 'off' });
  children.push(c.child);
  return c;
}

const preset = (name: string) => ({ type: 'preset.save', installationId: 'echo', name, params: {} });
const presetsOf = async (url: string) => Object.keys((await showOf(url)).presets.echo ?? {});

describe('losing Redis', () => {
  it('nodes keep serving, commands are refused saying so, and once Redis is back commands are accepted and nothing acknowledged is lost', async () => {
    redis = await startRedis();
    const [a, b] = await Promise.all([node(redis.url), node(redis.url)]);
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
