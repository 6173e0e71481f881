import { describe, expect, it } from 'vitest';
import { Beats } from '../../server/cluster/beats';
import { keysFor } from '../../server/cluster/keys';
import type { Redis } from '../../server/cluster/redis';

/** Redis as Beats uses it: publishes recorded, subscriptions' handlers kept for the test to call. */
function fakeRedis() {
  const handlers = new Map<string, (message: string) => void>();
  const published: string[][] = [];
  const redis = {
    on: () => redis,
    subscribe: async (channel: string, fn: (message: string) => void) => void handlers.set(channel, fn),
    sendCommand: async (args: string[]) => void published.push(args),
  };
  return { redis: redis as unknown as Redis, handlers, published };
}

const card = (id: string) => JSON.stringify({ id, address: `http://127.0.0.1:1/${id}`, upSince: 1, clients: 0, version: 3, walls: {}, clock: null, screens: {}, lag: null, watching: false });

describe("a node takes in another node's card when it comes, not at its own next beat", () => {
  it('tells the node of every card and bye it hears from another node, and of none of its own or of junk', async () => {
    const { redis, handlers } = fakeRedis();
    const keys = keysFor('t:');
    let heard = 0;
    const beats = new Beats({ main: redis, sub: redis, keys, node: 'node-a', ttlMs: 3000, beatSoon: () => {}, heardCard: () => void heard++, rows: () => [], log: { warn: () => {} } });
    await beats.start();
    const onBeat = handlers.get(keys.beats)!;
    onBeat(`node-b\ncard\n${card('node-b')}`);
    expect(heard).toBe(1);
    expect(beats.card('node-b')?.id).toBe('node-b');
    onBeat(`node-c\nhello\n${card('node-c')}`);
    expect(heard).toBe(2);
    onBeat(`node-a\ncard\n${card('node-a')}`); // its own
    onBeat('node-b\ncard\nnot json');
    onBeat(`node-b\ncard\n${card('node-x')}`); // a card under another node's name
    expect(heard).toBe(2);
    onBeat('node-b\nbye\n');
    expect(heard).toBe(3);
    expect(beats.card('node-b')).toBeNull();
  });
});
