import net from 'node:net';
import osc, { type OscArg, type OscPacket } from 'osc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/server';
import { Rng } from '../support/fuzz-random';
import type { App } from '../../server/app';

/**
 * The OSC listener never falls over: a seeded stream of garbage, truncated and hostile packets
 * (random bytes, Pavilion addresses with every argument type, deep and huge bundles, far time
 * tags) over UDP and over TCP with and without SLIP framing; then a plain command still works.
 * PAVILION_FUZZ_SEED picks another seed.
 */
const SEED = Number(process.env.PAVILION_FUZZ_SEED ?? 20261130);
const ADDRESSES = ['/pavilion/cue/go', '/pavilion/cue/next', '/pavilion/cue/back', '/pavilion/wall/main/play', '/pavilion/wall/main/param/speed', '/pavilion/wall/main/param/__proto__',
  '/pavilion/wall/main/pause', '/pavilion/wall/main/resume', '/pavilion/wall/canopy/stop', '/pavilion/blackout', '/pavilion/volume', '/pavilion/screen/main-1/pattern', '/pavilion/wall/*/play',
  '/pavilion', '/', '/pavilion/wall//play', '/pavilion/screen/constructor/pattern'];

function arg(r: Rng): OscArg {
  switch (r.int(10)) {
    case 0: return { type: 'i', value: r.int(2 ** 31) - 2 ** 30 };
    case 1: return { type: 'f', value: r.pick([0, 1, 0.5, -1, 1e30, Number.NaN, Infinity]) };
    case 2: return { type: 's', value: r.chance(0.5) ? r.ascii(r.int(300)) : r.pick(['canopy', 'prism-field', 'identify', 'toString', '__proto__', '']) };
    case 3: return { type: 'T', value: true };
    case 4: return { type: 'F', value: false };
    case 5: return { type: 'N', value: null };
    case 6: return { type: 'b', value: r.bytes(r.int(64)) };
    case 7: return { type: 'd', value: r.next() * 1e15 };
    case 8: return { type: 'h', value: { high: r.int(2 ** 31), low: r.int(2 ** 31), unsigned: false } };
    default: return { type: 'c', value: 'x' };
  }
}

function packet(r: Rng, depth = 0): OscPacket {
  if (depth < 12 && r.chance(0.25)) {
    const secs = r.pick([-1e6, -1, 0, 0.05, 1, 1e5, 1e9]);
    return { timeTag: osc.timeTag(secs), packets: Array.from({ length: 1 + r.int(depth > 3 ? 2 : 5) }, () => packet(r, depth + 1)) };
  }
  return { address: r.pick(ADDRESSES), args: Array.from({ length: r.int(4) }, () => arg(r)) };
}

function bytesOf(r: Rng): Buffer {
  const encoded = Buffer.from(osc.writePacket(packet(r), { metadata: true }));
  switch (r.int(4)) {
    case 0: return r.bytes(1 + r.int(200)); // noise
    case 1: return encoded.subarray(0, r.int(encoded.length)); // truncated
    case 2: { // a few bytes flipped
      const b = Buffer.from(encoded);
      for (let i = 0; i < 3 && b.length; i++) b[r.int(b.length)] = r.int(256);
      return b;
    }
    default: return encoded;
  }
}

describe('OSC fuzz', () => {
  let app: App;
  beforeAll(async () => {
    app = await startServer({ osc: { port: 0, ratePerSecond: 100_000 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it(`survives a seeded stream of hostile packets (seed ${SEED}), over UDP and TCP`, async () => {
    const r = new Rng(SEED);
    const udp = new osc.UDPPort({ localAddress: '127.0.0.1', localPort: 0, remoteAddress: '127.0.0.1', remotePort: app.osc!.in!.udpPort, metadata: true });
    udp.on('error', () => {});
    let answers = 0;
    udp.on('message', () => answers++);
    await new Promise<void>((resolve) => {
      udp.once('ready', () => resolve());
      udp.open();
    });
    for (let n = 0; n < 600; n++) udp.sendRaw(bytesOf(r));
    // TCP: SLIP-framed packets, unframed noise, and one frame over the size limit.
    for (let round = 0; round < 4; round++) {
      const socket = net.connect(app.osc!.in!.tcpPort, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('data', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      for (let n = 0; n < 100; n++) {
        const b = bytesOf(r);
        socket.write(r.chance(0.7) ? Buffer.concat([Buffer.from([0xc0]), b, Buffer.from([0xc0])]) : b);
      }
      if (round === 0) socket.write(Buffer.concat([Buffer.from([0xc0]), Buffer.alloc(200_000, 0x41), Buffer.from([0xc0])]));
      socket.end();
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    }
    // Still alive: a plain command works and is answered as ever.
    const want = !app.store.get().blackout;
    for (let i = 0; i < 500 && app.store.get().blackout !== want; i++) {
      if (i % 50 === 0) udp.send({ address: '/pavilion/blackout', args: [{ type: 'i', value: want ? 1 : 0 }] });
      await new Promise((res) => setTimeout(res, 10));
    }
    expect(app.store.get().blackout).toBe(want);
    expect(answers).toBeGreaterThan(0);
    const text = (await app.metrics.registry.getSingleMetricAsString('pavilion_osc_messages_total')) ?? '';
    expect(text).toContain('result="malformed"');
    expect(text).toContain('result="refused"');
    udp.close();
  });
});
