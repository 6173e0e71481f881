import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer } from '../support/server';

/*
 * The DMX sender runs on a thread of its own (server/links/dmx-thread.ts): a `dmx.set` with `at`
 * leaves at `at` even while the main thread is busy. Proved by order, not by time: the main thread
 * is held busy from before `at` to well after it, and at the end of that stretch sends a marker
 * datagram to the same receiver. The frame carrying the new value must arrive before the marker:
 * sent from the main thread, it could only leave after the marker.
 */
type Started = Awaited<ReturnType<typeof startServer>>;
let app: Started;
let rx: dgram.Socket;
const got: Buffer[] = [];
const MARKER = Buffer.from('marker: the main thread is free again');

beforeAll(async () => {
  rx = dgram.createSocket('udp4');
  rx.on('message', (b) => got.push(b));
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
  app = await startServer();
  const res = await api(app, 'POST', '/api/commands', { type: 'dmx.output', id: 'house', protocol: 'artnet', host: '127.0.0.1', port: rx.address().port, universe: 0 });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await app?.close();
  rx?.close();
});

const isArtDmx = (b: Buffer) => b.length >= 18 + 512 && b.toString('latin1', 0, 8) === 'Art-Net\0' && b.readUInt16LE(8) === 0x5000;
const waitFor = async (ok: () => boolean, what: string) => {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
};

describe('DMX on its own thread', () => {
  it('a dmx.set with `at` leaves while the main thread is busy', async () => {
    // The thread is up and sending (it starts with the show's first output).
    let res = await api(app, 'POST', '/api/commands', { type: 'dmx.set', output: 'house', channels: { '1': 10 } });
    expect(res.status).toBe(200);
    await waitFor(() => got.some((b) => isArtDmx(b) && b[18] === 10), 'the first frame');

    const at = Date.now() + 2500;
    res = await api(app, 'POST', '/api/commands', { type: 'dmx.set', output: 'house', channels: { '1': 77 }, at });
    expect(res.status).toBe(200);
    // Without this the test could not fail: `at` must come inside the busy stretch.
    expect(Date.now() < at, 'the command was acknowledged before its `at` (a machine too slow to tell otherwise)').toBe(true);
    const before = got.length;
    // Busy until well after `at`: no timer, no I/O of this thread runs meanwhile.
    while (Date.now() < at + 1000) {
      /* spin */
    }
    rx.send(MARKER, rx.address().port, '127.0.0.1');
    await waitFor(() => got.slice(before).some((b) => b.equals(MARKER)), 'the marker');
    await waitFor(() => got.slice(before).some((b) => isArtDmx(b) && b[18] === 77), 'the frame with the new value');
    const after = got.slice(before);
    const frame = after.findIndex((b) => isArtDmx(b) && b[18] === 77);
    const marker = after.findIndex((b) => b.equals(MARKER));
    expect(frame, 'the new value left during the busy stretch, before the marker').toBeLessThan(marker);
  });
});
