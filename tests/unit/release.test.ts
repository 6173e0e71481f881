import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { releaseLater } from '../../sdk/release';

function fakeBus() {
  const calls: string[] = [];
  return {
    calls,
    gain: { rampTo: (v: number, t: number) => calls.push(`rampTo ${v} ${t}`) },
    disconnect: () => calls.push('disconnect'),
  };
}

describe('releaseLater (pavilion/sdk)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fades the bus at once and disposes the nodes only after the delay (6000 ms by default)', () => {
    const bus = fakeBus();
    const disposed: string[] = [];
    releaseLater(bus, [{ dispose: () => disposed.push('a') }, { dispose: () => disposed.push('b') }]);
    expect(bus.calls).toEqual(['rampTo 0 0.15']);
    vi.advanceTimersByTime(5999);
    expect(disposed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(bus.calls).toEqual(['rampTo 0 0.15', 'disconnect']);
    expect(disposed).toEqual(['a', 'b']);
  });

  it('takes its own delay, and a node that throws does not keep the others alive', () => {
    const bus = { gain: { rampTo: () => { throw new Error('disposed'); } }, disconnect: () => { throw new Error('disposed'); } };
    const disposed: string[] = [];
    releaseLater(bus, [{ dispose: () => { throw new Error('twice'); } }, { dispose: () => disposed.push('b') }], 4500);
    vi.advanceTimersByTime(4499);
    expect(disposed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(disposed).toEqual(['b']);
  });
});
