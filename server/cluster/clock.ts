/**
 * The show clock on a node of several (docs/sync.md, "Several nodes"). Show time is the writer's
 * clock: a follower estimates it by pinging the writer's clock responder, with the same estimator
 * the screens use (client/core/clock-sync.ts over client/core/clock-responder.ts), and its own
 * responder, screens and phones then get that estimate (server/clock/responder.ts follows `now()`).
 *
 * When a follower takes the lease, it keeps the offset it had: show time runs on without a jump,
 * and the other nodes sync to it. The first writer of a cluster runs on its own clock (offset 0).
 * Until a follower's first estimate, it serves its last offset (0 at start): a few milliseconds off
 * on machines that keep NTP time, corrected in one step once its first burst is answered. A node
 * that had an estimate and now follows another writer (the old one stopped) keeps serving the
 * offset it had, then slews to its estimate of the new writer's clock: 5 % faster or slower (50 %
 * for a difference over 50 ms), never backwards, never in a step.
 */
import WebSocket from 'ws';
import { ClockSync, type ClockEstimate } from '../../client/core/clock-sync';
import { ResponderSocket, type WebSocketLike, type WebSocketMaker } from '../../client/core/clock-responder';
import type { TimeSource } from '../clock/time';

export interface ClusterClockState {
  /** `writer`: this node's clock is the show clock; `follower`: it follows `url`. */
  role: 'writer' | 'follower';
  /** The writer's clock responder this node pings; null on the writer. */
  url: string | null;
  /** Show time − this machine's clock, ms. */
  offsetMs: number;
  /** A follower has an estimate of the writer's clock (always true on the writer). */
  synced: boolean;
  rttMs: number | null;
  uncertaintyMs: number | null;
}

export interface ClusterClock {
  /** Show time on this node. Never goes backwards once it has had an estimate, through changes of writer too. */
  now: TimeSource;
  /** Follow the writer's responder at `url`; null: this node is the writer (the offset stays where it is). */
  follow(url: string | null): void;
  state(): ClusterClockState;
  close(): void;
}

const nodeWebSocket: WebSocketMaker = (url) => new WebSocket(url) as unknown as WebSocketLike;

export function createClusterClock(o: { base: TimeSource; make?: WebSocketMaker; onSynced?: (offsetMs: number) => void }): ClusterClock {
  const base = o.base;
  /** The offset used while no estimate is live: the last one known. */
  let held = 0;
  let url: string | null = null;
  let link: { socket: ResponderSocket; sync: ClockSync } | null = null;
  /** This node has had an estimate of a writer's clock: a new writer's is slewed to, not stepped to. */
  let hadEstimate = false;
  /**
   * Since a change of writer: the offset served and when, which moves toward the estimate at a
   * bounded rate (the new estimate's first bursts move in steps; served show time does not).
   */
  let served: { offset: number; at: number } | null = null;
  let lastNow = -Infinity;

  const offsetAt = (b: number): number => {
    if (!link?.sync.synced) return held;
    const target = link.sync.offsetAt(b);
    if (!served) return target;
    const d = target - served.offset;
    const step = (Math.abs(d) > 50 ? 0.5 : 0.05) * Math.max(0, b - served.at);
    served = { offset: Math.abs(d) <= step ? target : served.offset + Math.sign(d) * step, at: b };
    return served.offset;
  };
  const offset = (): number => offsetAt(base());

  const stop = (): void => {
    if (!link) return;
    held = offset();
    if (served) served = { offset: held, at: base() };
    link.sync.stop();
    link.socket.close();
    link = null;
  };

  return {
    now: () => {
      const b = base();
      const t = b + offsetAt(b);
      if (t < lastNow) return lastNow;
      lastNow = t;
      return t;
    },
    follow(next) {
      if (next === url) return;
      stop();
      url = next;
      if (!next) return;
      const sync = new ClockSync({ local: base, ping: (t0) => socket.ping(t0) });
      // The first open starts the sync; every reconnect samples again at once (as the screens do).
      let started = false;
      const kick = () => (started ? sync.resync() : ((started = true), sync.start()));
      const socket = new ResponderSocket({ url: next, local: base, make: o.make ?? nodeWebSocket, onOpen: kick });
      let reported = false;
      sync.onUpdate((e: ClockEstimate) => {
        if (e.synced && !reported) {
          reported = true;
          // Another writer: from the offset served until now toward the new estimate, without a step.
          if (hadEstimate) served = { offset: held, at: base() };
          else lastNow = -Infinity; // this node's first estimate: one step, either way
          hadEstimate = true;
          o.onSynced?.(e.offsetMs);
        }
      });
      link = { socket, sync };
    },
    state() {
      const e = link?.sync.estimate();
      return {
        role: url ? 'follower' : 'writer',
        url,
        offsetMs: offset(),
        synced: url ? Boolean(e?.synced) : true,
        rttMs: e?.synced ? e.rttMs : null,
        uncertaintyMs: e?.synced ? e.uncertaintyMs : null,
      };
    },
    close() {
      stop();
      url = null;
    },
  };
}
