import { afterAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startServer } from '../support/server';

// Trust on a venue network (issue 11, limits): one address holds at most 8 visitor sockets by
// default; behind a trusted reverse proxy, X-Forwarded-For decides the address, and otherwise it
// is ignored. A flood from one address never reaches another address's places.
type App = Awaited<ReturnType<typeof startServer>>;
const apps: App[] = [];
const sockets: Socket[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const a of apps) await a.close();
});

function visitor(app: App, forwardedFor?: string): Promise<{ socket: Socket; result: string }> {
  return new Promise((resolve) => {
    const socket = io(`${app.url}/visitor`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(forwardedFor ? { extraHeaders: { 'x-forwarded-for': forwardedFor } } : {}),
    });
    sockets.push(socket);
    socket.on('connect', () => resolve({ socket, result: 'connected' }));
    socket.on('connect_error', (e) => resolve({ socket, result: String((e as Error & { data?: { code?: string } }).data?.code ?? e.message) }));
  });
}

describe('visitor sockets per client address', () => {
  it('refuses the 9th socket from one address, and takes one again when a socket closes', async () => {
    const app = await startServer();
    apps.push(app);
    const first = await Promise.all(Array.from({ length: 8 }, () => visitor(app)));
    expect(first.map((v) => v.result)).toEqual(Array(8).fill('connected'));
    const ninth = await visitor(app);
    expect(ninth.result).toBe('rate_limited');
    const before = app.store.get().version;
    first[0]!.socket.close();
    let again = await visitor(app);
    for (let i = 0; again.result !== 'connected' && i < 50; i++) again = await visitor(app); // the close reaches the server soon
    expect(again.result).toBe('connected');
    expect(app.store.get().version).toBe(before);
  });

  it('ignores X-Forwarded-For unless a proxy is trusted', async () => {
    const app = await startServer();
    apps.push(app);
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => visitor(app, `198.51.100.${i + 1}`)));
    expect(results.filter((r) => r.result === 'connected')).toHaveLength(8);
  });

  it('behind a trusted proxy, counts each forwarded address on its own', async () => {
    const app = await startServer({ trustProxy: 1, visitorsPerAddress: 2 });
    apps.push(app);
    const a = await Promise.all([visitor(app, '198.51.100.7'), visitor(app, '198.51.100.7'), visitor(app, '198.51.100.7')]);
    expect(a.map((v) => v.result).sort()).toEqual(['connected', 'connected', 'rate_limited']);
    const b = await Promise.all([visitor(app, '198.51.100.8'), visitor(app, '203.0.113.9, 198.51.100.9')]);
    expect(b.map((v) => v.result)).toEqual(['connected', 'connected']);
  });
});
