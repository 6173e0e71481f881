/** A Tone.js Gain (or anything shaped like one): the bus a piece's sound goes through. */
export interface ReleaseBus {
  gain: { rampTo(value: number, rampTime: number): unknown };
  disconnect(): unknown;
}

/** What releaseLater disposes: Tone nodes, or anything else with a dispose(). */
export interface Disposable {
  dispose(): unknown;
}

/**
 * For useSound's cleanup: fades `bus` out at once (150 ms), then, `afterMs` later, disconnects it
 * and disposes `nodes`. Notes already scheduled keep their release tails instead of being cut off
 * with a click, and nothing is disposed under a voice that still sounds. Stop your scheduler (and
 * release held notes) before calling it; pass a delay longer than your longest note plus release.
 */
export function releaseLater(bus: ReleaseBus, nodes: readonly Disposable[], afterMs = 6000): void {
  try {
    bus.gain.rampTo(0, 0.15);
  } catch {
    /* disposed already */
  }
  setTimeout(
    () => {
      try {
        bus.disconnect();
      } catch {
        /* disposed already */
      }
      for (const n of nodes) {
        try {
          n.dispose();
        } catch {
          /* disposed already */
        }
      }
    },
    Number.isFinite(afterMs) ? Math.max(0, afterMs) : 6000,
  );
}
