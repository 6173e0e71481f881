/**
 * Uncaught errors that no piece threw itself. The audio engine (standardized-audio-context, under
 * Tone.js) throws stackless DOMExceptions from its own timers, e.g. when a one-shot voice disposes
 * itself after the piece that started it was already disposed. They surface after the switch, while
 * the NEXT piece plays: taking that piece off the wall would punish the wrong one. They are reported,
 * and the picture plays on.
 */
export function isStrayEngineError(err: unknown): err is DOMException {
  return typeof DOMException !== 'undefined' && err instanceof DOMException && !err.stack;
}

/** A readable message for a stray engine error (DOMExceptions from the audio engine have none). */
export function describeStray(err: DOMException): Error {
  const e = new Error(
    `${err.name}${err.message ? `: ${err.message}` : ''} from the audio engine, outside any piece's code (often a sound disposed while a voice still played; dispose Tone nodes after their release)`,
  );
  e.name = err.name;
  e.stack = `${e.name}: ${e.message}`; // the host's own frames would only mislead
  return e;
}

/** Stray engine errors come in bursts: each kind is reported once per run on screen. */
export class StrayOnce {
  private readonly seen = new Set<string>();

  /** True the first time `err` is seen during run `runKey`. */
  first(runKey: string, err: DOMException): boolean {
    const once = `${runKey}|${err.name}`;
    if (this.seen.has(once)) return false;
    if (this.seen.size > 100) this.seen.clear();
    this.seen.add(once);
    return true;
  }
}
