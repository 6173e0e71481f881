import { afterEach, describe, expect, it } from 'vitest';
import * as Tone from 'tone';
import { ONE_SHOT_DISPOSE_WITHIN_MS, patchTone } from '../../client/host/tone-fixes';

type IdleRequest = (cb: () => void, options?: { timeout?: number }) => number;
const g = globalThis as { requestIdleCallback?: IdleRequest };
const original = g.requestIdleCallback;

afterEach(() => {
  g.requestIdleCallback = original;
});

/** Tone's own one-shot source prototype (ToneBufferSource, ToneOscillatorNode and ToneConstantSource extend it). */
const oneShot = Object.getPrototypeOf(Tone.ToneBufferSource.prototype) as { _onended(): void };

/** An ended source as Tone's `_onended` sees it (online context, an onended callback), run through Tone's real code. */
function endSource() {
  const seen = { onended: 0, disposed: 0 };
  const source = Object.assign(Object.create(oneShot) as { _onended(): void }, {
    context: { isOffline: false },
    onended: () => seen.onended++,
    dispose: () => seen.disposed++,
  });
  const requests: Array<{ cb: () => void; options?: { timeout?: number } }> = [];
  const stub: IdleRequest = (cb, options) => requests.push({ cb, ...(options ? { options } : {}) });
  g.requestIdleCallback = stub;
  source._onended();
  expect(g.requestIdleCallback, 'the global is the page’s own again after the call').toBe(stub);
  return { seen, requests };
}

describe('patchTone: an ended one-shot source is disposed even on a page that is never idle', () => {
  it('Tone asks for an idle moment with no timeout; patched, the request carries one, and still disposes', () => {
    // Tone 15 as it is: no timeout, so a busy stage keeps every ended source (and its nodes) alive.
    const before = endSource();
    expect(before.requests).toHaveLength(1);
    expect(before.requests[0]!.options?.timeout).toBeUndefined();

    patchTone(Tone);
    patchTone(Tone); // once only
    const after = endSource();
    expect(after.seen.onended).toBe(1);
    expect(after.requests).toHaveLength(1);
    expect(after.requests[0]!.options?.timeout).toBe(ONE_SHOT_DISPOSE_WITHIN_MS);
    after.requests[0]!.cb();
    expect(after.seen.disposed).toBe(1);
  });

  it('without requestIdleCallback (another browser) Tone’s own fallback is left alone', () => {
    patchTone(Tone);
    g.requestIdleCallback = undefined;
    const source = Object.assign(Object.create(oneShot) as { _onended(): void }, { context: { isOffline: false }, onended: () => {}, dispose: () => {} });
    expect(() => source._onended()).not.toThrow();
    expect(g.requestIdleCallback).toBeUndefined();
  });
});
