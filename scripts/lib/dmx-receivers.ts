/**
 * DMX receivers bound to 127.0.0.1, for the tests (tests/support/dmx.ts) and bench/dmx: the real
 * receive side of the packages the server is checked against (dmxnet for Art-Net, sacn for E1.31).
 */
import dgram from 'node:dgram';
import { dmxnet } from 'dmxnet';
import { Packet } from 'sacn';

/** A frame a receiver got: its arrival on the show clock's base (performance.timeOrigin + now), and the 512 values. */
export interface Received {
  at: number;
  values: number[];
}

export interface DmxReceiver {
  port: number;
  frames: Received[];
  /** Resolves with the first frame (from index `from`) that satisfies `pred`. */
  waitFor(pred: (values: number[]) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<Received>;
  close(): Promise<void>;
}

const now = () => performance.timeOrigin + performance.now();

function loopbackSocket(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

function receiver(socket: dgram.Socket, frames: Received[], close: () => void): DmxReceiver {
  const waiters = new Set<() => void>();
  socket.on('message', () => queueMicrotask(() => { for (const w of [...waiters]) w(); }));
  return {
    port: (socket.address() as { port: number }).port,
    frames,
    waitFor(pred, { from = 0, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let i = from; i < frames.length; i++) {
            const f = frames[i]!;
            if (pred(f.values)) {
              waiters.delete(check);
              clearTimeout(timer);
              return resolve(f);
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const last = frames[frames.length - 1];
          reject(new Error(`no matching DMX frame in ${timeoutMs} ms (${frames.length} frames; last: ${last ? last.values.slice(0, 16).join(',') : 'none'})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => { close(); socket.close(() => resolve()); }),
  };
}

/**
 * An Art-Net receiver: dmxnet's own receiver (its ArtDMX parser and universe routing) fed from a
 * socket bound to 127.0.0.1. dmxnet itself listens on every interface, so its listener is closed
 * once it is up and the loopback socket hands it the datagrams; it is given no interface
 * (`hosts` names an address no interface has), so it never sends an ArtPollReply anywhere.
 */
export async function artnetReceiver(universe: number): Promise<DmxReceiver> {
  const socket = await loopbackSocket();
  const spare = await loopbackSocket(); // a free port for dmxnet's own listener, closed at once
  const listenPort = (spare.address() as { port: number }).port;
  await new Promise<void>((r) => spare.close(() => r()));
  const net = new dmxnet({ listen: listenPort, hosts: ['192.0.2.1'], log: { level: 'error' } });
  await new Promise<void>((resolve) => net.listener4.once('listening', () => resolve()));
  net.listener4.close();
  net.socket.close();
  const r = net.newReceiver({ net: (universe >> 8) & 0x7f, subnet: (universe >> 4) & 0xf, universe: universe & 0xf });
  const frames: Received[] = [];
  r.on('data', (values: number[]) => frames.push({ at: now(), values: [...values] }));
  socket.on('message', (msg, rinfo) => net.listener4.emit('message', msg, rinfo));
  return receiver(socket, frames, () => {});
}

/** An sACN receiver: datagrams on a socket bound to 127.0.0.1, parsed by the `sacn` package's Packet (as its Receiver does). */
export async function sacnReceiver(universe: number): Promise<DmxReceiver> {
  const socket = await loopbackSocket();
  const frames: Received[] = [];
  socket.on('message', (msg, rinfo) => {
    const p = new Packet(msg, rinfo.address);
    if (p.universe !== universe) return;
    const raw = p.payloadAsBuffer;
    if (raw) frames.push({ at: now(), values: [...raw.subarray(0, 512)] });
  });
  return receiver(socket, frames, () => {});
}
