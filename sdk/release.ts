/** A Tone.js Gain (or anything shaped like one): the bus a piece's sound goes through. */
export interface ReleaseBus {
  gain: { rampTo(value: number, rampTime: number): unknown };
  disconnect(): unknown;
  /** Tone's: the time its ramps start from (the audio context's time plus Tone's look-ahead), in seconds. */
  now?(): number;
  /** Tone's: the audio context's time now, in seconds. */
  immediate?(): number;
}

/** What releaseLater disposes: Tone nodes, or anything else with a dispose(). */
export interface Disposable {
  dispose(): unknown;
}

/** The fade-out at release, in seconds. */
export const RELEASE_FADE_S = 0.15;
/** Audio time past the fade's end before the bus leaves the output (a few render quanta). */
const SILENT_MARGIN_S = 0.02;
/**
 * How long past the fade's end by the page's clock a bus is kept on the output while the audio
 * clock lags. An audio thread that cannot keep up renders slower than real time; waiting for its
 * clock then kept every bus released in the last few seconds connected, and rendered (a soak's
 * cues every 2 s: four reverbs at once on a screen whose audio was already behind), which slowed it
 * further. A cut on an output that is already glitching is not heard.
 */
export const LATE_CUT_MS = 1000;

/**
 * For useSound's cleanup: fades `bus` out at once (150 ms); once the fade is over in the audio
 * clock (or LATE_CUT_MS after it should have been by the page's clock, if the audio clock lags),
 * disconnects it; `afterMs` later, disposes `nodes`. Notes already scheduled keep running
 * until then instead of being cut off with a click, and nothing is disposed under a voice that
 * still has events scheduled. Disconnected, the bus and everything that feeds only it (voices, a
 * reverb) is no longer rendered: a released graph costs the audio thread nothing while it waits.
 * Stop your scheduler (and release held notes) before calling it; pass a delay longer than your
 * longest note plus release.
 */
export function releaseLater(bus: ReleaseBus, nodes: readonly Disposable[], afterMs = 6000): void {
  const delay = Number.isFinite(afterMs) ? Math.max(0, afterMs) : 6000;
  let silentAt: number | null = null;
  try {
    // Tone ramps from its now(): the bus is silent from there plus the fade.
    if (typeof bus.now === 'function') silentAt = bus.now() + RELEASE_FADE_S + SILENT_MARGIN_S;
  } catch {
    /* disposed already */
  }
  try {
    bus.gain.rampTo(0, RELEASE_FADE_S);
  } catch {
    /* disposed already */
  }
  let cut = false;
  const disconnect = () => {
    if (cut) return;
    cut = true;
    try {
      bus.disconnect();
    } catch {
      /* disposed already */
    }
  };
  // Disconnected once the audio clock is past the fade (a starved audio thread may be behind the
  // page's timers), or LATE_CUT_MS after the fade's end by the page's clock if it still is not (an
  // audio thread slower than real time, a suspended context); at the latest, with the disposal.
  /** Seconds of the fade left in the audio clock (0 without one, or once the bus is disposed). */
  const left = (): number => {
    try {
      return silentAt !== null && typeof bus.immediate === 'function' ? silentAt - bus.immediate() : 0;
    } catch {
      return 0;
    }
  };
  const started = Date.now();
  const firstCheck = Math.ceil((RELEASE_FADE_S + SILENT_MARGIN_S) * 1000);
  const lateCut = Math.max(0, Math.ceil(left() * 1000)) + LATE_CUT_MS;
  const whenSilent = () => {
    if (cut) return;
    const leftS = left();
    const elapsed = Date.now() - started;
    if (leftS <= 0 || elapsed >= lateCut) return disconnect();
    const wait = Math.min(Math.ceil(leftS * 1000) + 10, lateCut - elapsed);
    if (elapsed + wait < delay) setTimeout(whenSilent, wait);
  };
  if (firstCheck < delay) setTimeout(whenSilent, firstCheck);
  setTimeout(() => {
    disconnect();
    for (const n of nodes) {
      try {
        n.dispose();
      } catch {
        /* disposed already */
      }
    }
  }, delay);
}
