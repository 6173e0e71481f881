import { describe, expect, it } from 'vitest';
import { isLinked, keepLinked, linkBus, type LinkedBus } from '../../client/mount/bus-link';

/** A bus on a test audio clock: `t` is the context's time; Tone's now() is it plus a 0.1 s look-ahead. */
function fakeBus() {
  const log: string[] = [];
  const clock = { t: 10 };
  const bus: LinkedBus & { throws?: boolean } = {
    connect: (o: never) => void log.push(`connect ${String(o)}`),
    disconnect: () => {
      if (bus.throws) throw new Error('disposed');
      log.push('disconnect');
    },
    now: () => clock.t + 0.1,
    immediate: () => clock.t,
  };
  return { bus, log, clock };
}

describe('bus-link: a run’s bus is rendered only while it may sound', () => {
  it('a bus made silent stays off the output until its run may sound, then is connected once', () => {
    const { bus, log } = fakeBus();
    linkBus(bus, 'out', false);
    keepLinked(bus, false, 0.04);
    expect(log).toEqual([]);
    keepLinked(bus, true, 0.04);
    keepLinked(bus, true, 0.04);
    expect(log).toEqual(['connect out']);
    expect(isLinked(bus)).toBe(true);
  });

  it('a bus let go is disconnected only once its fade is over in the audio clock', () => {
    const { bus, log, clock } = fakeBus();
    linkBus(bus, 'out', true);
    keepLinked(bus, false, 0.04); // the fade ends at now() + 0.04 + margin = 10.16
    clock.t = 10.15;
    keepLinked(bus, false, 0.04);
    expect(log).toEqual(['connect out']);
    clock.t = 10.17;
    keepLinked(bus, false, 0.04);
    expect(log).toEqual(['connect out', 'disconnect']);
    expect(isLinked(bus)).toBe(false);
  });

  it('wanted again before its fade is over, it stays connected (no disconnect, no second connect)', () => {
    const { bus, log, clock } = fakeBus();
    linkBus(bus, 'out', true);
    keepLinked(bus, false, 0.04);
    keepLinked(bus, true, 0.04);
    clock.t = 20;
    keepLinked(bus, true, 0.04);
    expect(log).toEqual(['connect out']);
  });

  it('a bus disposed under it (its run released) is forgotten, never throws', () => {
    const { bus, clock } = fakeBus();
    linkBus(bus, 'out', true);
    bus.throws = true;
    keepLinked(bus, false, 0.04);
    clock.t = 11;
    expect(() => keepLinked(bus, false, 0.04)).not.toThrow();
    expect(isLinked(bus)).toBe(false);
  });
});
