/**
 * Fades a piece's sound bus out, then frees its nodes once every voice has finished: Tone's
 * one-shot sources dispose themselves when they end, and disposing a synth under a voice still
 * sounding makes that late self-disposal throw from a timer. Call it from useSound's cleanup.
 */
export function releaseLater(
  bus: { gain: { rampTo(value: number, time: number): unknown }; disconnect(): unknown },
  nodes: { dispose(): unknown }[],
  afterMs = 6000,
): void {
  try {
    bus.gain.rampTo(0, 0.15);
  } catch {
    /* already gone */
  }
  setTimeout(() => {
    try {
      bus.disconnect();
    } catch {
      /* already gone */
    }
    for (const n of nodes) {
      try {
        n.dispose();
      } catch {
        /* already disposed */
      }
    }
  }, afterMs);
}
