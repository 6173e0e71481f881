import { afterEach, describe, expect, it, vi } from 'vitest';
import { BLOCK_MS, createDmxEngine, type DmxListener, type DmxShow } from '../../server/links/dmx-engine';

/*
 * A `dmx.set` with `at` on the DMX thread (server/links/dmx-engine.ts, `waitUntil`): its timer fires
 * BLOCK_MS ahead, the frame for `at` is computed then, the thread blocks until `at` and sends at once,
 * so no JavaScript (nothing that can queue a task to V8's shared worker threads and wait behind them)
 * runs in the last milliseconds. On a fake clock: the frame with the new value leaves only once the wait
 * is over, it is stamped `at`, and it carries the new value (a step computed at its own start).
 */
const AT = 1_000_000 + 150;

function setup(waitUntil?: (when: number) => void) {
  const show: DmxShow = {
    blackout: false,
    dmx: { outputs: { rig: { id: 'rig', protocol: 'artnet', host: '127.0.0.1', port: 6454, universe: 1 } }, values: { rig: { '10': 1 } }, blackout: null, lights: {} },
  };
  const listeners: DmxListener[] = [];
  const sent: { t: number; ch10: number }[] = [];
  const engine = createDmxEngine({
    store: { get: () => show, subscribe: (l) => (listeners.push(l), () => {}) },
    time: () => Date.now(),
    logger: { warn: () => {} },
    createSender: () => ({ send: (frame) => (sent.push({ t: Date.now(), ch10: frame[9]! }), true), close: () => {} }),
    ...(waitUntil ? { waitUntil } : {}),
  });
  const set = (value: number, at: number) => {
    for (const l of listeners) l(show, [{ kind: 'dmx.set', output: 'rig', channels: { 10: value }, fadeMs: 0, at }]);
  };
  return { engine, sent, set };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a timed dmx.set on the DMX thread', () => {
  it('computes its frame ahead, blocks until `at`, then sends the new value at once', () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const waits: { calledAt: number; when: number; sentBefore: number }[] = [];
    const { engine, sent, set } = setup((when) => {
      waits.push({ calledAt: Date.now(), when, sentBefore: sent.length });
      vi.setSystemTime(when); // the block: the clock moves on, no timer or callback runs meanwhile
    });
    try {
      expect(sent.at(-1)?.ch10).toBe(1); // the held value went out on start
      set(77, AT);
      vi.advanceTimersByTime(AT - BLOCK_MS - Date.now() - 1);
      expect(waits).toEqual([]);
      expect(sent.some((f) => f.ch10 === 77)).toBe(false);
      vi.advanceTimersByTime(2); // the timer, BLOCK_MS ahead of `at` (a timer fires at or after its time)
      expect(waits).toHaveLength(1);
      expect(waits[0]!.when).toBe(AT);
      expect(waits[0]!.calledAt).toBeLessThan(AT);
      expect(sent.slice(0, waits[0]!.sentBefore).some((f) => f.ch10 === 77)).toBe(false);
      const first = sent.find((f) => f.ch10 === 77);
      expect(first, 'the frame with the new value, sent as the wait ended').toEqual({ t: AT, ch10: 77 });
    } finally {
      engine.close();
    }
  });

  it('sends at once, without blocking, a set whose `at` has passed', () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const waits: number[] = [];
    const { engine, sent, set } = setup((when) => void waits.push(when));
    try {
      set(90, Date.now() - 5);
      expect(waits).toEqual([]);
      expect(sent.at(-1)).toEqual({ t: 1_000_000, ch10: 90 });
    } finally {
      engine.close();
    }
  });
});
