import type { DmxEffect } from '../show/dmx-commands';
import type { DmxShow, DmxTrace } from './dmx-engine';
import type { ThreadPriority } from './thread-priority';

/** What the DMX thread is started with (server/links/dmx-thread.ts → dmx-thread-worker.ts). */
export interface DmxThreadStart {
  show: DmxShow;
  /** Show time − this machine's clock (ms). */
  offsetMs: number;
  /** The thread's real-time FIFO priority to ask for (1–99), or null not to. */
  fifo: number | null;
  /** The thread's nice value to ask for when real-time is refused or not asked, or null to leave it. */
  nice: number | null;
  /**
   * How a timed effect waits out its last milliseconds: 'block' (the default: the thread blocks in
   * Atomics.wait, running no JavaScript) or 'spin' (setImmediate, as before 2026-11-30 16:40: bench:dmx compares them).
   */
  wait: 'block' | 'spin';
  /** Tell each timed effect's way through the sender, and the thread's garbage collections (bench:dmx --trace). */
  trace: boolean;
}

/** Main thread → DMX thread. */
export type DmxThreadInbound =
  | { type: 'show'; show: DmxShow; effects: DmxEffect[] }
  | { type: 'lights'; wallId: string; values: Record<string, number> }
  | { type: 'offset'; offsetMs: number }
  | { type: 'close' };

/** DMX thread → main thread. */
export type DmxThreadOutbound =
  | { type: 'ready'; priority: ThreadPriority }
  /** Each output's totals, and the packets sent since the last report (for the metrics counter). */
  | { type: 'stats'; stats: Record<string, { packets: number; errors: number }>; sent: Record<string, number> }
  | { type: 'log'; obj: object; msg: string }
  /** Only when started with `trace`. */
  | { type: 'trace'; trace: DmxTrace }
  /** Only when started with `trace`: a garbage collection on the thread (show time, ms). */
  | { type: 'gc'; start: number; ms: number };
