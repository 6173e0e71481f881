import { addEffect } from '@react-three/fiber';
import type { ClockSync } from '../core/clock-sync';

/**
 * The show time of the frame being drawn, taken from the rAF timestamp (not from a clock read
 * inside the callback: frame timestamps agree across tabs far better; DESIGN.md).
 */
export const frame = {
  /** Show time of the current frame. */
  showTime: 0,
  /** rAF timestamp of the current frame. */
  timestamp: 0,
  count: 0,
};

type FrameListener = (showTime: number, timestamp: number) => void;
const listeners = new Set<FrameListener>();

/** Starts mapping each frame's timestamp to show time. Listeners run before pieces' useFrame. */
export function startFrameClock(clock: ClockSync): () => void {
  return addEffect((timestamp) => {
    frame.timestamp = timestamp;
    frame.showTime = clock.toShowTime(performance.timeOrigin + timestamp);
    frame.count++;
    for (const l of listeners) l(frame.showTime, timestamp);
  });
}

export function onFrame(fn: FrameListener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
