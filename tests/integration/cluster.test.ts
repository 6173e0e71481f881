import fs from 'node:fs';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, VisitorView } from '../../protocol';
import { api, ask, client, connected, startServer, until } from '../support/server';
import { artnetReceiver, type DmxReceiver } from '../support/dmx';
import { healthOf, metricsOf, nodesOf, preset, presetsOf, sample, send, settled, showOf, startCluster, type TestCluster, type TestNode } from '../support/cluster';
import { NODE_TOKEN } from '../support/redis';

/**
 * Issue 17: several nodes as one pavilion on Redis. Three nodes (server/main.ts in child processes,
 * tests/support/cluster.ts) are started once for the file; the tests run in order on them and the
 * last one kills the writer. No timed assertion: every wait is for a condition, with a generous limit.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const UNIVERSE = 3;
let cluster: TestCluster;
let nodes: TestNode[] = [];
let art: DmxReceiver;

beforeAll(async () => {
  [cluster, art] = await Promise.all([startCluster({ nodes: 3, prefix: 'one:' }), artnetReceiver(UNIVERSE)]);
  nodes = cluster.nodes;
}, 180_000);

afterAll(async () => {
  await Promise.all([cluster?.close(), art?.close()]);
}, 30_000);

const phones: Socket[] = [];
afterAll(() => {
  for (const p of phones) p.close();
});

/** A phone (a real socket.io client) that joins a wall on node `n`; `status()` is the latest its views said. */
async function phone(n: TestNode, wallId: string): Promise<{ socket: Socket; status(): VisitorView['status'] }> {
  const socket = client(n, '/visitor');
  phones.push(socket);
  let last: VisitorView | null = null;
  socket.on('visitor:view', (v: VisitorView) => (last = v));
  await connected(socket);
  const res = await ask<Ack<{ view: VisitorView }>>(socket, 'visitor:join', { wallId, visitorId: `phone-${Math.random().toString(36).slice(2, 12)}` });
  if (!res.ok) throw new Error(`visitor:join on ${n.url}: ${res.error.message}`);
  last ??= res.view;
  return { socket, status: () => last!.status };
}

const dmxPackets = async (n: TestNode) => sample(await metricsOf(n.url), 'pavilion_dmx_packets_total', { output: 'house' }) ?? 0;
/** The DMX outputs a node's sender has open (GET /api/show: the panel's view, with the engine's per-output stats). */
const dmxOutputsOf = async (n: TestNode) => {
  const view = (await (await fetch(`${n.url}/api/show`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } })).json()) as { dmx?: { stats?: Record<string, unknown> } };
  return Object.keys(view.dmx?.stats ?? {});
};

