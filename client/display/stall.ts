/**
 * The stage watchdog's decision (client/display/relay.ts), apart from its clocks so that it can be
 * tested alone: given how long the stage has drawn no new frame and what else the page saw in that
 * time, is it stalled (reload now), starved (wait longer), or fine?
 */

/** A stage that still answers but draws no new frame for this long while it has something to show is reloaded. */
export const STALL_MS = 10_000;
/**
 * A stage that draws nothing while the browser is short of frames or of GPU is starved, not
 * stalled: the browser itself is behind (software GL or a GPU on an overloaded machine, or several
 * screens in one browser), and a reload would only add to the load. It is reloaded after this long only.
 */
export const STARVED_MS = 60_000;
/**
 * This page asks for one animation frame a second; a stall is the stage's own when at least this
 * share of those came back meanwhile (the browser was drawing, the stage was not).
 */
export const PAGE_FRAMES_FOR_STALL = 0.5;
/** The GPU is busy (not the stage's loop stuck) when this page's own 1×1 fence has waited this long. */
export const GPU_BUSY_MS = 2_000;

export interface StallFacts {
  /** Since the stage's last new frame (ms). */
  stalledMs: number;
  /** Since the stage's last message of any kind (ms): it answers twice a second while its thread runs. */
  silentMs: number;
  /** Animation frames this page was given since the stage's last new frame (one asked a second). */
  pageFramesGiven: number;
  /** How long this page's own GPU fence has waited (gpu-probe.ts), or null where it cannot tell. */
  gpuWaitMs: number | null;
}

export type StallVerdict = { kind: 'fine' } | { kind: 'stalled' | 'starved'; why: string };

export function stallVerdict(f: StallFacts): StallVerdict {
  // Not answering is the hung watchdog's case; a fresh frame is fine.
  if (f.silentMs >= 3000 || f.stalledMs <= STALL_MS) return { kind: 'fine' };
  const s = Math.round(f.stalledMs / 1000);
  const pageDrawn = f.pageFramesGiven >= (f.stalledMs / 1000) * PAGE_FRAMES_FOR_STALL;
  const gpuBusy = f.gpuWaitMs !== null && f.gpuWaitMs >= GPU_BUSY_MS;
  if (pageDrawn && !gpuBusy) return { kind: 'stalled', why: `the render loop stalled for ${s} s` };
  if (f.stalledMs <= STARVED_MS) return { kind: 'fine' };
  const short = !pageDrawn
    ? `the browser gave this page only ${f.pageFramesGiven} of the frames it asked for`
    : `the GPU kept this page waiting ${(f.gpuWaitMs! / 1000).toFixed(1)} s for a 1-pixel draw`;
  return { kind: 'starved', why: `no new frame for ${s} s, while ${short} (an overloaded machine or GPU)` };
}
