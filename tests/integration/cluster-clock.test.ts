/**
 * The show clock across nodes (server/cluster/clock.ts): a follower estimates the writer's clock
 * through the writer's real clock responder (its own thread and port), serves that estimate, and
 * keeps it without a jump when it becomes the writer itself.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startClockResponder, type ClockResponder } from '../../server/clock/responder';
import { systemTime } from '../../server/clock/time';
import { createClusterClock, type ClusterClock } from '../../server/cluster/clock';
import { until } from '../support/server';

const logger = pino({ level: 'silent' });
const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

/** A writer node's responder whose show clock runs `offsetMs` ahead of this machine's. */
async function writer(time: () => number): Promise<{ responder: ClockResponder; url: string }> {
  const responder = await startClockResponder({ port: 0, host: '127.0.0.1', time, logger, nice: null });
  open.push(responder);
  return { responder, url: `ws://127.0.0.1:${responder.port}/` };
}
function follower(): ClusterClock {
  const c = createClusterClock({ base: systemTime });
  open.push(c);
  return c;
}

describe('the show clock on several nodes', () => {
  it("a follower serves the writer's clock, within a millisecond, over the writer's responder", async () => {
    const w = await writer(() => systemTime() + 1234.5);
    const f = follower();
    expect(f.state()).toMatchObject({ role: 'writer', synced: true, offsetMs: 0 });
    f.follow(w.url);
    expect(f.state()).toMatchObject({ role: 'follower', url: w.url });
    await until(() => f.state().synced, "the follower's first estimate of the writer's clock");
    const err = f.now() - (systemTime() + 1234.5);
    expect(Math.abs(err), `error ${err} ms`).toBeLessThan(1);
    expect(f.state().offsetMs).toBeGreaterThan(1233.5);
    expect(f.state().offsetMs).toBeLessThan(1235.5);
  });

  it('a follower that takes over keeps the show clock where it was, and a third node follows it', async () => {
    const w = await writer(() => systemTime() - 777.25);
    const f = follower();
    f.follow(w.url);
    await until(() => f.state().synced, 'the estimate');
    const before = f.now();
    f.follow(null); // the writer died; this node holds the lease now
    const after = f.now();
    expect(after).toBeGreaterThanOrEqual(before);
    expect(f.state()).toMatchObject({ role: 'writer', url: null, synced: true });
    expect(Math.abs(f.state().offsetMs + 777.25)).toBeLessThan(1);
    // The new writer's responder serves its clock (f.now), and another node syncs to it.
    const w2 = await writer(f.now);
    const g = follower();
    g.follow(w2.url);
    await until(() => g.state().synced, "the third node's estimate");
    expect(Math.abs(g.now() - (systemTime() - 777.25))).toBeLessThan(1);
  });

  it('a follower whose writer is unreachable keeps its last offset and says it is not synced', async () => {
    const f = follower();
    f.follow('ws://127.0.0.1:9/'); // nothing listens there
    expect(f.state()).toMatchObject({ role: 'follower', synced: false, offsetMs: 0, rttMs: null });
    expect(Math.abs(f.now() - systemTime())).toBeLessThan(1);
  });
});
