import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResponderSocket, type WebSocketLike } from '../../client/core/clock-responder';
import { syncOverSocket, workerPinger, type WorkerLike } from '../../client/core/connection';

/**
 * The clients' way to the clock responder (client/core/clock-responder.ts) and their fallback to
 * socket.io (connection.ts, syncOverSocket), with a fake WebSocket and a fake socket.io socket.
 */

/** A fake responder: every socket it makes answers 8-byte pings with the show clock = local + offset, while `up`. */
function fakeResponder(offset: number, local: () => number) {
  const r = {
    up: true,
    made: 0,
    pings: 0,
    sockets: [] as FakeWs[],
    make: (_url: string): WebSocketLike => {
      r.made++;
      const ws = new FakeWs(r);
      r.sockets.push(ws);
      // Opens (or fails) as a real one does: after the current task.
      queueMicrotask(() => (r.up ? ws.open() : ws.fail()));
      return ws;
    },
    /** The responder stops: its open connections close. */
    down() {
      r.up = false;
      for (const ws of r.sockets) ws.fail();
    },
  };
  class FakeWs implements WebSocketLike {
    binaryType = 'blob';
    readyState = 0;
    onopen: ((e: unknown) => void) | null = null;
    onclose: ((e: unknown) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    onmessage: ((e: { data: unknown }) => void) | null = null;
    constructor(private readonly server: typeof r) {}
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }
    fail() {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.onclose?.({});
    }
    send(data: ArrayBuffer | ArrayBufferView) {
      const buf = data instanceof ArrayBuffer ? data : data.buffer;
      if (buf.byteLength !== 8 || this.readyState !== 1) throw new Error('the fake responder takes 8-byte pings only');
      const t0 = new DataView(buf).getFloat64(0, true);
      this.server.pings++;
      queueMicrotask(() => {
        if (!this.server.up || this.readyState !== 1) return;
        const out = new DataView(new ArrayBuffer(24));
        out.setFloat64(0, t0, true);
        out.setFloat64(8, local() + offset, true);
        out.setFloat64(16, local() + offset, true);
        this.onmessage?.({ data: out.buffer });
      });
    }
    close() {
      this.fail();
    }
  }
  return r;
}

/** A page socket whose server answers clock:ping with the same show clock. */
function fakeSocket(offset: number, local: () => number) {
  const handlers: Array<() => void> = [];
  const s = {
    connected: false,
    pings: 0,
    timeout: () => ({
      emit: (_ev: 'clock:ping', t0: number, cb: (err: Error | null, reply: [number, number, number]) => void) => {
        s.pings++;
        if (!s.connected) return cb(new Error('not connected'), [0, 0, 0]);
        cb(null, [t0, local() + offset, local() + offset]);
      },
    }),
    on: (_ev: 'connect', fn: () => void) => handlers.push(fn),
    fireConnect: () => {
      s.connected = true;
      for (const h of handlers) h();
    },
  };
  return s;
}

