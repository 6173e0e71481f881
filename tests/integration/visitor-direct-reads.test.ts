import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { INPUT_FRAME_TAG, encodeInputFrame } from '../../protocol';
import { directReads } from '../../server/transport/visitor-frames';
import { LightPhone } from '../../bench/visitors/light-phone';
import { startServer, until } from '../support/server';

/*
 * The shortened read path of a phone's WebSocket (issue 16; server/transport/visitor-frames.ts
 * directReads): chunks go straight to ws's frame parser and input frames are taken as it emits
 * them. Real ws sockets on loopback: what ws does on its own (fragments, limits, errors, the close
 * handshake, other messages) must be unchanged.
 */

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close(); // clients before their server
});

/** A bare ws server (no extensions, as Pavilion's) and one client; the server side's WebSocket. */
async function pair(opts: { maxPayload?: number } = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, ...opts });
  open.push({ close: () => new Promise<void>((r) => wss.close(() => r())) });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const serverSide = new Promise<WebSocket>((r) => wss.once('connection', (ws) => r(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
  open.push({ close: () => client.terminate() });
  await new Promise<void>((r, j) => (client.once('open', () => r()), client.once('error', j)));
  return { client, server: await serverSide };
}

const tcp = (ws: WebSocket) => (ws as unknown as { _socket: import('node:net').Socket })._socket;
const ownPush = (ws: WebSocket) => Object.prototype.hasOwnProperty.call(tcp(ws), 'push');
const dataListeners = (ws: WebSocket) => (ws as unknown as { _socket: { listeners(e: string): Array<{ name: string }> } })._socket.listeners('data').map((f) => f.name);
const frame = (n: number) => encodeInputFrame({ input: 'pad', value: { x: n / 100, y: 0 }, n })!;

describe('directReads: the shortened read path keeps what ws does', () => {
  it('takes input frames (whole, fragmented, many in one chunk); other messages reach the WebSocket as before; undo puts ws back', async () => {
    const { client, server } = await pair();
    const taken: number[] = [];
    const messages: string[] = [];
    server.on('message', (d, isBinary) => messages.push(isBinary ? `binary ${(d as Buffer).length}` : d.toString()));
    const undo = directReads(server, (bytes) => taken.push(bytes[2]!));
    expect(dataListeners(server)).not.toContain('socketOnData'); // it did apply
    expect(ownPush(server)).toBe(true); // and the socket's push hands chunks straight on
    client.send(frame(1));
    client.send('hello');
    const f2 = frame(2);
    client.send(f2.subarray(0, 10), { binary: true, fin: false }); // one message in two WebSocket fragments
    client.send(f2.subarray(10), { binary: true, fin: true });
    client.send(Uint8Array.from([1, 2, 3])); // binary, not a frame
    for (let n = 3; n <= 40; n++) client.send(frame(n)); // many per TCP read
    client.send('done');
    await until(() => messages.includes('done'), 'the last message');
    expect(taken).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(messages).toEqual(['hello', 'binary 3', 'done']);
    undo();
    expect(dataListeners(server)).toContain('socketOnData');
    expect(ownPush(server)).toBe(false);
    client.send(frame(41));
    client.send('after');
    await until(() => messages.includes('after'), 'a message after undo');
    expect(taken).toHaveLength(40); // ws's own path again: the frame is a message like any other
    expect(messages.slice(3)).toEqual([`binary ${frame(41).length}`, 'after']);
  });

  it('a paused socket buffers as Node does, and everything is taken in order once it flows again', async () => {
    const { client, server } = await pair();
    const taken: number[] = [];
    const messages: string[] = [];
    server.on('message', (d) => messages.push(d.toString()));
    directReads(server, (bytes) => taken.push(bytes[2]!));
    tcp(server).pause();
    for (let n = 1; n <= 20; n++) client.send(frame(n));
    client.send('last');
    await until(() => tcp(server).readableLength > 0, 'data buffered while paused');
    expect(taken).toEqual([]);
    tcp(server).resume();
    await until(() => messages.includes('last'), 'the last message');
    expect(taken).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("keeps ws's limits and errors: a message over maxPayload is closed with 1009, a bad opcode with 1002; the server side gets 'error' and 'close'", async () => {
    for (const [bad, code] of [
      [(c: WebSocket) => c.send(new Uint8Array(200).fill(INPUT_FRAME_TAG)), 1009],
      [(c: WebSocket) => (c as unknown as { _socket: { write(b: Uint8Array): void } })._socket.write(Uint8Array.from([0x83, 0x80, 0, 0, 0, 0])), 1002], // opcode 3: reserved
    ] as const) {
      const { client, server } = await pair({ maxPayload: 100 });
      const errors: string[] = [];
      server.on('error', (e) => errors.push(e.message));
      const closed = new Promise<number>((r) => server.once('close', (c) => r(c)));
      const told = new Promise<number>((r) => client.once('close', (c) => r(c)));
      const taken: number[] = [];
      directReads(server, (b) => taken.push(b[2]!));
      bad(client);
      expect(await told).toBe(code); // the server's close frame says why
      await closed;
      expect(errors).toHaveLength(1);
      expect(taken).toEqual([]);
    }
  });

  it('the close handshake goes as before, and nothing is fed to the parser after the close frame', async () => {
    const { client, server } = await pair();
    const taken: number[] = [];
    directReads(server, (b) => taken.push(b[2]!));
    client.send(frame(1));
    const closed = new Promise<number>((r) => server.once('close', (c) => r(c)));
    const clientClosed = new Promise<number>((r) => client.once('close', (c) => r(c)));
    client.close(4001, 'bye');
    expect(await closed).toBe(4001);
    expect(await clientClosed).toBe(4001);
    expect(taken).toEqual([1]);
    expect(dataListeners(server)).not.toContain('direct'); // ws took its own listener off; ours is off too
    expect(ownPush(server)).toBe(false);
  });

  it("applies on a phone's /visitor connection in the running server, and frames go through", async () => {
    const app = await startServer();
    open.push({ close: () => app.close() });
    const phone = await LightPhone.connect(app.url, '/visitor', { timeoutMs: 10_000 });
    open.push(phone);
    const acks: Array<{ ok: boolean; n: number }> = [];
    phone.onEvent = (event, payload) => void (event === 'visitor:acked' && acks.push(payload as never));
    const joined = await new Promise<{ ok: boolean }>((r) => phone.emitWithAck('visitor:join', { wallId: 'main', visitorId: 'direct-reads-01' }, (a) => r(a as never)));
    expect(joined.ok).toBe(true);
    const socket = [...app.io.of('/visitor').sockets.values()][0]!;
    const ws = (socket.conn as unknown as { transport: { socket: WebSocket } }).transport.socket;
    expect(dataListeners(ws)).not.toContain('socketOnData');
    // the demo piece may take other inputs; any answer to input 1, accepted or refused, shows the frame was read and handled
    phone.sendFrame(encodeInputFrame({ input: 'nope', value: true, n: 1 })!);
    await until(() => acks.some((a) => a.n === 1), 'the answer to input 1');
    expect(acks[0]).toMatchObject({ ok: false, n: 1 });
  });
});
