import dgram from 'node:dgram';
import net from 'node:net';
import osc, { type OscArg, type OscMessage } from 'osc';
import type { Logger } from 'pino';
import type { Show } from '../../protocol';
import type { ShowStore } from '../show/store';
import type { ScreenRegistry } from '../screens/registry';

export interface OscTarget {
  host: string;
  port: number;
}

/** Parses PAVILION_OSC_OUT (`host:port[,host:port]`, IPv6 as `[::1]:9000`); throws saying what to give. */
export function parseTargets(raw: string, what = 'PAVILION_OSC_OUT'): OscTarget[] {
  const out: OscTarget[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(part) ?? /^([^:[\]\s]+):(\d{1,5})$/.exec(part);
    const port = Number(m?.[2]);
    if (!m || !(port >= 1 && port <= 65535))
      throw new Error(`config: ${what} entry '${part.slice(0, 60)}' is not host:port; give e.g. 192.168.1.50:53000 (QLab) or [::1]:9000, separated by commas`);
    out.push({ host: m[1]!, port });
  }
  return out;
}

export interface OscOut {
  /** Messages sent so far (to all targets). */
  sent(): number;
  close(): Promise<void>;
}

/**
 * OSC out: tells QLab, TouchDesigner or a lighting desk what the show does, over UDP to each
 * target (docs/links.md, "OSC out"):
 * - `/pavilion/wall/<id>/playing <pieceId> <startedAt>` on every switch (`""` after a stop),
 *   startedAt as a float64 of show time (ms since the Unix epoch);
 * - `/pavilion/cue/<cueId>/go` on every GO;
 * - `/pavilion/blackout <0|1>` and `/pavilion/volume <0..1>` when they change;
 * - `/pavilion/screen/<id>/online <0|1>` when a screen connects or goes.
 */
export function startOscOut(
  targets: readonly OscTarget[],
  deps: {
    store: Pick<ShowStore, 'get' | 'subscribe'>;
    registry: Pick<ScreenRegistry, 'onPresence'>;
    logger: Pick<Logger, 'warn' | 'debug'>;
    count?: (result: 'sent' | 'send_failed') => void;
    /** Several nodes: sends only while this says so (the writer node; every node follows the show). */
    active?: () => boolean;
  },
): OscOut {
  const count = deps.count ?? (() => {});
  const sockets = { udp4: null as dgram.Socket | null, udp6: null as dgram.Socket | null };
  const socketFor = (host: string): dgram.Socket => {
    const type = net.isIPv6(host) ? 'udp6' : 'udp4';
    let s = sockets[type];
    if (!s) {
      s = dgram.createSocket(type);
      s.on('error', (e) => deps.logger.warn({ err: e, source: 'osc' }, 'osc out: socket error'));
      s.unref();
      sockets[type] = s;
    }
    return s;
  };
  let sent = 0;
  const failedAt = new Map<string, number>();

  function send(address: string, args: OscArg[]): void {
    if (deps.active && !deps.active()) return;
    let data: Buffer;
    try {
      data = Buffer.from(osc.writePacket({ address, args } satisfies OscMessage, { metadata: true }));
    } catch (e) {
      deps.logger.warn({ err: e, source: 'osc', address }, `osc out: could not encode ${address}`);
      return;
    }
    for (const t of targets) {
      socketFor(t.host).send(data, t.port, t.host, (err) => {
        if (!err) {
          sent++;
          return count('sent');
        }
        count('send_failed');
        const key = `${t.host}:${t.port}`;
        if ((failedAt.get(key) ?? -Infinity) > Date.now() - 60_000) return;
        failedAt.set(key, Date.now());
        deps.logger.warn({ err, source: 'osc', target: key }, `osc out: could not send to ${key} (${err.message}); check PAVILION_OSC_OUT and the network`);
      });
    }
  }

  let prev: Show = deps.store.get();
  const unsubscribe = deps.store.subscribe((show, _effects, command) => {
    const before = prev;
    prev = show;
    for (const w of Object.values(show.walls)) {
      const was = before.walls[w.id];
      if (was && was.installationId === w.installationId && was.startedAt === w.startedAt) continue;
      if (!was && w.installationId === null) continue; // a new, empty wall
      send(`/pavilion/wall/${w.id}/playing`, [{ type: 's', value: w.installationId ?? '' }, { type: 'd', value: w.startedAt }]);
    }
    if (command?.type === 'cue.go') {
      const cue = show.cues[show.cuePosition];
      if (cue) send(`/pavilion/cue/${cue.id}/go`, []);
    }
    if (show.blackout !== before.blackout) send('/pavilion/blackout', [{ type: 'i', value: show.blackout ? 1 : 0 }]);
    if (show.volume !== before.volume) send('/pavilion/volume', [{ type: 'f', value: show.volume }]);
  });

  const unwatch = deps.registry.onPresence((id, online) => send(`/pavilion/screen/${id}/online`, [{ type: 'i', value: online ? 1 : 0 }]));

  return {
    sent: () => sent,
    async close() {
      unsubscribe();
      unwatch();
      await Promise.all(Object.values(sockets).map((s) => (s ? new Promise<void>((r) => s.close(() => r())) : undefined)));
    },
  };
}
