import type { DisplayHealth } from '../../protocol';
import type { GpuMemory } from './memory';

/** The clock estimate's figures a health report carries. */
export interface ClockFigures {
  offsetMs: number;
  rttMs: number;
  uncertaintyMs: number;
}

/** How many frame intervals the p95 is taken over. */
export const FRAME_WINDOW = 240;

/** Frame rate and frame-time p95 over the last FRAME_WINDOW frames, from the frames' own timestamps. */
export class FrameStats {
  private intervals: number[] = [];
  private last = 0;
  private framesAtLastReport: number;
  private lastReport: number;

  /** `frames` and `now`: the frame count and a monotonic clock (ms) when counting starts. */
  constructor(frames: number, now: number) {
    this.framesAtLastReport = frames;
    this.lastReport = now;
  }

  /** A frame began at rAF timestamp `ts`. */
  frame(ts: number): void {
    if (this.last) this.intervals.push(ts - this.last);
    if (this.intervals.length > FRAME_WINDOW) this.intervals.shift();
    this.last = ts;
  }

  /** 95th percentile of the frame intervals (ms), 0 before two frames. */
  p95(): number {
    const sorted = [...this.intervals].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : 0;
  }

  /** Frames per second since the previous call (or since counting started). */
  fps(frames: number, now: number): number {
    const fps = ((frames - this.framesAtLastReport) * 1000) / Math.max(1, now - this.lastReport);
    this.framesAtLastReport = frames;
    this.lastReport = now;
    return fps;
  }
}

/** A health report (display:health), bounded as the server's schema wants it. */
export function healthReport(h: {
  installationId: string | null;
  fps: number;
  frameMsP95: number;
  framesRendered: number;
  memory: GpuMemory;
  clock: ClockFigures;
  heapMB?: number;
  /** The pieces held warm for the screen's wall (PieceHost.warmPieces). */
  warm?: string[];
}): DisplayHealth {
  return {
    installationId: h.installationId,
    fps: Math.min(1000, h.fps),
    frameMsP95: Math.min(60000, h.frameMsP95),
    framesRendered: h.framesRendered,
    memory: h.memory,
    clock: { offsetMs: h.clock.offsetMs, rttMs: h.clock.rttMs, uncertaintyMs: Number.isFinite(h.clock.uncertaintyMs) ? h.clock.uncertaintyMs : 9999 },
    ...(h.heapMB !== undefined ? { heapMB: h.heapMB } : {}),
    ...(h.warm?.length ? { warm: h.warm.filter((p) => p.length <= 120).slice(-32) } : {}),
  };
}
