import dgram from 'node:dgram';
import net from 'node:net';
import osc, { type OscMessage, type OscPacket, type TimeTag } from 'osc';
import type { Logger } from 'pino';
import type { TimeSource } from '../clock/time';
import type { ShowStore } from '../show/store';
import { TokenBucket } from '../visitors/rate-limit';
import type { AllowList } from './osc-allow';
import { TIMED_TYPES, commandOf, type ParamTypeOf } from './osc-map';

/** What became of one inbound OSC message (`pavilion_osc_messages_total{result}`). */
export type OscInResult = 'ok' | 'refused' | 'denied' | 'malformed' | 'rate_limited';

export interface OscInOptions {
  /** UDP and TCP (SLIP-framed) port; 0 picks a free port for each (tests). */
  port: number;
  host?: string;
  /** Who may send (PAVILION_OSC_ALLOW); everyone else is dropped and counted. */
  allow: AllowList;
  /** Messages per second one sender may send (default 100, burst 200): each command is an fsync. */
  ratePerSecond?: number;
  /** TCP connections at once (default 16). */
  maxConnections?: number;
}

export interface OscInDeps {
  store: Pick<ShowStore, 'dispatch'>;
  time: TimeSource;
  logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  paramType?: ParamTypeOf;
  count?: (result: OscInResult) => void;
  /** Wall-clock milliseconds (time tags are NTP, i.e. wall clock); tests may shift it. */
  wallClock?: () => number;
}

export interface OscIn {
  udpPort: number;
  tcpPort: number;
  /** Commands waiting for their bundle's time tag. */
  pending(): number;
  close(): Promise<void>;
}

const MAX_MESSAGES = 64;
const MAX_DEPTH = 8;
const MAX_PENDING = 256;
const MAX_AHEAD_MS = 24 * 3600_000;
const MAX_FRAME = 64 * 1024;

type Reply = (packet: OscMessage) => void;

/**
 * OSC in, over UDP and over TCP with SLIP framing (OSC 1.1), on one port number. Each message
 * becomes the command REST would take (osc-map.ts), dispatched with source `osc`; a refusal goes
 * back to the sender as `/pavilion/error <code> <message>`. A bundle's time tag (NTP, wall clock)
 * is mapped to show time: timed commands (wall.play, wall.params, …) get it as `at` at once, the
 * others are dispatched when it comes. Nothing a sender sends can stop the process.
 */
