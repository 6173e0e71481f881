import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io, Manager } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncOverSocket, workerPinger, type WorkerLike } from '../../client/core/connection';
import { backoffOf, HELD_ATTEMPTS, holdBackoff, RECONNECT, SCREEN_RECONNECT, steadyBackoff } from '../../client/core/reconnect';

const until = async (ok: () => boolean, what: string, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('reconnect backoff (every page socket)', () => {
  const manager = () => new Manager('http://127.0.0.1:9', { autoConnect: false, transports: ['websocket'], ...RECONNECT });

  it('socket.io-client takes the figures: 0.5 s first, at most 2.5 s, ±50 %, no attempt limit', () => {
    const m = manager();
    expect(m.reconnection()).toBe(true);
    expect(m.reconnectionAttempts()).toBe(Infinity);
    expect(m.reconnectionDelay()).toBe(500);
    expect(m.reconnectionDelayMax()).toBe(2500);
    expect(m.randomizationFactor()).toBe(0.5);
    // holdBackoff reaches into the Manager's (private) backoff: this fails if an upgrade moves it.
    expect(backoffOf(m)).not.toBeNull();
  });

  it('left alone, socket.io-client 4.8 retries back to back (delay 0) after about 1,000 attempts: the reason for holdBackoff', () => {
    const b = backoffOf(manager())!;
    const delays = Array.from({ length: 3000 }, () => b.duration());
    expect(delays.filter((d) => !(d > 0)).length).toBeGreaterThan(0);
  });

  it('held, every delay stays random and within 0.25–2.5 s, however long the server is away', () => {
    const b = backoffOf(manager())!;
    const delays: number[] = [];
    for (let i = 0; i < 5000; i++) {
      delays.push(b.duration());
      holdBackoff(b); // what the 'reconnect_attempt' listener does
    }
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2500);
    const late = delays.slice(100);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(1000);
    expect(new Set(late).size, 'jitter survives the clamp to the maximum').toBeGreaterThan(100);
  });

  it('screens retry far more often: held, every delay stays random within 0.2–0.6 s (issue 12: back ≤ 3 s)', () => {
    const b = backoffOf(new Manager('http://127.0.0.1:9', { autoConnect: false, transports: ['websocket'], ...SCREEN_RECONNECT }))!;
    const delays: number[] = [];
    for (let i = 0; i < 5000; i++) {
      delays.push(b.duration());
      holdBackoff(b);
    }
    const late = delays.slice(100);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...delays), 'a screen waits at most 0.6 s between tries').toBeLessThanOrEqual(600);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(200);
    expect(new Set(late).size, 'jitter survives the clamp').toBeGreaterThan(100);
    expect(SCREEN_RECONNECT.reconnectionAttempts, 'a screen never gives up').toBe(Infinity);
  });

  describe('a real socket against a server that goes away and comes back on the same port', () => {
    let http: HttpServer | null = null;
    let ioServer: Server | null = null;
    const listen = (port: number) =>
      new Promise<number>((resolve) => {
        http = createServer();
        ioServer = new Server(http);
        http.listen(port, '127.0.0.1', () => resolve((http!.address() as AddressInfo).port));
      });
    const close = () =>
      new Promise<void>((resolve) => {
        if (!ioServer) return resolve();
        ioServer.close(() => resolve());
        ioServer = null;
        http = null;
      });
    afterEach(close);

    it('keeps retrying with the attempt count held, and connects again when the server is back', async () => {
      const port = await listen(0);
      const socket = io(`http://127.0.0.1:${port}/`, { transports: ['websocket'], forceNew: true, ...RECONNECT });
      steadyBackoff(socket.io);
      const b = backoffOf(socket.io)!;
      let connects = 0;
      const attempts: number[] = [];
      socket.on('connect', () => connects++);
      socket.io.on('reconnect_attempt', () => attempts.push(b.attempts));
      try {
        await until(() => connects === 1, 'the first connect');
        await close();
        await until(() => attempts.length >= 5, 'five retries', 40_000);
        expect(Math.max(...attempts), 'the attempt count is held').toBeLessThanOrEqual(HELD_ATTEMPTS);
        await listen(port);
        await until(() => connects === 2, 'the reconnect');
        expect(b.attempts, 'a successful reconnect starts the backoff over').toBe(0);
      } finally {
        socket.close();
      }
    }, 60_000);
  });
});

describe('clock sync across a lost server', () => {
  afterEach(() => vi.useRealTimers());

  /** A page socket whose server answers with a fixed offset; `down` makes every ping fail. */
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

  it('plays on its last estimate while the server is away, and starts a fresh burst at once on reconnect', async () => {
    vi.useFakeTimers();
    let t = 1.7e12;
    const local = () => t;
    const OFFSET = 12_345;
    const socket = fakeSocket(OFFSET, local);
    const sync = syncOverSocket(socket, { local });
    socket.fireConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(sync.synced).toBe(true);
    for (let i = 0; i < 40; i++) {
      t += 500;
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(Math.abs(sync.now() - (t + OFFSET))).toBeLessThan(1);

    socket.connected = false; // the server died
    for (let i = 0; i < 60; i++) {
      t += 500;
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(sync.synced).toBe(true);
    expect(Math.abs(sync.now() - (t + OFFSET)), 'show time runs on, on the last estimate').toBeLessThan(1);

    // Back: a burst starts on 'connect' itself, not at the next scheduled one (up to 2 s later).
    const before = socket.pings;
    socket.fireConnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.pings - before).toBeGreaterThanOrEqual(10);
    expect(Math.abs(sync.now() - (t + OFFSET))).toBeLessThan(1);
    sync.stop();
  });

  it('pings over the page socket while the clock worker’s own socket is away', () => {
    const fake: WorkerLike & { sent: unknown[] } = { onmessage: null, onerror: null, sent: [], postMessage: (m) => fake.sent.push(m) };
    let connects = 0;
    const pinger = workerPinger('http://127.0.0.1:9/display', () => connects++, () => fake)!;
    expect(fake.sent).toEqual([{ type: 'start', url: 'http://127.0.0.1:9/display' }]);
    const say = (data: unknown) => fake.onmessage!(new MessageEvent('message', { data }));
    expect(pinger.ready()).toBe(false);
    say({ type: 'connect' });
    expect(pinger.ready()).toBe(true);
    expect(connects).toBe(1);
    say({ type: 'disconnect' });
    expect(pinger.ready(), 'a disconnected worker must not take the pings').toBe(false);
    say({ type: 'connect' });
    expect(pinger.ready()).toBe(true);
    expect(connects, 'every worker reconnect resyncs').toBe(2);
  });
});
