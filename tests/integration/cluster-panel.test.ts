import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Ack, ShowView, VisitorListReply, VisitorView } from '../../protocol';
import { ask, client, connected, until } from '../support/server';
import { NODE_TOKEN, redisInfo, send, settled, useCluster, type TestNode } from '../support/cluster';

/**
 * Issue 17: screens and visitors anywhere, as the panel and the writer see them. Two nodes
 * (server/main.ts in child processes) on the test's own redis-server: the panel on one node lists
 * the screens and phones connected to the other (server/cluster/screens.ts, visitor-lists.ts), and
 * the writer sizes a `wall.play`'s lead with the preload times of the wall's screens on every node.
 * No timed assertion: every wait is for a condition; the lead is read off the show's `startedAt`.
 */
const cluster = useCluster({ nodes: 2, prefix: 'panel:' });
const { nodes, open, add } = cluster;

const get = async <T>(n: TestNode, route: string): Promise<T> => {
  const res = await fetch(`${n.url}${route}`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${route} on ${n.url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const viewOf = (n: TestNode) => get<ShowView>(n, '/api/show');

/** A paired screen of the demo show connected to node `n`. */
async function screen(n: TestNode, screenId: string): Promise<Socket> {
  const show = await get<{ screens: Record<string, { key?: string }> }>(n, '/api/show/export');
  const key = show.screens[screenId]?.key;
  if (!key) throw new Error(`screen ${screenId} has no key in the show`);
  const socket = client(n, '/display');
  open.push(socket);
  await connected(socket);
  const hello = await ask<Ack>(socket, 'display:hello', { screenId, key });
  if (!hello.ok) throw new Error(`display:hello as ${screenId} on ${n.url}: ${hello.error.message}`);
  return socket;
}

const health = (fps: number) => ({ installationId: null, fps, frameMsP95: 21.5, framesRendered: 100, memory: { geometries: 3, textures: 2, programs: 1 }, clock: { offsetMs: 0.25, rttMs: 0.5, uncertaintyMs: 0.125 } });

describe('the panel on any node, the writer of any wall (several nodes)', () => {
  it('writes nothing into Redis in steady state: heartbeats, screens, visitor rows and the lease renewal make Redis fsync nothing', async () => {
    await settled(nodes);
    const [a, b] = nodes as [TestNode, TestNode];
    // Something for the heartbeats to carry: a screen and a phone on node B.
    (await screen(b, 'main-1')).emit('display:health', health(50));
    const phone = client(b, '/visitor');
    open.push(phone);
    await connected(phone);
    const join = await ask<Ack<{ view: VisitorView }>>(phone, 'visitor:join', { wallId: 'main', visitorId: `steady-phone-${Math.random().toString(36).slice(2, 10)}` });
    if (!join.ok) throw new Error(`visitor:join on node B: ${join.error.message}`);
    await until(async () => ((await viewOf(a)).screens.find((x) => x.id === 'main-1')?.fps === 50 ? true : null), "node A's panel to list node B's screen", 30_000);

    const before = await redisInfo(cluster.redis.url);
    const t0 = performance.now();
    // At least three heartbeats of each node, and at least one renewal of the writer's lease (every 1.5 s).
    const after = await until(async () => {
      const now = await redisInfo(cluster.redis.url);
      return (now.commands.get('publish') ?? 0) - (before.commands.get('publish') ?? 0) >= 6 && performance.now() - t0 > 3000 ? now : null;
    }, 'three heartbeats of each node', 30_000);
    const seconds = (performance.now() - t0) / 1000;
    const calls = [...after.commands].map(([name, n]) => [name, n - (before.commands.get(name) ?? 0)] as const).filter(([, n]) => n > 0);
    console.log(`steady state, 2 nodes, ${seconds.toFixed(1)} s: ${calls.map(([name, n]) => `${name} ${(n / seconds).toFixed(2)}/s`).join(', ')}; AOF grew ${after.field('aof_current_size') - before.field('aof_current_size')} bytes`);
    // Nothing reached the AOF: Redis had nothing to fsync, so nothing held up the visitors' messages.
    expect(after.field('aof_current_size')).toBe(before.field('aof_current_size'));
    // Neither the heartbeats nor the visitor rows are written (the lease's renewal is an EVAL whose PEXPIRE is kept out of the AOF; the followers' tries write nothing).
    for (const write of ['set', 'zadd', 'zremrangebyscore', 'del', 'xadd']) expect(calls.find(([name]) => name === write)).toBeUndefined();
    // The panel still lists node B's phone on node A (it asks node B).
    expect((await get<VisitorListReply>(a, '/api/walls/main/visitors')).visitors.find((v) => v.id === join.view.visitorId)).toMatchObject({ status: 'playing' });
  }, 120_000);

  it("lists the screens and phones connected to another node: live, with that node's id, and gone once they leave", async () => {
    await settled(nodes);
    const [a, b] = nodes as [TestNode, TestNode];
    const bId = (await get<{ cluster: { node: string } }>(b, '/api/health')).cluster.node;

    // A screen on node B reports its health: node A's panel lists it connected, as B has it.
    const s = await screen(b, 'main-2');
    s.emit('display:health', health(42.5));
    const onA = await until(async () => {
      const st = (await viewOf(a)).screens.find((x) => x.id === 'main-2');
      return st?.connected && st.fps === 42.5 ? st : null;
    }, "node A's panel to list node B's screen main-2 live", 30_000);
    expect(onA).toMatchObject({ connected: true, fps: 42.5, frameMsP95: 21.5, uncertaintyMs: 0.125, node: bId, wallId: 'main' });

    // A phone on node B: node A's kick list has it (with B's id), and A's wall counts it.
    const phone = client(b, '/visitor');
    open.push(phone);
    await connected(phone);
    const join = await ask<Ack<{ view: VisitorView }>>(phone, 'visitor:join', { wallId: 'main', visitorId: `panel-phone-${Math.random().toString(36).slice(2, 10)}` });
    if (!join.ok) throw new Error(`visitor:join on node B: ${join.error.message}`);
    const id = join.view.visitorId;
    const listed = await until(async () => (await get<VisitorListReply>(a, '/api/walls/main/visitors')).visitors.find((v) => v.id === id) ?? null, "node A's kick list to have node B's phone", 30_000);
    expect(listed).toMatchObject({ id, status: 'playing', connected: true, node: bId });
    await until(async () => ((await viewOf(a)).walls.find((w) => w.id === 'main')?.visitors ?? 0) >= 1, "node A's wall `main` to count node B's phone", 30_000);
    // Node B's own list has it once.
    expect((await get<VisitorListReply>(b, '/api/walls/main/visitors')).visitors.filter((v) => v.id === id)).toHaveLength(1);

    // A node that starts now learns them too (nothing of them is kept in Redis: node B answers its hello, or beats).
    const c = await add();
    await settled(nodes);
    const onC = await until(async () => {
      const st = (await viewOf(c)).screens.find((x) => x.id === 'main-2');
      return st?.connected && st.fps === 42.5 ? st : null;
    }, "the later node C's panel to list node B's screen main-2 live", 30_000);
    expect(onC).toMatchObject({ connected: true, node: bId });
    expect((await get<VisitorListReply>(c, '/api/walls/main/visitors')).visitors.find((v) => v.id === id)).toMatchObject({ id, status: 'playing', node: bId });
    expect((await get<{ nodes: Array<{ id: string }> }>(c, '/api/nodes')).nodes.map((n) => n.id)).toContain(bId);

    // Both leave node B: node A's panel says so.
    s.close();
    phone.close();
    await until(async () => ((await viewOf(a)).screens.find((x) => x.id === 'main-2')?.connected === false ? true : null), "node A's panel to list main-2 as gone", 30_000);
  }, 120_000);

  it("a screen's errors, and its thumbnails while watched, reach the panel on another node", async () => {
    await settled(nodes);
    const [a, b] = nodes as [TestNode, TestNode];
    const panel = client(a, '/control', { token: NODE_TOKEN });
    open.push(panel);
    const errors: Array<{ screenId: string; message: string }> = [];
    const thumbs: Array<{ screenId: string; dataUrl: string }> = [];
    panel.on('control:error', (e: { screenId: string; message: string }) => errors.push(e));
    panel.on('control:thumbnail', (t: { screenId: string; dataUrl: string }) => thumbs.push(t));
    await connected(panel);

    const s = await screen(b, 'main-2');
    s.emit('display:error', { installationId: null, version: null, phase: 'app', message: 'a cross-node error' });
    await until(() => errors.find((e) => e.screenId === 'main-2' && e.message === 'a cross-node error') ?? null, "node B's screen's error on node A's panel", 30_000);

    // The panel on node A watches thumbnails: node B hears it (A's heartbeat) and asks its screen for them.
    let asked = false;
    s.on('screen:thumbnails', (m: { want: boolean }) => (asked = m.want));
    panel.emit('control:watch', { thumbnails: true });
    await until(() => (asked ? true : null), "node B's screen to be asked for thumbnails for node A's panel", 30_000);
    const dataUrl = 'data:image/png;base64,iVBORw0KGgo=';
    s.emit('display:thumbnail', { dataUrl });
    expect(await until(() => thumbs.find((t) => t.screenId === 'main-2') ?? null, "node B's screen's thumbnail on node A's panel", 30_000)).toMatchObject({ dataUrl });
  }, 120_000);

  it("sizes a wall.play sent to a follower on the preload times of the wall's screens on the other nodes", async () => {
    const { writer: w } = await settled(nodes);
    const writer = nodes[w]!;
    const follower = nodes[w === 0 ? 1 : 0]!;
    const pieces = (await (await fetch(`${follower.url}/api/installations`)).json()) as Array<{ id: string; version: string }>;
    const playing = (await viewOf(writer)).walls.find((x) => x.id === 'main')?.installationId;
    const piece = pieces.find((p) => p.id !== playing)!;

    // The wall's only connected screen is on the follower, and it takes 7 s to load that piece.
    const s = await screen(follower, 'main-3');
    s.emit('display:preloaded', { installationId: piece.id, version: piece.version, ms: 7000, cold: true });
    await until(async () => ((await viewOf(writer)).screens.find((x) => x.id === 'main-3')?.preloadMs === 7000 ? true : null), "the writer to have main-3's preload time from the follower's heartbeat", 30_000);

    const before = (await viewOf(writer)).serverTime;
    expect(await send(follower.url, { type: 'wall.play', wallId: 'main', installationId: piece.id })).toMatchObject({ status: 200, ack: { ok: true } });
    const wall = (await viewOf(follower)).walls.find((x) => x.id === 'main')!;
    expect(wall.installationId).toBe(piece.id);
    // 2 × 7 s + 200 ms: the lead of a screen that loads the piece in 7 s (server/screens/preload-times.ts), not the least lead.
    expect(wall.startedAt - before).toBeGreaterThanOrEqual(14_200);
  }, 120_000);
});