describe('several nodes as one pavilion (PAVILION_REDIS_URL)', () => {
  it('without PAVILION_REDIS_URL nothing of it is loaded: server/app.ts imports the cluster code only when asked', () => {
    const app = fs.readFileSync(path.join(ROOT, 'server/app.ts'), 'utf8');
    const staticImports = [...app.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
    expect(staticImports.filter((s) => /cluster|redis/.test(s!))).toEqual([]);
    expect(app).toMatch(/opts\.redis \? await \(await import\('\.\/cluster\/index'\)\)/);
  });

  it('a node alone (no PAVILION_REDIS_URL) lists itself in GET /api/nodes, and only to the technician', async () => {
    const alone = await startServer();
    try {
      const res = await api(alone, 'GET', '/api/nodes');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, mode: 'single', nodes: [{ role: 'single', self: true, clients: 0, version: alone.store.get().version }] });
      expect((res.body as { nodes: Array<{ address: string }> }).nodes[0]!.address).toBe('http://127.0.0.1'); // its PAVILION_PUBLIC_URL (startServer's)
      expect((await api(alone, 'GET', '/api/nodes', undefined, null)).status).toBe(401);
    } finally {
      await alone.close();
    }
  });

  it('a command sent to any node is made once, by the writer, and every node serves it', async () => {
    const { healths, writer: w } = await settled(nodes);
    const writer = nodes[w]!;
    const f = w === 0 ? 1 : 0;
    const follower = nodes[f]!;
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

  it('every node lists every node (GET /api/nodes): the writer first, the followers, their addresses, and the clients each holds', async () => {
    const { healths, writer: w } = await settled(nodes);
    const f = w === 0 ? 1 : 0;
    const list = await until(async () => { const r = await nodesOf(nodes[f]!.url); return r.nodes.length === 3 ? r : null; }, 'the follower to list the three nodes');
    expect(list.mode).toBe('cluster');
    expect(list.nodes.map((n) => n.role)).toEqual(['writer', 'follower', 'follower']);
    expect(list.nodes[0]!.id).toBe(healths[w]!.cluster!.node);
    expect(new Set(list.nodes.map((n) => n.id))).toEqual(new Set(healths.map((h) => h.cluster!.node)));
    // Each node is named by the address it announces: its own port.
    expect(list.nodes.map((n) => Number(new URL(n.address).port)).sort()).toEqual(nodes.map((n) => n.port).sort());
    expect(list.nodes.filter((n) => n.self).map((n) => n.id)).toEqual([healths[f]!.cluster!.node]);
    for (const n of list.nodes) {
      expect(n.upSince).toBeGreaterThan(0);
      expect(n.heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    }

    // A socket on another node shows up in this node's list as that node's client.
    const other = nodes.find((_, i) => i !== f)!;
    const otherId = healths[nodes.indexOf(other)]!.cluster!.node;
    const panels = [client(other, '/control', { token: NODE_TOKEN }), client(other, '/control', { token: NODE_TOKEN })];
    try {
      await Promise.all(panels.map(connected));
      await until(async () => ((await nodesOf(nodes[f]!.url)).nodes.find((n) => n.id === otherId)?.clients ?? 0) >= 2, 'the other node\'s two panels to show in this node\'s list');
    } finally {
      for (const p of panels) p.close();
    }
  }, 90_000);

  it('GET /metrics on each node says its role and the lease, labelled with its node id', async () => {
    const { healths, writer: w } = await settled(nodes);
    const texts = await Promise.all(nodes.map((n) => metricsOf(n.url)));
    const fence = healths[w]!.cluster!.fence!;
    const writerId = healths[w]!.cluster!.node;
    texts.forEach((text, i) => {
      const node = healths[i]!.cluster!.node;
      const writes = i === w;
      expect(sample(text, 'pavilion_cluster_writer', { node })).toBe(writes ? 1 : 0);
      expect(sample(text, 'pavilion_cluster_node_info', { node, role: writes ? 'writer' : 'follower', writer: writerId })).toBe(1);
      expect(sample(text, 'pavilion_cluster_lease_fence', { node })).toBe(fence);
      expect(sample(text, 'pavilion_cluster_redis_up', { node })).toBe(1);
      expect(sample(text, 'pavilion_cluster_lag_versions', { node })).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'pavilion_cluster_nodes', { node })).toBe(3);
      const left = sample(text, 'pavilion_cluster_lease_remaining_seconds', { node })!;
      if (writes) expect(left).toBeGreaterThan(0);
      else expect(left).toBe(0);
    });
  }, 90_000);

  it('a follower refuses what it cannot forward (a show import) and says where the writer is', async () => {
    const { writer: w } = await settled(nodes);
    const writer = nodes[w]!;
    const follower = nodes[w === 0 ? 1 : 0]!;
    const show = await showOf(writer.url);
    const res = await fetch(`${follower.url}/api/show/import`, { method: 'POST', headers: { authorization: `Bearer ${NODE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(show) });
    const body = (await res.json()) as { ok: boolean; error?: { message: string } };
    expect(body.ok).toBe(false);
    expect(body.error!.message).toMatch(/not made.*follower.*Send it to the writer node instead, at https?:\/\/\S+ \(OSC, piece uploads and show imports go there/);
    expect(new URL(/writer node instead, at (\S+) /.exec(body.error!.message)![1]!).port).toBe(String(writer.port));
    expect((await showOf(follower.url)).version).toBe(show.version);
  }, 60_000);

  it("a wall's visitor cap counts the phones of every node, and a place freed on the wall goes to a phone queued on another node", async () => {
    const { writer: w } = await settled(nodes);
    const [a, b] = [nodes[w]!, nodes[w === 0 ? 1 : 0]!];
    expect(await send(b.url, { type: 'wall.visitors', wallId: 'canopy', cap: 2 })).toMatchObject({ ack: { ok: true } });
    await settled(nodes);
    const here = [await phone(a, 'canopy'), await phone(a, 'canopy')];
    await until(() => here.every((p) => p.status() === 'playing'), 'the two phones on node A to play');
    // Node B shares the cap out at its heartbeat, from the loads in Redis: wait for one of its heartbeats after node A's showed both phones.
    await until(async () => {
      const list = (await nodesOf(b.url)).nodes;
      const [na, nb] = [a, b].map((n) => list.find((e) => Number(new URL(e.address).port) === n.port));
      return na?.visitors.canopy?.playing === 2 && nb && nb.heartbeatAgeMs < na.heartbeatAgeMs;
    }, "a heartbeat of node B's after node A's counted its two phones");
    const there = await phone(b, 'canopy');
    expect(there.status()).toBe('queued');

    // One more place on the wall: it goes to the phone queued on node B.
    expect(await send(a.url, { type: 'wall.visitors', wallId: 'canopy', cap: 3 })).toMatchObject({ ack: { ok: true } });
    await until(() => there.status() === 'playing', 'the phone queued on node B to play');
    expect(here.map((p) => p.status())).toEqual(['playing', 'playing']);
    const list = await until(async () => { const l = (await nodesOf(a.url)).nodes; return l.reduce((sum, n) => sum + (n.visitors.canopy?.playing ?? 0), 0) === 3 ? l : null; }, 'the list of nodes to count the three phones');
    expect(list.find((n) => Number(new URL(n.address).port) === b.port)!.visitors.canopy).toEqual({ playing: 1, queued: 0 });
    for (const p of [...here, there]) p.socket.close();
  }, 90_000);

  it('the writer killed (SIGKILL) during a stream of commands: another node takes over, no acknowledged command is lost, commands are accepted again; DMX is sent by the writer alone, then by the new one', async () => {
    const { healths, writer: w } = await settled(nodes, 'every node to know the writer');
    const first = healths[w]!;
    const n1 = nodes[w]!; // the writer, to be killed
    const [n2, n3] = nodes.filter((_, i) => i !== w) as [TestNode, TestNode];

    // DMX out: an Art-Net output on 127.0.0.1, set through a follower; the writer sends it.
    expect(await send(n2.url, { type: 'dmx.output', id: 'house', protocol: 'artnet', host: '127.0.0.1', port: art.port, universe: UNIVERSE })).toMatchObject({ ack: { ok: true } });
    expect(await send(n2.url, { type: 'dmx.set', output: 'house', channels: { '1': 200 } })).toMatchObject({ ack: { ok: true } });
    await art.waitFor((v) => v[0] === 200, { timeoutMs: 30_000 });
    await until(async () => (await dmxPackets(n1)) > 0, 'the writer to count its DMX packets');

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
    await cluster.kill(n1);
    killed = true;
    await until(() => ackedAfterKill >= 10, '10 acknowledged commands after the kill', 60_000);
    stop = true;
    await Promise.all(streams);

    const writers = await until(async () => {
      const hs = await Promise.all([healthOf(n2.url), healthOf(n3.url)]);
      // One writer, and the other survivor names it (a follower reads the lease every half second).
      const w = hs.filter((h) => h.cluster?.role === 'writer');
      return w.length === 1 && hs.every((h) => h.cluster?.writer === w[0]!.cluster!.node) ? hs : null;
    }, 'one of the two survivors to be the writer, and both to name it');
    const now = writers.find((h) => h.cluster?.role === 'writer')!.cluster!;
    expect(now.fence).toBeGreaterThan(first.cluster!.fence!);
    expect(writers.map((h) => h.cluster!.writer)).toEqual([now.node, now.node]);

    await until(async () => { const [s2, s3] = await Promise.all([showOf(n2.url), showOf(n3.url)]); return s2.version === s3.version; }, 'the survivors to serve the same version');
    for (const n of [n2, n3]) {
      const kept = new Set(await presetsOf(n.url));
      expect(acked.filter((name) => !kept.has(name)), `acknowledged presets missing on ${n.url}`).toEqual([]);
    }

    // The new writer sends DMX; the follower, which has followed the show with its output all along, has sent none.
    const [newWriter, follower] = writers[0]!.cluster!.role === 'writer' ? [n2, n3] : [n3, n2];
    const from = art.frames.length;
    expect(await send(follower.url, { type: 'dmx.set', output: 'house', channels: { '1': 77 } })).toMatchObject({ ack: { ok: true } });
    await art.waitFor((v) => v[0] === 77, { from, timeoutMs: 30_000 });
    await until(async () => (await dmxPackets(newWriter)) > 0, 'the new writer to count its DMX packets');
    expect(await dmxPackets(follower)).toBe(0);
    expect(await dmxOutputsOf(follower), 'DMX outputs open on the follower').toEqual([]);
    expect(await dmxOutputsOf(newWriter)).toEqual(['house']);

    // The killed node drops out of the list once its heartbeat runs out.
    const list = await until(async () => { const r = await nodesOf(follower.url); return r.nodes.length === 2 ? r : null; }, 'the killed node to drop out of the list', 60_000);
    expect(list.nodes.map((n) => [n.id, n.role])).toEqual([[now.node, 'writer'], [writers.find((h) => h.cluster!.role === 'follower')!.cluster!.node, 'follower']]);
  }, 240_000);
});
