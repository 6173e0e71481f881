type ToneModule = typeof import('tone');
const patched = new WeakSet<object>();

/**
 * Works around a Tone.js 15 leak: disposing a started ToneConstantSource (inside every Signal, so
 * inside every synth, filter and effect) schedules the native ConstantSourceNode's stop on a timer
 * whose callback then skips it (the source already reads 'stopped'). The native node keeps running,
 * and keeps everything it was connected to alive: about 100 KB per piece switch on a screen that
 * plays sound. Here the native node is stopped at once when its Tone wrapper is disposed.
 */
export function patchTone(Tone: ToneModule): void {
  let probe: InstanceType<ToneModule['Signal']> | null = null;
  try {
    probe = new Tone.Signal(0);
    const source = (probe as unknown as { _constantSource?: object })._constantSource;
    const proto = source ? (Object.getPrototypeOf(source) as { dispose?: () => unknown }) : null;
    if (!proto || typeof proto.dispose !== 'function' || patched.has(proto)) return;
    const dispose = proto.dispose;
    proto.dispose = function (this: { _source?: { stop(): void } }) {
      try {
        this._source?.stop();
      } catch {
        /* never started, or stopped already */
      }
      return dispose.call(this);
    };
    patched.add(proto);
  } catch {
    /* another Tone version: leave it as it is */
  } finally {
    probe?.dispose();
  }
}