describe('ResponderSocket', () => {
  afterEach(() => vi.useRealTimers());

  it('pings in 8 bytes, reads the 24-byte answer, and reconnects after the responder went', async () => {
    vi.useFakeTimers();
    let t = 1.7e12;
    const local = () => t;
    const server = fakeResponder(500, local);
    let opens = 0;
    let closes = 0;
    const rs = new ResponderSocket({ url: 'ws://127.0.0.1:9', local, make: server.make, onOpen: () => opens++, onClose: () => closes++ });
    expect(rs.ready(), 'not before it opened').toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(rs.ready()).toBe(true);
    expect(opens).toBe(1);

    const t0 = local();
    t += 0.25;
    const r = await rs.ping(t0);
    expect(r.reply).toEqual([t0, t + 500, t + 500]);
    expect(r.sent).toBe(t0);
    expect(r.received).toBe(t);

    server.down();
    expect(rs.ready(), 'a closed connection takes no pings').toBe(false);
    expect(closes).toBe(1);
    await expect(rs.ping(local())).rejects.toThrow(/not connected/);
    await vi.advanceTimersByTimeAsync(5000);
    expect(rs.ready(), 'still down').toBe(false);
    expect(server.made, 'it kept trying').toBeGreaterThan(2);

    server.up = true;
    await vi.advanceTimersByTimeAsync(3000);
    expect(rs.ready(), 'back once the responder is').toBe(true);
    expect(opens).toBe(2);
    rs.close();
    expect(rs.ready()).toBe(false);
  });

  it('drops a connection that stopped answering, and fails its pings', async () => {
    vi.useFakeTimers();
    const t = 1.7e12;
    const server = fakeResponder(0, () => t);
    const rs = new ResponderSocket({ url: 'ws://127.0.0.1:9', local: () => t, make: server.make, timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(0);
    server.up = false; // open, but silent (a hung thread)
    const a = rs.ping(1).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(150);
    expect(await a).toMatch(/timed out/);
    expect(rs.ready(), 'one miss keeps the connection').toBe(true);
    const b = rs.ping(2).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(150);
    expect(await b).toMatch(/timed out/);
    expect(rs.ready(), 'two misses in a row drop it').toBe(false);
    rs.close();
  });
});

describe('clock sync: the responder first, socket.io as the fallback', () => {
  afterEach(() => vi.useRealTimers());

  it('pings the responder, falls back to socket.io while it is away, and comes back to it at once', async () => {
    vi.useFakeTimers();
    let t = 1.7e12;
    const local = () => t;
    const OFFSET = 4321;
    const socket = fakeSocket(OFFSET, local);
    const server = fakeResponder(OFFSET, local);
    const sync = syncOverSocket(socket, { local, responder: 'ws://127.0.0.1:9', makeWebSocket: server.make });
    await vi.advanceTimersByTimeAsync(0);
    socket.fireConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(sync.synced).toBe(true);
    expect(sync.estimate().path).toBe('responder');
    expect(socket.pings, 'nothing over socket.io while the responder answers').toBe(0);

    server.down();
    for (let i = 0; i < 10; i++) {
      t += 500;
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(sync.estimate().path, 'the fallback').toBe('socketio');
    expect(socket.pings).toBeGreaterThan(0);
    expect(Math.abs(sync.now() - (t + OFFSET))).toBeLessThan(1);

    const before = server.pings;
    server.up = true;
    for (let i = 0; i < 6 && server.pings === before; i++) {
      t += 500;
      await vi.advanceTimersByTimeAsync(500);
    }
    // Its reopen starts a burst at once (a resync), not at the next scheduled one.
    expect(server.pings - before, 'a fresh burst over the responder').toBeGreaterThanOrEqual(10);
    expect(sync.estimate().path).toBe('responder');
    sync.stop();
    expect(server.sockets.every((s) => s.readyState === 3), 'stop() closes the responder connection').toBe(true);
  });

  it('the screens’ worker reports which way each answer came', async () => {
    const fake: WorkerLike & { sent: unknown[] } = { onmessage: null, onerror: null, sent: [], postMessage: (m) => fake.sent.push(m) };
    const connects: string[] = [];
    const pinger = workerPinger('http://127.0.0.1:9/display', (p) => connects.push(p), () => fake)!;
    pinger.useResponder('ws://127.0.0.1:10');
    expect(fake.sent).toEqual([{ type: 'start', url: 'http://127.0.0.1:9/display' }, { type: 'responder', url: 'ws://127.0.0.1:10' }]);
    const say = (data: unknown) => fake.onmessage!(new MessageEvent('message', { data }));
    say({ type: 'connect', path: 'responder' });
    expect(pinger.ready()).toBe(true);
    expect(connects).toEqual(['responder']);
    const p = pinger.ping();
    const { id } = fake.sent.at(-1) as { id: number };
    say({ type: 'pong', id, ok: true, sent: 1, reply: [1, 2, 2], received: 3, path: 'responder' });
    expect((await p).path).toBe('responder');
    say({ type: 'disconnect', path: 'responder' });
    expect(pinger.ready(), 'neither way up: the page socket takes the pings').toBe(false);
    say({ type: 'connect', path: 'socketio' });
    expect(pinger.ready()).toBe(true);
  });
});

describe('clock sync: the responder alone', () => {
  afterEach(() => vi.useRealTimers());

  it('starts on the responder while the socket.io connection has not come up (a server too busy to accept it)', async () => {
    vi.useFakeTimers();
    const t = 1.7e12;
    const socket = fakeSocket(777, () => t);
    const server = fakeResponder(777, () => t);
    const sync = syncOverSocket(socket, { local: () => t, responder: 'ws://127.0.0.1:9', makeWebSocket: server.make });
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.connected).toBe(false);
    expect(sync.synced, 'synced over the responder alone').toBe(true);
    expect(sync.estimate().path).toBe('responder');
    expect(Math.abs(sync.now() - (t + 777))).toBeLessThan(0.001);
    sync.stop();
  });
});
