/**
 * bench:dmx --trace: where a timed `dmx.set` spends its time, hop by hop, on the show clock's base
 * (performance.timeOrigin + now; every thread reads the same machine clock):
 *
 *   posted      the bench sends the command (`at` = posted + lead)
 *   durable     the server's store has written it (journal append + fsync) and tells its listeners
 *               (a main-thread listener of the server's store; the fsync's own length from onDispatch)
 *   acked       the HTTP answer is back in the bench
 *   heard       the sender heard of it (on the DMX thread: the show's hand-over message came)
 *   woke        the sender's timer fired (armed for `at` − 20 ms on the DMX thread, which then blocks
 *               until `at`; `at` − 3 ms where it spins on setImmediate: the main thread, or --wait spin)
 *   sent        the frame was handed to the socket
 *   stamp       the receiving thread's 'message' event (bench/dmx/stamp-worker.mjs)
 *
 * and the garbage collections of the bench's main thread (the servers' main threads: they share
 * the bench's process), of each DMX thread and of each stamping thread, to set beside a late set.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { App } from '../../server/app';
import type { DmxTrace } from '../../server/links/dmx-engine';
import type { DmxTraceHooks } from '../../server/links/dmx-thread';
import { fmt, percentile } from '../lib/stats';

const now = () => performance.timeOrigin + performance.now();

export interface Gc {
  where: string;
  start: number;
  ms: number;
}

/** One timed set's hops (show time, ms); null where a hop was not seen. */
export interface SetHops {
  rig: string;
  value: number;
  at: number;
  posted: number;
  durable: number | null;
  fsyncMs: number | null;
  acked: number;
  heard: number | null;
  woke: number | null;
  spins: number | null;
  sent: number | null;
  stamp: number | null;
}

/** A rig's trace: the sender's hooks (createApp's dmxTrace), the store's, and what they heard. */
export class RigTrace {
  readonly sets: DmxTrace[] = [];
  readonly gcs: Gc[] = [];
  private readonly durable = new Map<number, number>();
  private readonly fsync = new Map<number, number>();
  readonly hooks: DmxTraceHooks;

  constructor(readonly label: string) {
    this.hooks = {
      set: (t) => this.sets.push(t),
      gc: (start, ms) => this.gcs.push({ where: `${label}: DMX thread`, start, ms }),
    };
  }

  /** Listens to the server's store: when each timed set was durable and told, and its fsync's length. */
  watch(app: App): void {
    app.store.subscribe((_show, effects) => {
      const t = now();
      for (const e of effects) if (e.kind === 'dmx.set' && 'at' in e && typeof e.at === 'number') this.durable.set(e.at, t);
    });
    app.store.onDispatch((e) => {
      const at = (e.raw as { type?: string; at?: unknown }).at;
      if ((e.raw as { type?: string }).type === 'dmx.set' && typeof at === 'number' && e.durableS !== null) this.fsync.set(at, e.durableS * 1000);
    });
  }

  hops(value: number, at: number, posted: number, acked: number, stamp: number | null): SetHops {
    const s = this.sets.find((x) => Math.abs(x.at - at) < 0.0005);
    return {
      rig: this.label, value, at, posted, acked, stamp,
      durable: this.durable.get(at) ?? null,
      fsyncMs: this.fsync.get(at) ?? null,
      heard: s?.heard ?? null,
      woke: s?.woke ?? null,
      spins: s?.spins ?? null,
      sent: s?.sent ?? null,
    };
  }
}

/** Garbage collections on the bench's main thread (where the servers' main threads run). */
export function watchMainGc(into: Gc[]): () => void {
  const o = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) into.push({ where: 'main thread (bench + servers)', start: performance.timeOrigin + e.startTime, ms: e.duration });
  });
  o.observe({ entryTypes: ['gc'] });
  return () => o.disconnect();
}

const d = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/** The hops of one set as differences (ms): what each stage took. */
export function stages(h: SetHops, lead: number): Record<string, number | null> {
  return {
    'posted→durable': d(h.durable, h.posted),
    fsync: h.fsyncMs,
    'posted→acked': d(h.acked, h.posted),
    'durable→heard (hand-over)': d(h.heard, h.durable),
    'woke − at (timer: −20 block, −3 spin)': d(h.woke, h.at),
    'sent − at': d(h.sent, h.at),
    'stamp − sent (wire + receiver)': d(h.stamp, h.sent),
    'stamp − at (late)': d(h.stamp, h.at),
    'lead left at heard': h.heard === null ? null : h.at - h.heard,
    lead,
  };
}

/** Prints the hops' percentiles per rig, and every late set (> 5 ms) with the collections around it. */
export function report(all: SetHops[], gcs: Gc[], lead: number): void {
  const rigs = [...new Set(all.map((h) => h.rig))];
  for (const rig of rigs) {
    const hs = all.filter((h) => h.rig === rig);
    console.log(`\ntrace, ${rig} (${hs.length} sets): p50 / p95 / p99 / max, ms`);
    const keys = Object.keys(stages(hs[0]!, lead)).filter((k) => k !== 'lead');
    for (const k of keys) {
      const xs = hs.map((h) => stages(h, lead)[k]).filter((x): x is number => x !== null && x !== undefined);
      if (xs.length === 0) continue;
      console.log(`  ${k.padEnd(32)} ${fmt(percentile(xs, 50), 2)} / ${fmt(percentile(xs, 95), 2)} / ${fmt(percentile(xs, 99), 2)} / ${fmt(Math.max(...xs), 2)}  (n=${xs.length})`);
    }
    const late = hs.filter((h) => h.stamp !== null && h.stamp - h.at > 5);
    for (const h of late) {
      const s = stages(h, lead);
      const parts = Object.entries(s).filter(([k]) => k !== 'lead').map(([k, v]) => `${k} ${fmt(v, 2)}`);
      console.log(`  LATE ${fmt(h.stamp! - h.at, 2)} ms (at ${fmt(h.at, 1)}): ${parts.join('; ')}`);
      const from = Math.min(h.heard ?? h.at, h.at) - 5;
      const to = h.stamp!;
      for (const g of gcs) if (g.start + g.ms >= from && g.start <= to) console.log(`     gc ${g.where}: ${fmt(g.ms, 2)} ms from at${g.start - h.at >= 0 ? '+' : ''}${fmt(g.start - h.at, 2)}`);
    }
  }
}
