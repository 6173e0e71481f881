import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Show } from '../../protocol';
import { createForwarder } from '../../server/cluster/forward';
import { keysFor } from '../../server/cluster/keys';
import { REFUSED } from '../../server/cluster/messages';
import { Lease } from '../../server/cluster/lease';
import { redisClient, type Redis } from '../../server/cluster/redis';
import { appendRecord, loadLog } from '../../server/cluster/show-log';
import { LogStorage } from '../../server/cluster/storage';
import { createMemoryStorage } from '../../server/persistence/journal';
import { demoShow } from '../../server/show/demo';
import { until } from '../support/server';
import { startRedis, type TestRedis } from '../support/redis';

/**
 * Issue 17, the safety of one writer, against a real redis-server and no nodes: the lease's
 * fencing token, the log's fenced append, and the writer's storage (an acknowledgement waits for
 * Redis; a deposed writer's records are refused by Redis itself, whatever the writer believes).
 */
let redis: TestRedis;
let r: Redis;
const quiet = { warn: () => {}, info: () => {} };

beforeAll(async () => {
  redis = await startRedis();
  r = redisClient(redis.url, 'fencing-test', { queueWhileDown: false, log: quiet });
  await r.connect();
}, 30_000);

afterAll(async () => {
  await r?.close();
  await redis?.close();
});

const show = (version: number, volume = 1): Show => ({ ...demoShow(0, (ids) => ids[0] ?? null), version, volume }) as Show;

describe('one writer, fenced by the lease', () => {
  it('a writer whose lease ran out can no longer append, even though it still holds its old lease value; the new holder can', async () => {
    const keys = keysFor('fence-a:');
    const old = new Lease(r, keys, 'node-old', 3000);
    expect(await old.tryAcquire()).toBe(true);
    const other = new Lease(r, keys, 'node-new', 3000);
    expect(await other.tryAcquire()).toBe(false); // held
    const seedId = await appendRecord(r, keys, old.value!, -1, { v: 1, show: show(1) });
    expect(seedId).toMatch(/^\d+-\d+$/);

    // The old writer stops renewing (paused, cut off): its key runs out (shortened here) and another node takes the lease.
    await r.sendCommand(['PEXPIRE', keys.lease, '50']);
    await until(async () => (await r.sendCommand<number>(['EXISTS', keys.lease])) === 0, 'the old lease to run out', 10_000);
    expect(await other.tryAcquire()).toBe(true);
    expect(other.token!).toBeGreaterThan(old.token!);
    expect(await old.renew()).toBe(false);

    await expect(appendRecord(r, keys, old.value!, 1, { v: 2, from: 1, ops: [{ k: 'volume', v: 0.1 }] })).rejects.toThrow(/^FENCED/);
    await appendRecord(r, keys, other.value!, 1, { v: 2, from: 1, ops: [{ k: 'volume', v: 0.5 }] });
    // A record that does not follow the log is refused too.
    await expect(appendRecord(r, keys, other.value!, 1, { v: 2, from: 1, ops: [] })).rejects.toThrow(/^GAP/);
    const loaded = await loadLog(r, keys);
    expect(loaded.show).toMatchObject({ version: 2, volume: 0.5 });
  });

  it("the writer's storage acknowledges once Redis has the record, refuses on a follower, and a deposed writer's waiting commands are refused", async () => {
    const keys = keysFor('fence-b:');
    const lease = new Lease(r, keys, 'writer', 3000);
    expect(await lease.tryAcquire()).toBe(true);
    let value: string | null = lease.value;
    let fenced = 0;
    const storage = new LogStorage({ redis: r, keys, writer: { leaseValue: () => value, redisUp: () => true }, initial: null, fallback: createMemoryStorage(show(1)), log: quiet, onFenced: () => fenced++, snapshotEvery: 2 });
    expect(storage.load()).toMatchObject({ version: 1 });
    storage.save(show(2, 0.2));
    storage.save(show(3, 0.3));
    await storage.durable(3, 10_000);
    expect(storage.durableVersion).toBe(3);
    expect((await loadLog(r, keys)).show).toMatchObject({ version: 3, volume: 0.3 });
    // A snapshot was written (every 2 records) and the log trimmed before it: loading still gives the same show.
    await until(async () => (await r.sendCommand<string | null>(['GET', keys.snapshot])) !== null, 'the snapshot');
    storage.save(show(4, 0.4));
    await storage.durable(4, 10_000);
    expect((await loadLog(r, keys)).show).toMatchObject({ version: 4, volume: 0.4 });

    // Not the writer: nothing is queued, and the refusal says what to do.
    value = null;
    expect(() => storage.save(show(5))).toThrow(/this node is a follower/);

    // Deposed behind its back: Redis refuses the append, the waiting command is refused, the node steps down.
    await r.sendCommand(['DEL', keys.lease]);
    const usurper = new Lease(r, keys, 'usurper', 3000);
    expect(await usurper.tryAcquire()).toBe(true);
    value = lease.value; // the old writer still believes it holds the lease
    storage.save(show(5, 0.5));
    await expect(storage.durable(5, 10_000)).rejects.toThrow(/lost the writer lease/);
    expect(fenced).toBe(1);
    expect((await loadLog(r, keys)).show).toMatchObject({ version: 4, volume: 0.4 });
  });
});

describe('a command forwarded to a writer that stops before it answers', () => {
  it('is answered as soon as the lease names another writer, not at the deadline: it may or may not have been made', async () => {
    const keys = keysFor('forward-a:');
    const sub = redisClient(redis.url, 'forward-test-sub', { queueWhileDown: true, log: quiet });
    const writerSub = redisClient(redis.url, 'forward-test-writer', { queueWhileDown: true, log: quiet });
    await Promise.all([sub.connect(), writerSub.connect()]);
    try {
      // A writer that takes the lease and hears forwarded commands, and never answers (it is about to die).
      const dying = new Lease(r, keys, 'dying', 60_000);
      expect(await dying.tryAcquire()).toBe(true);
      const token = Number(dying.value!.split(':')[0]);
      const heard: string[] = [];
      await writerSub.subscribe(keys.commands(token), (m: string) => void heard.push(m));
      // The follower: its deadline is far past the test's own timeout, so only the lease's change can answer in time.
      const forwarder = createForwarder({ main: r, sub, keys, node: 'follower', log: quiet, timeoutMs: 600_000, watchMs: 50 });
      await forwarder.start();
      const answer = forwarder.forward({ type: 'preset.save', installationId: 'echo', name: 'in-flight', params: {} }, 'rest', null);
      await until(async () => heard.length === 1, 'the writer to hear the forwarded command');
      // The writer stops; another node takes the lease after it.
      await r.sendCommand(['DEL', keys.lease]);
      expect(await new Lease(r, keys, 'next', 60_000).tryAcquire()).toBe(true);
      expect(await answer).toEqual({ ok: false, error: { code: 'internal', message: REFUSED.writerGone } });
    } finally {
      await Promise.all([sub.close(), writerSub.close()]);
    }
  }, 30_000);
});
