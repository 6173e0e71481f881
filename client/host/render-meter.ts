/**
 * What a screen's sound costs its audio thread: the share of real time the thread spends rendering
 * the whole graph, measured on that thread by an AudioWorklet node (Chromium has no render-capacity
 * API yet). The node's `process` runs once per render quantum, in graph order, so the wall-clock
 * time between two of its calls inside one device callback is one whole quantum of the graph.
 * A callback renders several quanta back to back (a 10-ms buffer is about four), then the thread
 * waits for the device: so of the gaps between calls, the short ones are the render cost and the
 * long ones the wait. The worklet scope has only `Date.now()` (1-ms steps): the mean of hundreds of
 * gaps a second is still a fair estimate.
 *   worklet → page  { costMs, quantumMs, quanta, wallMs, p90Ms }  once a second of wall time
 * renderLoad() turns that into a share of real time, or null where it cannot be told.
 */

/** The processor, loaded from a blob (the stage's script-src allows blob:). No allocation per quantum. */
export const RENDER_METER_SOURCE = `
class PavilionRenderMeter extends AudioWorkletProcessor {
  constructor() {
    super();
    this.gaps = new Float64Array(8192);
    this.n = 0;
    this.prev = 0;
    this.start = 0;
  }
  process() {
    const now = Date.now();
    if (this.prev !== 0 && this.n < this.gaps.length) this.gaps[this.n++] = now - this.prev;
    this.prev = now;
    if (this.start === 0) this.start = now;
    if (now - this.start >= 1000 && this.n > 3) {
      const g = this.gaps.subarray(0, this.n).sort();
      const half = this.n >> 1;
      let low = 0;
      for (let i = 0; i < half; i++) low += g[i];
      const q = (typeof renderQuantumSize === 'number' ? renderQuantumSize : 128) / sampleRate * 1000;
      this.port.postMessage({ costMs: low / Math.max(1, half), quantumMs: q, quanta: this.n, wallMs: now - this.start, p90Ms: g[Math.floor(this.n * 0.9)] });
      this.n = 0;
      this.start = now;
    }
    return true;
  }
}
registerProcessor('pavilion-render-meter', PavilionRenderMeter);
`;

/** One second of the meter's readings. */
export interface MeterReading {
  /** Mean of the shorter half of the gaps between quanta (ms): the render cost of one quantum. */
  costMs: number;
  /** One quantum of real time (ms). */
  quantumMs: number;
  /** Quanta rendered in the reading. */
  quanta: number;
  /** Wall-clock time the reading covers (ms). */
  wallMs: number;
  /** The 90th percentile of the gaps (ms): long gaps are the waits for the device. */
  p90Ms: number;
}

/**
 * The render load a reading shows: the audio thread's share of real time spent rendering (1: all
 * of it; more: it renders slower than real time). Only the cost counts: a thread that fell behind
 * because it was not run (its process stopped, its CPU taken) shows one long gap among short ones,
 * and reads light. Null where the device asks for one quantum per callback while the thread keeps
 * real time (no short gaps to read: every gap is a whole callback), or the reading is malformed.
 */
export function renderLoad(r: MeterReading): number | null {
  if (!(r.quantumMs > 0 && r.wallMs > 0 && r.quanta > 3 && r.costMs >= 0 && r.p90Ms >= 0)) return null;
  const pace = (r.quanta * r.quantumMs) / r.wallMs; // rendered time / real time
  if (pace >= 0.9 && r.p90Ms < 1.5 * r.quantumMs) return null;
  return r.costMs / r.quantumMs;
}

/** The slice of Tone's context the meter needs. */
interface MeterContext {
  addAudioWorkletModule(url: string): Promise<void>;
  createAudioWorkletNode(name: string, options?: Partial<AudioWorkletNodeOptions>): AudioWorkletNode;
  rawContext: { destination: unknown };
}

/**
 * Starts the meter on `ctx` (Tone's context): `onLoad` gets each second's render load (or null).
 * Resolves a stop function, or null where worklets cannot be loaded (the guard then has no meter).
 */
export async function startRenderMeter(ctx: MeterContext, onLoad: (load: number | null) => void): Promise<(() => void) | null> {
  let url = '';
  try {
    url = URL.createObjectURL(new Blob([RENDER_METER_SOURCE], { type: 'text/javascript' }));
    await ctx.addAudioWorkletModule(url);
    const node = ctx.createAudioWorkletNode('pavilion-render-meter', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
    node.port.onmessage = (e: MessageEvent) => onLoad(renderLoad(e.data as MeterReading));
    // Pulled with the graph: its output (silence) goes to the destination.
    (node as unknown as { connect(d: unknown): void }).connect(ctx.rawContext.destination);
    return () => {
      node.port.onmessage = null;
      node.disconnect();
    };
  } catch {
    return null;
  } finally {
    if (url) URL.revokeObjectURL(url);
  }
}
