import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Ack, VisitorFrame, VisitorView } from '../../protocol';
import { ask, client, connected, nextEvent, until } from '../support/server';
import { NODE_TOKEN, healthOf, killRedisConnection, metricsOf, sample, send, settled, useCluster, type TestNode } from '../support/cluster';
import { wholeFrames } from '../support/visitor-frames';

/**
 * Issue 17: visitors anywhere. Two nodes (server/main.ts in child processes, tests/support/cluster.ts)
 * on the test's own redis-server: a phone on one node drives the screens of its wall on the other
 * (server/cluster/visitor-relay.ts), and the panel's kick reaches a phone on a node that is not the
 * writer (server/cluster/kicks.ts). No timed assertion: every wait is for a condition.
 */
const cluster = useCluster({ nodes: 2, prefix: 'vis:' });
const { nodes, open, add } = cluster;

/** A screen of the demo show (wall `main`: prism-field, an xy `pad`) connected to node `n`, with every visitor frame it gets. */
async function screen(n: TestNode, screenId: string): Promise<{ frames: VisitorFrame[] }> {
  const show = (await (await fetch(`${n.url}/api/show/export`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } })).json()) as { screens: Record<string, { key?: string }> };
  const key = show.screens[screenId]?.key;
  if (!key) throw new Error(`screen ${screenId} has no key in the show`);
  const socket = client(n, '/display');
  open.push(socket);
  const frames = wholeFrames(socket);
  await connected(socket);
  const hello = await ask<Ack>(socket, 'display:hello', { screenId, key });
  if (!hello.ok) throw new Error(`display:hello as ${screenId} on ${n.url}: ${hello.error.message}`);
  return { frames };
}

/** A phone that joins `wallId` on node `n`; `id` is its public id (what frames and kicks name). */
async function phone(n: TestNode, wallId = 'main'): Promise<{ socket: Socket; id: string; secret: string }> {
  const socket = client(n, '/visitor');
  open.push(socket);
  await connected(socket);
  const secret = `phone-${Math.random().toString(36).slice(2, 12)}`;
  const res = await ask<Ack<{ view: VisitorView }>>(socket, 'visitor:join', { wallId, visitorId: secret });
  if (!res.ok) throw new Error(`visitor:join on ${n.url}: ${res.error.message}`);
  expect(res.view.status).toBe('playing');
  return { socket, id: res.view.visitorId, secret };
}

async function move(p: { socket: Socket }, x: number, y: number): Promise<void> {
  const ack = await ask<Ack<{ seq: number }>>(p.socket, 'visitor:input', { input: 'pad', value: { x, y }, sentAt: Date.now() });
  expect(ack).toMatchObject({ ok: true });
}

/** The index of the first frame at or after `from` in which visitor `id`'s pad reads (x, y); -1 while none. */
const frameWith = (frames: VisitorFrame[], id: string, x: number, y: number, from = 0) =>
  frames.findIndex((f, i) => i >= from && f.visitors.some((v) => v.id === id && (v.input.pad as { x?: number; y?: number } | undefined)?.x === x && (v.input.pad as { y?: number } | undefined)?.y === y));

