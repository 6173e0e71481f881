import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { syncOverSocket } from '../../client/core/connection';
import type { WebSocketLike } from '../../client/core/clock-responder';
import { systemTime } from '../../server/clock/time';
import type { ShowView } from '../../protocol';
import { api, ask, client, connected, helloOf, startServer } from '../support/server';

/**
 * The clock responder (server/clock/responder.ts, issue 20): clock pings answered on a thread and a
 * port of their own, with the show clock; junk closes the connection and nothing else; connections
 * per address are capped; clients fall back to socket.io while it is down and come back to it.
 */

const SHIFT = 98_765.4321;
type App = Awaited<ReturnType<typeof startServer>>;
let app: App;

beforeAll(async () => {
  app = await startServer({ time: () => systemTime() + SHIFT, trustProxy: 1, clockPerAddress: 3 });
});
afterAll(async () => {
  await app.close();
});

const local = () => performance.timeOrigin + performance.now();
const clockUrl = () => `ws://127.0.0.1:${app.clock!.port}`;

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Opens a connection to the responder (from `address`, through the trusted proxy header); rejects when refused. */
function open(address = '10.1.0.1'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(clockUrl(), { headers: { 'x-forwarded-for': address } });
    ws.binaryType = 'arraybuffer';
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function ping(ws: WebSocket, t0: number): Promise<[number, number, number]> {
  return new Promise((resolve, reject) => {
    ws.once('message', (d: ArrayBuffer) => {
      const v = new DataView(d);
      resolve([v.getFloat64(0, true), v.getFloat64(8, true), v.getFloat64(16, true)]);
    });
    ws.once('close', () => reject(new Error('closed')));
    ws.send(new Float64Array([t0]));
  });
}

const closed = (ws: WebSocket) => new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ws.once('close', () => r())));

describe('the clock responder', () => {
  it('is named by GET /api/clock and allowed by the page CSP', async () => {
    const res = await fetch(`${app.url}/api/clock`);
    expect(await res.json()).toEqual({ ok: true, url: `ws://localhost:${app.clock!.port}` });
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://localhost:${app.clock!.port}`);
    expect(app.clock!.port).not.toBe(app.port);
  });

  it('answers pings with the show clock, within the round trip', async () => {
    const ws = await open();
    for (let i = 0; i < 5; i++) {
      const t0 = local();
      const [e0, t1, t2] = await ping(ws, t0);
      const t3 = local();
      expect(e0).toBe(t0);
      // The truth (this machine's clock + SHIFT) at receive and send lies within the round trip.
      expect(t1 - SHIFT).toBeGreaterThanOrEqual(t0 - 0.05);
      expect(t2 - SHIFT).toBeLessThanOrEqual(t3 + 0.05);
      expect(t2).toBeGreaterThanOrEqual(t1);
    }
    ws.close();
    const [a, b] = await Promise.all([app.clock!.stats(), app.clock!.stats()]);
    expect(a!.pings, 'its own figures count the pings').toBeGreaterThanOrEqual(5);
    expect(b, 'two callers at once share one answer').toEqual(a);
  });

  it('closes the connection on junk, and the main server and the responder keep answering', async () => {
    const junk: Array<string | Uint8Array> = ['hello', new Uint8Array(7), new Uint8Array(9), new Uint8Array(60), '{"t0":1}'];
    for (const j of junk) {
      const ws = await open('10.1.0.2');
      let answered = false;
      ws.on('message', () => (answered = true));
      ws.send(j);
      await closed(ws);
      expect(answered, `no answer to ${typeof j === 'string' ? j : `${j.length} bytes`}`).toBe(false);
    }
    // Over maxPayload: refused by the frame parser.
    const big = await open('10.1.0.2');
    big.send(new Uint8Array(100_000));
    await closed(big);

    const s = client(app, '/display');
    await connected(s);
    const reply = await ask<[number, number, number]>(s, 'clock:ping', 5);
    expect(reply[0]).toBe(5);
    s.close();
    expect((await api(app, 'GET', '/api/health', undefined, null)).status).toBe(200);
    const ws = await open('10.1.0.2');
    expect((await ping(ws, 7))[0]).toBe(7);
    ws.close();
  });

  it('limits the connections one address holds', async () => {
    const mine = await Promise.all([open('10.2.0.1'), open('10.2.0.1'), open('10.2.0.1')]);
    await expect(open('10.2.0.1')).rejects.toThrow(/refused: 429/);
    const other = await open('10.2.0.2');
    expect((await ping(other, 1))[0], 'another address still gets in').toBe(1);
    mine[0]!.close();
    await closed(mine[0]!);
    // The server counts the place free once its side of the socket closed: a moment after ours.
    let again: WebSocket | null = await open('10.2.0.1').catch(() => null);
    for (let i = 0; !again && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await open('10.2.0.1').catch(() => null);
    }
    expect(again, 'a closed connection frees its place').not.toBeNull();
    for (const ws of [...mine, other, again!]) ws.close();
  });

  it('a screen reports its clock path to the panel', async () => {
    const s = client(app, '/display');
    await connected(s);
    await ask(s, 'display:hello', helloOf(app, 'main-2'));
    const health = { installationId: null, fps: 60, frameMsP95: 17, framesRendered: 1, memory: { geometries: 0, textures: 0, programs: 0 } };
    s.emit('display:health', { ...health, clock: { offsetMs: 0, rttMs: 0.3, uncertaintyMs: 0.2, path: 'responder' } });
    await ask(s, 'clock:ping', 1); // the report above was handled before this answer
    const show = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
    expect(show.screens.find((x) => x.id === 'main-2')?.clockPath).toBe('responder');
    s.emit('display:health', { ...health, clock: { offsetMs: 0, rttMs: 0.3, uncertaintyMs: 0.2, path: 'carrier-pigeon' } });
    await ask(s, 'clock:ping', 1);
    const after = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
    expect(after.screens.find((x) => x.id === 'main-2')?.clockPath, 'an unknown path is refused with the report').toBe('responder');
    s.close();
  });

  it('clients fall back to socket.io while it is down, and come back to it when it returns', async () => {
    const socket = io(`${app.url}/display`, { transports: ['websocket'], forceNew: true });
    const sync = syncOverSocket(socket, { responder: clockUrl(), makeWebSocket: (url) => new WebSocket(url) as unknown as WebSocketLike });
    const error = () => Math.abs(sync.now() - (local() + SHIFT));
    try {
      // Synced within 5 ms each way (a loaded machine's first round trips can be slow: wait for a good one).
      await until(() => sync.estimate().path === 'responder' && error() < 5, 'a sync over the responder');
      await app.clock!.stop();
      await until(() => sync.estimate().path === 'socketio', 'the fallback to socket.io');
      await until(() => sync.estimate().path === 'socketio' && error() < 5, 'synced over socket.io');
      await app.clock!.start();
      await until(() => sync.estimate().path === 'responder', 'the return to the responder');
      await until(() => sync.estimate().path === 'responder' && error() < 5, 'synced over the responder again');
    } finally {
      sync.stop();
      socket.close();
      if (!app.clock!.running()) await app.clock!.start();
    }
  }, 60_000);
});
