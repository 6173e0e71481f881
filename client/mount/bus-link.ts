/**
 * Whether a run's bus is connected to the screen's sound output. A Web Audio graph is rendered
 * only where the output pulls it: a silent bus (gain 0) that stays connected still has its whole
 * piece graph rendered behind it (voices, a reverb's convolver, each render quantum, on the audio
 * thread at real-time priority), which on the sounding screen doubled the audio thread's work while
 * a run warmed off-screen before its start and while one warmed ahead of its cue
 * (docs/performance.md, "Sound on the screens' audio thread"). So a bus is connected only while its
 * run may sound: on screen, leaving in a transition, or due to start within PRECONNECT_MS (so that
 * the switch frame itself connects nothing and the graph's first render comes before it), and is
 * disconnected once its fade to silence is over in the audio clock.
 */

/** What a bus needs: Tone's Gain (connect, disconnect, and its clocks). */
export interface LinkedBus {
  connect(output: never): unknown;
  disconnect(): unknown;
  /** Tone: the time its ramps start from (the audio context's time plus the look-ahead), seconds. */
  now(): number;
  /** Tone: the audio context's time now, seconds. */
  immediate(): number;
}

/** A run due this soon (show ms) has its bus connected, silent, ahead of the switch frame. */
export const PRECONNECT_MS = 500;
/** Audio time past a fade's ramp before the bus leaves the output (a few render quanta). */
const SILENT_MARGIN_S = 0.02;

interface Link {
  output: unknown;
  connected: boolean;
  /** Audio time (Tone's immediate()) after which a bus let go is silent: then it is disconnected. */
  offAt: number | null;
}

const links = new WeakMap<LinkedBus, Link>();

/** Registers a new bus with the output it feeds; `connected`: connect it now (a run already on screen). */
export function linkBus(bus: LinkedBus, output: unknown, connected: boolean): void {
  links.set(bus, { output, connected, offAt: null });
  if (connected) bus.connect(output as never);
}

/**
 * Once a frame for each bus: `wanted` (its run may sound now or within PRECONNECT_MS) connects it at
 * once; not wanted, it is disconnected once `fadeS` (the compositor's gain ramp to 0, begun no later
 * than this frame) is over in the audio clock. A bus that linkBus never saw is left alone.
 */
export function keepLinked(bus: LinkedBus, wanted: boolean, fadeS: number): void {
  const l = links.get(bus);
  if (!l) return;
  try {
    if (wanted) {
      l.offAt = null;
      if (!l.connected) {
        bus.connect(l.output as never);
        l.connected = true;
      }
      return;
    }
    if (!l.connected) return;
    l.offAt ??= bus.now() + fadeS + SILENT_MARGIN_S;
    if (bus.immediate() < l.offAt) return;
    bus.disconnect();
    l.connected = false;
    l.offAt = null;
  } catch {
    /* disposed under us (the run was released): nothing left to link */
    links.delete(bus);
  }
}

/** Whether the bus is connected now (tests, diagnostics). */
export function isLinked(bus: LinkedBus): boolean {
  return links.get(bus)?.connected ?? false;
}
