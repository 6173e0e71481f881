import * as ircamPkg from '@ircam/sync';
import * as timesyncPkg from 'timesync';
import type { Server } from 'socket.io';
import type { Socket } from 'socket.io-client';

/**
 * The peers, mounted only in the benchmark: @ircam/sync (Soundworks' sync) and timesync, each on
 * its own socket.io namespace of the same server process, each as its README shows.
 */

/** @ircam/sync works in seconds; both sides count them from this origin (keeps µs resolution). */
export const IRCAM_BASE_MS = 1.7e12;

type IrcamModule = typeof import('@ircam/sync');
// The package is CommonJS with a `default` export object as well as named ones.
const ircam = ((ircamPkg as unknown as { default?: IrcamModule }).default ?? ircamPkg) as IrcamModule;
type TimesyncModule = typeof import('timesync');
const timesync = ((timesyncPkg as unknown as { default?: TimesyncModule }).default ?? timesyncPkg) as TimesyncModule;

export function mountPeers(io: Server, time: () => number): void {
  io.of('/bench-ircam').on('connection', (socket) => {
    const server = new ircam.SyncServer(() => (time() - IRCAM_BASE_MS) / 1000);
    server.start(
      (id, clientPingTime, serverPingTime, serverPongTime) => void socket.emit('sync:pong', [id, clientPingTime, serverPingTime, serverPongTime]),
      (cb) =>
        void socket.on('sync:ping', (m: unknown) => {
          if (Array.isArray(m) && typeof m[0] === 'number' && typeof m[1] === 'number') cb(m[0], m[1]);
        }),
    );
  });
  io.of('/bench-timesync').on('connection', (socket) => {
    socket.on('timesync', (data: unknown) => {
      const id = data && typeof data === 'object' && 'id' in data ? (data as { id: unknown }).id : null;
      socket.emit('timesync', { id, result: time() });
    });
  });
}

/** A client's view of the show clock, whatever the library. */
export interface PeerClock {
  /** Estimated server time at local time `local` (ms), or null before a first estimate. */
  estimate(local: number): number | null;
  /** Called on every new estimate. */
  onUpdate(fn: () => void): void;
  stop(): void;
}

export function ircamClient(socket: Socket, local: () => number): PeerClock {
  const client = new ircam.SyncClient(() => (local() - IRCAM_BASE_MS) / 1000);
  let synced = false;
  const listeners: Array<() => void> = [];
  client.start(
    (pingId, clientPingTime) => void socket.emit('sync:ping', [pingId, clientPingTime]),
    (cb) =>
      void socket.on('sync:pong', (m: [number, number, number, number]) => {
        cb(m[0], m[1], m[2], m[3]);
      }),
    (report) => {
      if (report.status === 'training' || report.status === 'sync') synced = true;
      for (const l of listeners) l();
    },
  );
  return {
    estimate: (l) => (synced ? IRCAM_BASE_MS + client.getSyncTime((l - IRCAM_BASE_MS) / 1000) * 1000 : null),
    onUpdate: (fn) => void listeners.push(fn),
    stop: () => client.stop(),
  };
}

/** timesync with the options of its README's example (a sync of 5 requests every 10 s). */
export function timesyncClient(socket: Socket, local: () => number): PeerClock {
  const ts = timesync.create({ server: 'server', now: local, interval: 10_000 });
  let synced = false;
  const listeners: Array<() => void> = [];
  ts.send = (_to, data) => {
    socket.emit('timesync', data);
    return Promise.resolve();
  };
  socket.on('timesync', (data: unknown) => ts.receive('server', data));
  ts.on('change', () => {
    synced = true;
    for (const l of listeners) l();
  });
  ts.on('error', () => {});
  return {
    estimate: (l) => (synced ? l + ts.offset : null),
    onUpdate: (fn) => void listeners.push(fn),
    stop: () => ts.destroy(),
  };
}
