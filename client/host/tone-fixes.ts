type ToneModule = typeof import('tone');

/** Marks a prototype this file has patched (on the prototype itself: Tone's classes are the page's). */
const PATCHED = Symbol.for('pavilion.tonePatched');
const isPatched = (proto: object) => Object.prototype.hasOwnProperty.call(proto, PATCHED);
const markPatched = (proto: object) => Object.defineProperty(proto, PATCHED, { value: true });

/**
 * Works around a Tone.js 15 leak: disposing a started ToneConstantSource (inside every Signal, so
 * inside every synth, filter and effect) schedules the native ConstantSourceNode's stop on a timer
 * whose callback then skips it (the source already reads 'stopped'). The native node keeps running,
 * and keeps everything it was connected to alive: about 100 KB per piece switch on a screen that
 * plays sound. Here the native node is stopped at once when its Tone wrapper is disposed.
 */
export function patchTone(Tone: ToneModule): void {
  patchOscillatorCleanUp(Tone);
  let probe: InstanceType<ToneModule['Signal']> | null = null;
  try {
    probe = new Tone.Signal(0);
    const source = (probe as unknown as { _constantSource?: object })._constantSource;
    const proto = source ? (Object.getPrototypeOf(source) as { dispose?: () => unknown }) : null;
    if (!proto || typeof proto.dispose !== 'function' || isPatched(proto)) return;
    const dispose = proto.dispose;
    proto.dispose = function (this: { _source?: { stop(): void } }) {
      try {
        this._source?.stop();
      } catch {
        /* never started, or stopped already */
      }
      return dispose.call(this);
    };
    markPatched(proto);
  } catch {
    /* another Tone version: leave it as it is */
  } finally {
    probe?.dispose();
  }
}

/**
 * Works around the Tone.js 15 bug behind the stray `InvalidAccessError`s seen after a piece switch.
 * A synth note that starts after the previous one has stopped gets a new ToneOscillatorNode, and its
 * `onended` (run from one of Tone's timers when its stop time comes) disconnects the Oscillator's
 * frequency and detune signals from it. When the Oscillator is disposed while an earlier note's
 * stop is still pending (a piece switched off with notes scheduled ahead), dispose has already cut
 * those signals off everything, so that disconnect names a connection that no longer exists and
 * standardized-audio-context throws a stackless InvalidAccessError out of Tone's timer, while the
 * next piece plays. A disposed Oscillator has nothing left to disconnect but the node itself.
 */
function patchOscillatorCleanUp(Tone: ToneModule): void {
  type CleanUp = (this: { disposed?: boolean }, node: { disconnect(): unknown }) => void;
  const proto = Tone.Oscillator?.prototype as unknown as { _cleanUpConnections?: CleanUp } | undefined;
  const cleanUp = proto?._cleanUpConnections;
  if (!proto || typeof cleanUp !== 'function' || isPatched(proto)) return; // another Tone version
  proto._cleanUpConnections = function (node) {
    if (!this.disposed) return cleanUp.call(this, node);
    try {
      node.disconnect();
    } catch {
      /* disposed already */
    }
  };
  markPatched(proto);
}
