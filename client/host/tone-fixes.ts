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
  patchOneShotDisposal(Tone);
  patchOscillatorCleanUp(Tone);
  patchPolySynthVoicesAhead(Tone);
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

/** How long an ended one-shot source may wait for an idle moment before it is disposed anyway, ms. */
export const ONE_SHOT_DISPOSE_WITHIN_MS = 1000;

type IdleRequest = (cb: IdleRequestCallback, options?: IdleRequestOptions) => number;

/**
 * Works around a Tone.js 15 leak on a busy screen. Every one-shot source (ToneBufferSource, the
 * ToneOscillatorNode of each synth note, the ToneConstantSource inside each Signal) disposes itself
 * when it ends through `requestIdleCallback` with no timeout, so the disposal waits for a moment
 * when the page has nothing else to do. A stage that draws every frame on a loaded machine (a
 * software-GL screen, or several stages sharing one renderer process) may have none for minutes:
 * the ended sources, their native nodes and their gains pile up (the soak's heap snapshots: 20 → 80
 * pending in five minutes, bench/soak/snapshot-diff.ts). Here the request carries a timeout, so an
 * ended source is disposed within ONE_SHOT_DISPOSE_WITHIN_MS, idle or not.
 */
function patchOneShotDisposal(Tone: ToneModule): void {
  const Source = (Tone as { ToneBufferSource?: { prototype: object } }).ToneBufferSource;
  const proto = Source ? (Object.getPrototypeOf(Source.prototype) as { _onended?: (...a: unknown[]) => unknown } | null) : null;
  const onended = proto?._onended;
  if (!proto || typeof onended !== 'function' || isPatched(proto)) return; // another Tone version
  proto._onended = function (this: unknown, ...args: unknown[]) {
    const g = globalThis as { requestIdleCallback?: IdleRequest };
    const idle = g.requestIdleCallback;
    if (typeof idle !== 'function') return onended.apply(this, args);
    // Tone calls the global by name, at this point and nowhere else: give it a timeout for this call only.
    g.requestIdleCallback = (cb, options) => idle.call(globalThis, cb, { timeout: ONE_SHOT_DISPOSE_WITHIN_MS, ...options });
    try {
      return onended.apply(this, args);
    } finally {
      g.requestIdleCallback = idle;
    }
  };
  markPatched(proto);
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

/**
 * A Tone.js 15 PolySynth makes its voices (a whole synth each: oscillator, envelopes, signals,
 * a few dozen audio nodes and connections) only when a note needs one, and a note scheduled ahead
 * waits on a Tone timer until its own time before it takes a voice. So a piece's first chord,
 * scheduled during its warm-up (the SDK scheduler's pre-roll), still built its voices at the start:
 * 0.2-0.5 s of main thread in the frames around a switch (bench/switch/profile.ts, facade). Here a
 * note scheduled ahead makes the voices it will lack now, idle in the synth's pool (within its
 * maxPolyphony); at its time it finds them there. Voices are the synth's as before (its dispose
 * disposes them).
 */
function patchPolySynthVoicesAhead(Tone: ToneModule): void {
  interface Poly {
    disposed: boolean;
    maxPolyphony: number;
    options: object;
    context: unknown;
    output: unknown;
    voice: new (o: object) => { connect(to: unknown): unknown };
    _voices: unknown[];
    _availableVoices: unknown[];
    _makeVoiceAvailable(voice: unknown): void;
    now(): number;
    _scheduleEvent(type: string, notes: unknown[], time: number, velocity?: number): void;
  }
  const proto = Tone.PolySynth?.prototype as unknown as Poly | undefined;
  const schedule = proto?._scheduleEvent;
  if (!proto || typeof schedule !== 'function' || isPatched(proto)) return; // another Tone version
  proto._scheduleEvent = function (type, notes, time, velocity) {
    try {
      if (type === 'attack' && !this.disposed && time > this.now() && Array.isArray(this._voices) && Array.isArray(this._availableVoices)) {
        for (let lack = notes.length - this._availableVoices.length; lack > 0 && this._voices.length < this.maxPolyphony; lack--) {
          // As PolySynth._getNextAvailableVoice makes one.
          const voice = new this.voice(Object.assign(this.options, { context: this.context, onsilence: this._makeVoiceAvailable.bind(this) }));
          voice.connect(this.output);
          this._voices.push(voice);
          this._availableVoices.push(voice);
        }
      }
    } catch {
      /* leave it to Tone: it makes the voice at the note's time */
    }
    return schedule.call(this, type, notes, time, velocity);
  };
  markPatched(proto);
}