describe('visitors anywhere (several nodes)', () => {
  it("a phone on node B drives the wall's screen on node A: its moves reach A's frames, in order, merged with A's own phones in one order on both nodes", async () => {
    await settled(nodes);
    const [a, b] = nodes as [TestNode, TestNode];
    const onA = await screen(a, 'main-1');
    const onB = await screen(b, 'main-2');

    const far = await phone(b);
    await move(far, 0.25, -0.5);
    const first = await until(() => { const i = frameWith(onA.frames, far.id, 0.25, -0.5); return i >= 0 ? i + 1 : null; }, "node B's phone's first move in a frame of node A's screen", 30_000);
    await move(far, -0.75, 0.5);
    const second = await until(() => { const i = frameWith(onA.frames, far.id, -0.75, 0.5); return i >= 0 ? i + 1 : null; }, "node B's phone's second move in a frame of node A's screen", 30_000);
    // In order: the second move came after the first, and the first never came back after it.
    expect(second).toBeGreaterThan(first);
    expect(frameWith(onA.frames, far.id, 0.25, -0.5, second)).toBe(-1);
    // Frames keep going forward on the screen (it drops a frame whose seq is not above the last one's).
    const seqs = onA.frames.map((f) => f.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);

    // A phone on node A too: both nodes' screens show both phones, in the same order.
    const near = await phone(a);
    await move(near, 0.5, 0.5);
    await move(far, 0.125, 0.125);
    const both = (frames: VisitorFrame[]) => {
      const f = frames.at(-1);
      const ids = f?.visitors.map((v) => v.id) ?? [];
      return frameWith(frames, near.id, 0.5, 0.5) >= 0 && frameWith(frames, far.id, 0.125, 0.125) >= 0 && ids.includes(near.id) && ids.includes(far.id) ? ids : null;
    };
    const [idsA, idsB] = [await until(() => both(onA.frames), "both phones in node A's frames", 30_000), await until(() => both(onB.frames), "both phones in node B's frames", 30_000)];
    expect(idsA.filter((id) => id === near.id || id === far.id)).toEqual(idsB.filter((id) => id === near.id || id === far.id));

    // Node B's phone leaves: it leaves node A's frames (after it was in them).
    far.socket.close();
    const from = onA.frames.length;
    await until(() => onA.frames.slice(from).some((f) => !f.visitors.some((v) => v.id === far.id) && f.visitors.some((v) => v.id === near.id)), "node B's phone to leave node A's frames", 30_000);
  }, 120_000);

  it("only the nodes with screens of a wall hear its phones' states: a node without one gets none of them from Redis", async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    // Wall `canopy` plays the piece with the xy pad.
    expect(await send(b.url, { type: 'wall.play', wallId: 'canopy', installationId: 'prism-field' })).toMatchObject({ status: 200, ack: { ok: true } });
    await settled(nodes);
    const aId = (await healthOf(a.url)).cluster!.node;
    const bId = (await healthOf(b.url)).cluster!.node;
    // Wall `canopy`'s one screen is on node A; phones on both nodes.
    const onA = await screen(a, 'canopy-1');
    const near = await phone(a, 'canopy');
    for (const [i, x] of [0.1, 0.2, 0.3].entries()) {
      await move(near, x, x);
      await until(() => (frameWith(onA.frames, near.id, x, x) >= 0 ? true : null), `node A's phone's move ${i + 1} on node A's screen`, 30_000);
    }
    // Node B's phone reaches A's screen: B publishes, A hears (its hop histogram counts canopy's messages)…
    const far = await phone(b, 'canopy');
    await move(far, 0.5, -0.5);
    await until(() => (frameWith(onA.frames, far.id, 0.5, -0.5) >= 0 ? true : null), "node B's phone's move on node A's screen", 30_000);
    const heard = async (url: string, node: string) => sample(await metricsOf(url), 'pavilion_cluster_visitor_hop_seconds_count', { node, wall: 'canopy' }) ?? 0;
    await until(async () => ((await heard(a.url, aId)) > 0 ? true : null), "node A's hop histogram to count canopy's messages", 30_000);
    // …while node A's messages of its phone's three moves, published before, never reached B, which draws nothing of canopy.
    expect(await heard(b.url, bId)).toBe(0);
  }, 120_000);

  it('a node cut off from Redis at the moment of a kick removes the phone once it is back (it reads the bans again)', async () => {
    const { writer: w } = await settled(nodes);
    const writer = nodes[w]!;
    const follower = nodes[w === 0 ? 1 : 0]!;
    const followerId = (await healthOf(follower.url)).cluster!.node;
    const p = await phone(follower, 'main');
    let kicked = false;
    p.socket.once('visitor:kicked', () => (kicked = true));
    // The follower stands still while Redis closes its subscriber connection: the kick published now never reaches it.
    follower.child.kill('SIGSTOP');
    try {
      expect(await killRedisConnection(cluster.redis.url, `pavilion-${followerId}-sub`)).toBe(1);
      expect(await send(writer.url, { type: 'visitor.kick', visitorId: p.id })).toMatchObject({ status: 200, ack: { ok: true } });
    } finally {
      follower.child.kill('SIGCONT');
    }
    // Back: it connects again and reads the bans the writer keeps in Redis.
    await until(() => (kicked ? true : null), 'the phone on the node that missed the kick to be kicked once that node is back', 30_000);
  }, 120_000);

  it("the panel's kick reaches a phone connected to a node that is not the writer, and every node keeps it out", async () => {
    const { writer: w } = await settled(nodes);
    const writer = nodes[w]!;
    const follower = nodes[w === 0 ? 1 : 0]!;
    const p = await phone(follower, 'canopy');
    const kicked = nextEvent<{ message: string; reason: string }>(p.socket, 'visitor:kicked');
    // Sent to the writer, which runs it: the phone is not on the writer's node.
    expect(await send(writer.url, { type: 'visitor.kick', visitorId: p.id })).toMatchObject({ status: 200, ack: { ok: true } });
    expect(await kicked).toMatchObject({ reason: 'kick' });
    // Kept out on its node, as on one node.
    const again = client(follower, '/visitor');
    open.push(again);
    await connected(again);
    const res = await ask<Ack<{ view: VisitorView }>>(again, 'visitor:join', { wallId: 'canopy', visitorId: p.secret });
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // And on the other node (the writer, which ran the kick but never had the phone), on any wall.
    const elsewhere = client(writer, '/visitor');
    open.push(elsewhere);
    await connected(elsewhere);
    for (const wallId of ['canopy', 'main']) {
      const there = await ask<Ack<{ view: VisitorView }>>(elsewhere, 'visitor:join', { wallId, visitorId: p.secret });
      expect(there).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // And on a node that starts after the kick (it reads the kicks kept in Redis).
    const late = await add();
    await settled(nodes);
    const refused = await until(async () => {
      const s = client(late, '/visitor');
      open.push(s);
      await connected(s);
      const res = await ask<Ack<{ view: VisitorView }>>(s, 'visitor:join', { wallId: 'canopy', visitorId: p.secret });
      if (res.ok) s.close(); // let in: not yet, or never (a node never told of the kick)
      return !res.ok ? res : null;
    }, 'the node started after the kick to keep the kicked phone out', 60_000);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  }, 180_000);
});
