import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Ack, DisplayView, ShowView, WallGo } from '../../protocol';
import { ask, client, connected, nextEvent, until } from '../support/server';
import { NODE_TOKEN, send, settled, useCluster, type TestNode } from '../support/cluster';

/**
 * "A wall switches as one" across nodes (server/screens/wall-gate.ts, server/cluster/screen-reports.ts):
 * a wall's screens connected to two nodes report their run ready each to its own node; every node
 * relays its screens' reports to the others on the reports channel, and each tells its own screens
 * the go, at the same show time, computed from the same reports. No timed assertion.
 */
const cluster = useCluster({ nodes: 2, prefix: 'gate:' });
const { nodes, open } = cluster;

const get = async <T>(n: TestNode, route: string): Promise<T> => {
  const res = await fetch(`${n.url}${route}`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } });
  if (!res.ok) throw new Error(`GET ${route} on ${n.url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

interface Screen {
  id: string;
  key: string;
  socket: Socket;
  gos: WallGo[];
}

/** A paired screen of the demo show connected to node `n`. */
async function screen(n: TestNode, screenId: string): Promise<Screen> {
  const show = await get<{ screens: Record<string, { key?: string }> }>(n, '/api/show/export');
  const key = show.screens[screenId]?.key;
  if (!key) throw new Error(`screen ${screenId} has no key in the show`);
  const socket = client(n, '/display');
  open.push(socket);
  const gos: WallGo[] = [];
  socket.on('wall:go', (g: WallGo) => gos.push(g));
  await connected(socket);
  const hello = await ask<Ack<{ view: DisplayView }>>(socket, 'display:hello', { screenId, key });
  if (!hello.ok) throw new Error(`display:hello as ${screenId} on ${n.url}: ${hello.error.message}`);
  return { id: screenId, key, socket, gos };
}

/** Whether node `n`'s panel lists every one of `ids` connected (to it or to another node). */
const listsConnected = async (n: TestNode, ids: string[]) => {
  const screens = (await get<ShowView>(n, '/api/show')).screens;
  return ids.every((id) => screens.find((s) => s.id === id)?.connected === true);
};

describe('a wall switches as one across nodes', () => {
  it("tells a wall's screens on two nodes the same go once both are ready", async () => {
    await settled(nodes);
    const [na, nb] = nodes as [TestNode, TestNode];
    const a = await screen(na, 'main-1');
    const b = await screen(nb, 'main-2');
    // Each node knows the other's screen is connected (heartbeats): its gate waits for it.
    await until(async () => (await listsConnected(na, ['main-1', 'main-2'])) && (await listsConnected(nb, ['main-1', 'main-2'])), 'both nodes to list main-1 and main-2 connected', 30_000);

    const pieces = (await (await fetch(`${na.url}/api/installations`)).json()) as Array<{ id: string }>;
    const playing = (await get<ShowView>(na, '/api/show')).walls.find((w) => w.id === 'main')?.installationId;
    const installationId = pieces.find((p) => p.id !== playing)!.id;
    const viewOf = (s: Screen) => nextEvent<DisplayView>(s.socket, 'display:view', (v) => v.wall?.installationId === installationId);
    const views = Promise.all([viewOf(a), viewOf(b)]);
    expect(await send(na.url, { type: 'wall.play', wallId: 'main', installationId })).toMatchObject({ status: 200, ack: { ok: true } });
    const [va, vb] = await views;
    expect(va.gate).toBe(true);
    const runOf = (v: DisplayView) => ({ key: `${v.wall!.installationId}@${v.wall!.manifest?.version ?? '?'}@${v.wall!.startedAt}`, startedAt: v.wall!.startedAt });
    const run = runOf(va);
    expect(runOf(vb)).toEqual(run);

    // A alone is ready: its node waits for B, connected to the other node (the hello's answer comes after any go).
    a.socket.emit('display:ready', run);
    expect((await ask<Ack>(a.socket, 'display:hello', { screenId: a.id, key: a.key })).ok).toBe(true);
    expect(a.gos).toEqual([]);

    // B is ready after the run's start: the go then follows B's report (its node's stamp), not the start.
    await until(async () => (await get<ShowView>(nb, '/api/show')).serverTime > run.startedAt, "node B's show time to pass the run's start", 30_000);
    const goA = nextEvent<WallGo>(a.socket, 'wall:go');
    const goB = nextEvent<WallGo>(b.socket, 'wall:go');
    b.socket.emit('display:ready', run);
    const [ga, gb] = await Promise.all([goA, goB]);
    expect(ga.key).toBe(run.key);
    expect(ga.at).toBeGreaterThan(run.startedAt);
    // The same `at` on both nodes: node A took B's report with the stamp node B gave it.
    expect(gb).toEqual(ga);
  }, 120_000);
});
