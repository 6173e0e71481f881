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
 * For useSound's cleanup: fades `bus` out at once (150 ms); once the fade is over in the audio
 * clock, disconnects it; `afterMs` later, disposes `nodes`. Notes already scheduled keep running
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
  // Disconnected only once the audio clock is past the fade (a starved or suspended audio thread
  // may be behind the page's timers); at the latest, when the nodes are disposed.
  const started = Date.now();
  const whenSilent = () => {
    if (cut) return;
    let left = 0;
    try {
      if (silentAt !== null && typeof bus.immediate === 'function') left = silentAt - bus.immediate();
    } catch {
      left = 0;
    }
    if (left <= 0) return disconnect();
    const wait = Math.ceil(left * 1000) + 10;
    if (Date.now() - started + wait < delay) setTimeout(whenSilent, wait);
  };
  const firstCheck = Math.ceil((RELEASE_FADE_S + SILENT_MARGIN_S) * 1000);
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