export async function startOscIn(opts: OscInOptions, deps: OscInDeps): Promise<OscIn> {
  const host = opts.host ?? '0.0.0.0';
  const wallClock = deps.wallClock ?? Date.now;
  const count = deps.count ?? (() => {});
  const rate = opts.ratePerSecond ?? 100;
  const buckets = new Map<string, TokenBucket>();
  const lastWarned = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();

  /** Logs at most once a minute per sender and kind, so a flood cannot flood the log. */
  function warnOnce(key: string, obj: object, msg: string): void {
    const now = wallClock();
    if ((lastWarned.get(key) ?? -Infinity) > now - 60_000) return;
    if (lastWarned.size > 1000) lastWarned.clear();
    lastWarned.set(key, now);
    deps.logger.warn(obj, msg);
  }

  /** One token per message; `reply:<address>` keys the answers to floods and garbage (one a second, a few at once). */
  function allowed(address: string): boolean {
    let b = buckets.get(address);
    if (!b) {
      if (buckets.size > 1000) buckets.clear();
      b = address.startsWith('reply:') ? new TokenBucket(1, 5, wallClock()) : new TokenBucket(rate, rate * 2, wallClock());
      buckets.set(address, b);
    }
    return b.take(wallClock());
  }

  const errorPacket = (code: string, message: string): OscMessage => ({
    address: '/pavilion/error',
    args: [{ type: 's', value: code }, { type: 's', value: message.slice(0, 1000) }],
  });

  /** Dispatches (logged with its source by the store's command log) and answers a refusal. */
  function run(msg: OscMessage, command: { type: string } & Record<string, unknown>, reply: Reply): void {
    const res = deps.store.dispatch(command, 'osc');
    if (res.ok) return count('ok');
    count('refused');
    reply(errorPacket(res.error.code, `${msg.address.slice(0, 80)}: ${res.error.message}`));
  }

  function handleMessage(msg: OscMessage, due: number | null, from: string, reply: Reply): void {
    if (!allowed(from)) {
      count('rate_limited');
      warnOnce(`rate:${from}`, { source: 'osc', from }, `osc: ${from} sends more than ${rate} messages a second; the excess is dropped`);
      if (allowed(`reply:${from}`)) reply(errorPacket('rate_limited', `more than ${rate} messages a second from ${from}; send fewer (faders: at most 30 a second)`));
      return;
    }
    const mapped = commandOf(msg, deps.paramType);
    if (!mapped.ok) {
      count('refused');
      deps.logger.info({ source: 'osc', from, address: String(msg.address).slice(0, 80), result: mapped.error.code, error: mapped.error }, `osc: refused ${String(msg.address).slice(0, 80)}: ${mapped.error.message}`);
      return reply(errorPacket(mapped.error.code, mapped.error.message));
    }
    const command = mapped.command;
    const now = deps.time();
    if (due === null || due <= now) return run(msg, command, reply);
    if (due - now > MAX_AHEAD_MS) {
      count('refused');
      return reply(errorPacket('bad_request', `${msg.address.slice(0, 80)}: the bundle's time tag is more than 24 hours ahead; check the sender's clock`));
    }
    if (TIMED_TYPES.has(command.type) && command.at === undefined) return run(msg, { ...command, at: due }, reply);
    if (timers.size >= MAX_PENDING) {
      count('rate_limited');
      return reply(errorPacket('rate_limited', `${msg.address.slice(0, 80)}: ${MAX_PENDING} time-tagged commands wait already; send it closer to its time`));
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        run(msg, command, reply);
      } catch (e) {
        deps.logger.warn({ err: e, source: 'osc' }, 'osc: a time-tagged command failed');
      }
    }, due - now);
    timer.unref();
    timers.add(timer);
  }

  /** Show time of a time tag: the tag is wall clock, mapped through the offset of the show clock to it. */
  function showTimeOf(tag: TimeTag | undefined): number | null {
    if (!tag || !Array.isArray(tag.raw) || (tag.raw[0] === 0 && tag.raw[1] === 1)) return null;
    return typeof tag.native === 'number' && Number.isFinite(tag.native) ? deps.time() + (tag.native - wallClock()) : null;
  }

  function handlePacket(packet: OscPacket, from: string, reply: Reply): void {
    const list: Array<{ msg: OscMessage; due: number | null }> = [];
    const walk = (p: OscPacket, due: number | null, depth: number): void => {
      if (list.length >= MAX_MESSAGES || depth > MAX_DEPTH) return;
      if ('address' in p) return void list.push({ msg: p, due });
      if (!Array.isArray(p.packets)) return;
      const at = showTimeOf(p.timeTag) ?? due;
      for (const inner of p.packets) walk(inner, at, depth + 1);
    };
    walk(packet, null, 0);
    for (const { msg, due } of list) handleMessage(msg, due, from, reply);
  }

  function malformed(from: string, e: unknown, reply: Reply | null): void {
    count('malformed');
    const why = e instanceof Error ? e.message : typeof e === 'string' ? e : 'not an OSC packet';
    warnOnce(`bad:${from}`, { source: 'osc', from, error: why.slice(0, 200) }, `osc: ${from} sent something that is not OSC (${why.slice(0, 120)})`);
    if (reply && allowed(`reply:${from}`)) reply(errorPacket('bad_request', `not an OSC packet: ${why.slice(0, 200)}`));
  }

  function denied(from: string, transport: string): void {
    count('denied');
    warnOnce(`deny:${from}`, { source: 'osc', from, transport }, `osc: dropped ${transport} from ${from}, which PAVILION_OSC_ALLOW does not list; add it there to let it control the show`);
  }

  // UDP: one datagram, one packet.
  const udp = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  udp.on('error', (e) => deps.logger.warn({ err: e, source: 'osc' }, 'osc: UDP socket error'));
  udp.on('message', (buf, rinfo) => {
    try {
      if (!opts.allow.allows(rinfo.address)) return denied(rinfo.address, 'UDP');
      const reply: Reply = (p) => {
        try {
          udp.send(Buffer.from(osc.writePacket(p, { metadata: true })), rinfo.port, rinfo.address, () => {});
        } catch {
          /* a closed socket or an unencodable reply: nothing to tell */
        }
      };
      let packet: OscPacket;
      try {
        packet = osc.readPacket(buf, { metadata: true });
      } catch (e) {
        return malformed(rinfo.address, e, reply);
      }
      handlePacket(packet, rinfo.address, reply);
    } catch (e) {
      deps.logger.warn({ err: e, source: 'osc' }, 'osc: a UDP packet could not be handled');
    }
  });

  // TCP: OSC 1.1 SLIP framing, one osc.TCPSocketPort per connection.
  const sockets = new Set<net.Socket>();
  const maxConnections = opts.maxConnections ?? 16;
  const tcp = net.createServer((socket) => {
    const from = socket.remoteAddress ?? '';
    socket.on('error', () => {}); // resets and the like: the connection just ends
    if (!opts.allow.allows(from)) {
      denied(from, 'a TCP connection');
      return void socket.destroy();
    }
    if (sockets.size >= maxConnections) {
      warnOnce(`full:${from}`, { source: 'osc', from }, `osc: refused a TCP connection from ${from}: ${maxConnections} are open already`);
      return void socket.destroy();
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setKeepAlive(true, 30_000);
    const port = new osc.TCPSocketPort({ socket, metadata: true });
    port.decoder.maxMessageSize = MAX_FRAME;
    const reply: Reply = (p) => {
      if (!socket.destroyed && socket.writable) port.send(p);
    };
    port.on('osc', (packet) => {
      try {
        handlePacket(packet, from, reply);
      } catch (e) {
        deps.logger.warn({ err: e, source: 'osc' }, 'osc: a TCP packet could not be handled');
      }
    });
    port.on('error', (e) => {
      if ((e as NodeJS.ErrnoException | null)?.code) return; // the socket's own error (reset): it closes
      malformed(from, e, reply);
    });
  });
  tcp.on('error', (e) => deps.logger.warn({ err: e, source: 'osc' }, 'osc: TCP server error'));

  const listen = (what: string, start: (done: () => void, fail: (e: Error) => void) => void) =>
    new Promise<void>((resolve, reject) => start(resolve, (e) => reject(Object.assign(e, { oscTransport: what }))));
  await listen('UDP', (done, fail) => {
    udp.once('error', fail);
    udp.bind(opts.port, host, () => {
      udp.off('error', fail);
      done();
    });
  });
  try {
    const udpPort = udp.address().port;
    await listen('TCP', (done, fail) => {
      tcp.once('error', fail);
      tcp.listen(opts.port === 0 ? 0 : udpPort, host, () => {
        tcp.off('error', fail);
        done();
      });
    });
  } catch (e) {
    udp.close();
    throw e;
  }
  const tcpAddress = tcp.address();
  const result: OscIn = {
    udpPort: udp.address().port,
    tcpPort: typeof tcpAddress === 'object' && tcpAddress ? tcpAddress.port : 0,
    pending: () => timers.size,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise<void>((r) => udp.close(() => r())),
        new Promise<void>((r) => tcp.close(() => r())),
      ]);
    },
  };
  deps.logger.info({ source: 'osc', udpPort: result.udpPort, tcpPort: result.tcpPort, allow: opts.allow.entries }, `osc: listening on UDP ${result.udpPort} and TCP ${result.tcpPort} (SLIP), for ${opts.allow.entries.join(', ')}`);
  return result;
}
