import dgram from 'node:dgram';
import dns from 'node:dns/promises';
import net from 'node:net';
import crypto from 'node:crypto';
import { Sender as SacnSender } from 'sacn';
import { DMX_PORTS, type DmxOutput } from '../../protocol';

/** Sends one output's frames (512 channel values) to its node. Errors are reported, never thrown. */
export interface DmxSender {
  /** Sends a frame now; false when it could not leave (the host is not resolved yet). */
  send(frame: Uint8Array): boolean;
  close(): void;
}

export interface SenderHooks {
  /** A frame left (counted: pavilion_dmx_packets_total{output}). */
  sent(): void;
  /** A send or a name lookup failed (the caller logs it, rate-limited). */
  error(message: string): void;
}

/**
 * An ArtDmx packet (Art-Net 4, OpCode 0x5000): "Art-Net\0", the OpCode (little-endian), protocol
 * version 14, a sequence number (1..255), the physical port, the 15-bit port address as SubUni
 * (low byte) and Net (high 7 bits), the data length (big-endian), then the 512 values.
 * Checked against dmxnet's receiver (tests/integration/dmx.test.ts).
 */
export function artDmxPacket(sequence: number, universe: number, frame: Uint8Array): Buffer {
  const b = Buffer.alloc(18 + 512);
  b.write('Art-Net\0', 0, 'latin1');
  b.writeUInt16LE(0x5000, 8);
  b.writeUInt16BE(14, 10);
  b[12] = sequence;
  b[13] = 0;
  b[14] = universe & 0xff;
  b[15] = (universe >> 8) & 0x7f;
  b.writeUInt16BE(512, 16);
  b.set(frame.subarray(0, 512), 18);
  return b;
}

/**
 * Resolves the output's host once (a name is looked up when the output is made, and again every
 * 10 s until it resolves), so that no frame waits on DNS.
 */
function resolver(host: string, hooks: SenderHooks): { ip(): string | null; close(): void } {
  let ip: string | null = net.isIPv4(host) ? host : null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const look = () => {
    dns.lookup(host, { family: 4 }).then(
      (r) => { if (!closed) ip = r.address; },
      (e: unknown) => {
        if (closed) return;
        hooks.error(`cannot resolve '${host}' (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the node's name, retrying every 10 s`);
        timer = setTimeout(look, 10_000);
        timer.unref();
      },
    );
  };
  if (!ip) look();
  return { ip: () => ip, close: () => { closed = true; clearTimeout(timer); } };
}

/**
 * Art-Net: ArtDmx to the node's address (unicast; a broadcast address works too, as Art-Net
 * allows). A small sender rather than dmxnet's: dmxnet binds UDP 6454 on every interface even to
 * send, broadcasts an ArtPollReply on every interface whenever a sender is made, and throws from
 * its socket callbacks, which would take the server down when a lighting network is unplugged.
 */
export function artnetSender(o: DmxOutput, hooks: SenderHooks): DmxSender {
  const socket = dgram.createSocket('udp4');
  const port = o.port ?? DMX_PORTS.artnet;
  const host = resolver(o.host, hooks);
  let sequence = 0;
  socket.on('error', (e) => hooks.error(`socket: ${e.message}`));
  socket.bind(0, () => {
    try {
      socket.setBroadcast(true); // only matters when the host is a broadcast address
    } catch {
      /* closed meanwhile */
    }
  });
  return {
    send(frame) {
      const ip = host.ip();
      if (!ip) return false;
      sequence = (sequence % 255) + 1;
      try {
        socket.send(artDmxPacket(sequence, o.universe, frame), port, ip, (e) => (e ? hooks.error(`send to ${ip}:${port}: ${e.message}`) : hooks.sent()));
      } catch (e) {
        hooks.error(`send to ${ip}:${port}: ${e instanceof Error ? e.message : String(e)}`); // the socket went away
        return false;
      }
      return true;
    },
    close() {
      host.close();
      try {
        socket.close();
      } catch {
        /* closed already */
      }
    },
  };
}

/** The server's sACN component id (CID): one per process, as E1.31 asks of a source. */
const CID = crypto.randomBytes(16);

/**
 * sACN (E1.31) through the `sacn` package's Sender, always unicast to the output's host (the
 * package's default is the universe's multicast group; a multicast address given as the host is
 * used as given). Raw 0..255 values, priority 100, source name "Pavilion".
 */
export function sacnSender(o: DmxOutput, hooks: SenderHooks): DmxSender {
  const host = resolver(o.host, hooks);
  let sender: SacnSender | null = null;
  const payload: Record<number, number> = {};
  return {
    send(frame) {
      const ip = host.ip();
      if (!ip) return false;
      sender ??= new SacnSender({
        universe: o.universe,
        port: o.port ?? DMX_PORTS.sacn,
        useUnicastDestination: ip,
        defaultPacketOptions: { sourceName: 'Pavilion', priority: 100, useRawDmxValues: true, cid: CID },
      });
      // The package leaves its socket's 'error' unhandled, which would end the process.
      (sender as unknown as { socket: dgram.Socket }).socket.on('error', (e) => hooks.error(`socket: ${e.message}`));
      for (let i = 0; i < 512; i++) payload[i + 1] = frame[i] ?? 0;
      try {
        sender.send({ payload }).then(hooks.sent, (e: unknown) => hooks.error(`send to ${ip}: ${e instanceof Error ? e.message : String(e)}`));
      } catch (e) {
        hooks.error(`send to ${ip}: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
      return true;
    },
    close() {
      host.close();
      try {
        sender?.close();
      } catch {
        /* closed already */
      }
    },
  };
}

export function createSender(o: DmxOutput, hooks: SenderHooks): DmxSender {
  return o.protocol === 'artnet' ? artnetSender(o, hooks) : sacnSender(o, hooks);
}
