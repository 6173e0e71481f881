import type { DmxOutput, Show } from '../../protocol';
import type { TimeSource } from '../clock/time';
import type { DmxEffect } from '../show/dmx-commands';
import { createSender as defaultSender, type DmxSender, type SenderHooks } from './dmx-senders';
import { Universe } from './dmx-universe';

/** Frames go out this often while a fade runs (43 Hz: the top of Art-Net's 30–44 Hz, so that a late timer still leaves 30 Hz). */
export const FADE_TICK_MS = 23;
/** A universe that holds values is sent again after this long without a change ("at least once a second"). */
export const KEEPALIVE_MS = 800;
/** Piece lights that arrive faster than this after the last frame wait for the next tick. */
const MIN_GAP_MS = 20;
/** On the main thread (which must never block), a `dmx.set` with `at` waits on a timer until this long before `at`, then spins on setImmediate. */
const SPIN_MS = 3;
/**
 * Where the sender may block (the DMX thread: `waitUntil`), a `dmx.set` with `at` waits on a timer
 * until this long before `at`, computes its frame, then blocks until `at` and sends: a timer that
 * comes late by less than this (a lock the thread had to wait for, docs/links.md "Timing") costs nothing.
 */
export const BLOCK_MS = 20;

/** What of the show the DMX sender reads: its outputs, values, lights and blackout scene, and the blackout. */
export type DmxShow = Pick<Show, 'dmx' | 'blackout'>;
/** A change of the show as the DMX sender hears it: the show after it and its effects (the DMX ones count). */
export type DmxListener = (show: DmxShow, effects: readonly ({ kind: string } | DmxEffect)[]) => void;

export interface DmxEngineDeps {
  /** The show store, or (on the DMX thread) its mirror. */
  store: { get(): DmxShow; subscribe(l: DmxListener): () => void };
  time: TimeSource;
  /** Where an output's send errors are told (rate-limited: once a minute per output). */
  logger: { warn(obj: object, msg: string): void };
  /** Counts each packet that left (metrics: pavilion_dmx_packets_total{output}). */
  onPacket?: (outputId: string) => void;
  createSender?: (o: DmxOutput, hooks: SenderHooks) => DmxSender;
  /** Each timed effect's way through the sender, told as its frame is handed to the socket (bench:dmx --trace). */
  onTrace?: (t: DmxTrace) => void;
  /**
   * Blocks the calling thread until show time `when` (the DMX thread: Atomics.wait). With it, a timed
   * effect's timer fires BLOCK_MS ahead, its frame is computed, and the thread blocks here, then sends at
   * once: no JavaScript runs in the last milliseconds, so nothing can make the thread wait on a lock held
   * by a thread of normal priority (V8's task queue, when a hot setImmediate spin got compiled or
   * collected). Without it (the main thread, which must never block) the timer fires SPIN_MS ahead and
   * setImmediate spins to `at`.
   */
  waitUntil?: (when: number) => void;
}

/** A `dmx.set`/`dmx.release`'s way through the sender, on the show clock (ms): bench:dmx --trace. */
export interface DmxTrace {
  output: string;
  at: number;
  /** When the sender heard of it (the store's change reached it: on the DMX thread, the message came). */
  heard: number;
  /** When its timer fired; null when it was due already. */
  woke: number | null;
  /** setImmediate rounds between the timer and `at` (0 where the thread blocked until `at` instead). */
  spins: number;
  /** When the frame was handed to the socket. */
  sent: number;
}

export interface DmxEngine {
  /** A frame of a wall's piece lights (values 0..1 by name, validated); names it leaves out are let go. */
  lights(wallId: string, values: Record<string, number>): void;
  /** Packets sent and errors, per output. */
  stats(): Record<string, { packets: number; errors: number }>;
  close(): void;
}

interface Out {
  cfg: DmxOutput;
  key: string;
  sender: DmxSender;
  u: Universe;
  frame: Uint8Array;
  lastSent: number;
  /** Nothing held: the last frame (zeros) went out, no more until something is set. */
  quiet: boolean;
  /** Whether the frame in `frame` holds anything (prepare → emit). */
  holdsNext: boolean;
  dirty: boolean;
  packets: number;
  errors: number;
  lastLog: number;
}

