import type { DmxEffect } from '../show/dmx-commands';
import type { DmxShow } from './dmx-engine';
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
  | { type: 'log'; obj: object; msg: string };