const isDmxEffect = (e: { kind: string } | DmxEffect): e is DmxEffect => e.kind === 'dmx.set' || e.kind === 'dmx.release';

/**
 * The DMX sender: keeps one Universe per output of the show, fades on the show clock, and sends
 * each output's frame at 40 Hz while something moves and every 800 ms otherwise; an output that
 * holds nothing goes quiet after one frame of zeros (so a desk merging it takes over). Follows the
 * store: outputs come and go with the show, dmx.set/dmx.release effects land at their `at`, and
 * show.blackout cross-fades to the bound scene. A restart restores the held values.
 */
export function createDmxEngine(deps: DmxEngineDeps): DmxEngine {
  const { time, logger } = deps;
  const make = deps.createSender ?? defaultSender;
  const outs = new Map<string, Out>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let blackoutKey = 'off';

  function open(cfg: DmxOutput, show: DmxShow, t: number): Out {
    const out: Out = {
      cfg, key: JSON.stringify(cfg), u: new Universe(), frame: new Uint8Array(512), lastSent: -Infinity, quiet: true, holdsNext: false, dirty: true,
      packets: 0, errors: 0, lastLog: -Infinity,
      sender: null as unknown as DmxSender,
    };
    out.sender = make(cfg, {
      sent: () => {
        out.packets++;
        deps.onPacket?.(cfg.id);
      },
      error: (message) => {
        out.errors++;
        const now = time();
        if (now - out.lastLog < 60_000) return;
        out.lastLog = now;
        logger.warn({ output: cfg.id, host: cfg.host, errors: out.errors }, `dmx: output '${cfg.id}' (${cfg.protocol} ${cfg.host}): ${message}`);
      },
    });
    out.u.restore(show.dmx?.values[cfg.id] ?? {}, t);
    const scene = show.blackout ? show.dmx?.blackout?.scene[cfg.id] : undefined;
    if (scene) out.u.blackout(true, scene, t, 0);
    return out;
  }

  /** Outputs follow the show: new ones open (with their held values), changed ones reopen, deleted ones close. */
  function reconcile(show: DmxShow, t: number): void {
    const want = show.dmx?.outputs ?? {};
    for (const [id, out] of outs) {
      const cfg = want[id];
      if (!cfg || JSON.stringify(cfg) !== out.key) {
        out.sender.close();
        outs.delete(id);
      }
    }
    for (const [id, cfg] of Object.entries(want)) if (!outs.has(id)) outs.set(id, open(cfg, show, t));
  }

  function blackout(show: DmxShow, t: number): void {
    const bound = show.dmx?.blackout ?? null;
    const key = show.blackout && bound ? JSON.stringify(bound) : 'off';
    if (key === blackoutKey) return;
    blackoutKey = key;
    for (const out of outs.values()) {
      out.u.blackout(key !== 'off', bound?.scene[out.cfg.id] ?? {}, t, bound?.fadeMs ?? 0);
      out.dirty = true;
    }
  }

  /** Computes the output's frame at show time `t` into `out.frame`; false when none is to go (it holds nothing and went quiet). */
  function prepare(out: Out, t: number): boolean {
    out.dirty = false;
    out.holdsNext = out.u.holds(t);
    if (!out.holdsNext && out.quiet) return false;
    out.u.frame(t, out.frame);
    return true;
  }

  function emit(out: Out, t: number): void {
    if (out.sender.send(out.frame)) {
      out.lastSent = t;
      out.quiet = !out.holdsNext;
    }
  }

  function send(out: Out, t: number): void {
    if (prepare(out, t)) emit(out, t);
  }

  /** Applies timed effects to their universes as of show time `t` (a fade starts at its `at`, or at `t` if that is earlier); returns the outputs touched. */
  function applyAll(effects: readonly DmxEffect[], t: number): Out[] {
    const touched = new Set<Out>();
    for (const e of effects) {
      const out = outs.get(e.output);
      if (!out) continue;
      if (e.kind === 'dmx.set') for (const [ch, v] of Object.entries(e.channels)) out.u.set(Number(ch), v, Math.min(e.at, t), e.fadeMs);
      else out.u.release(e.channels);
      touched.add(out);
    }
    return [...touched];
  }

  /**
   * Sends the frames of effects due at show time `when`. Where the thread may block (waitUntil): a
   * timer until BLOCK_MS before, then the frames for `when` are computed, the thread blocks until
   * `when` and sends them. Elsewhere: a timer until SPIN_MS before, then setImmediate until the clock
   * reaches `when`, then apply and send.
   */
  function timed(when: number, effects: readonly DmxEffect[], heard: number): void {
    let woke: number | null = null;
    let spins = 0;
    const trace = () => {
      if (!deps.onTrace) return;
      const sent = time();
      for (const e of effects) deps.onTrace({ output: e.output, at: e.at, heard, woke, spins, sent });
    };
    const now = () => {
      const t = time();
      for (const out of applyAll(effects, t)) send(out, t);
      trace();
    };
    const blockThenSend = () => {
      if (closed) return;
      const t = time();
      if (t >= when || !deps.waitUntil) return now();
      const ready = applyAll(effects, when).filter((out) => prepare(out, when));
      deps.waitUntil(when);
      for (const out of ready) emit(out, when);
      trace();
    };
    const spin = () => {
      if (closed) return;
      if (time() >= when) return now();
      spins++;
      setImmediate(spin);
    };
    const next = deps.waitUntil ? blockThenSend : spin;
    const wait = when - time() - (deps.waitUntil ? BLOCK_MS : SPIN_MS);
    if (wait <= 0) return next();
    const h = setTimeout(() => {
      timers.delete(h);
      woke = time();
      next();
    }, wait);
    timers.add(h);
  }

  const onShow: DmxListener = (show, effects) => {
    if (closed) return;
    const t = time();
    reconcile(show, t);
    // Effects due at the same time (a cue's) go out together, each output's frame once.
    const due = new Map<number, DmxEffect[]>();
    for (const e of effects) if (isDmxEffect(e)) due.set(e.at, [...(due.get(e.at) ?? []), e]);
    for (const [when, group] of due) timed(when, group, t);
    blackout(show, t);
    for (const out of outs.values()) if (out.dirty) send(out, t);
  };

  const tick = setInterval(() => {
    const t = time();
    for (const out of outs.values()) {
      if (out.dirty || out.u.busy(t) || out.u.changedBetween(out.lastSent, t) || (!out.quiet && t - out.lastSent >= KEEPALIVE_MS) || (out.quiet && out.u.holds(t))) send(out, t);
    }
  }, FADE_TICK_MS);
  tick.unref();

  const unsubscribe = deps.store.subscribe(onShow);
  const initial = deps.store.get();
  reconcile(initial, time());
  blackout(initial, time());
  for (const out of outs.values()) send(out, time());

  return {
    lights(wallId, values) {
      const map = deps.store.get().dmx?.lights[wallId];
      if (!map || closed) return;
      const t = time();
      const touched = new Set<Out>();
      for (const [name, { output, channel }] of Object.entries(map)) {
        const out = outs.get(output);
        if (!out) continue;
        const v = values[name];
        if (v === undefined) out.u.dropLive(channel, wallId);
        else out.u.setLive(channel, Math.round(Math.min(1, Math.max(0, v)) * 255), t, wallId);
        touched.add(out);
      }
      for (const out of touched) {
        if (t - out.lastSent >= MIN_GAP_MS) send(out, t);
        else out.dirty = true;
      }
    },
    stats: () => Object.fromEntries([...outs].map(([id, o]) => [id, { packets: o.packets, errors: o.errors }])),
    close() {
      closed = true;
      unsubscribe();
      clearInterval(tick);
      for (const h of timers) clearTimeout(h);
      for (const out of outs.values()) out.sender.close();
      outs.clear();
    },
  };
}
