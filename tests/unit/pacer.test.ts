import { describe, expect, it } from 'vitest';
import { DEFAULT_PACER, Pacer } from '../../server/visitors/pacer';

describe('server-side pacing of phones (congestion control)', () => {
  it('asks nothing while the event loop keeps up', () => {
    const p = new Pacer();
    for (let i = 0; i < 100; i++) p.sample(i % 2 ? 5 : DEFAULT_PACER.highLagMs);
    expect(p.paceMs).toBe(0);
  });

  it('backs off multiplicatively while it lags, up to the most', () => {
    const p = new Pacer();
    p.sample(200);
    expect(p.paceMs).toBe(75); // from the phones' own 50 ms, × 1.5
    p.sample(200);
    expect(p.paceMs).toBe(113);
    for (let i = 0; i < 50; i++) p.sample(500);
    expect(p.paceMs).toBe(DEFAULT_PACER.maxIntervalMs);
  });

  it('eases off additively once it has caught up, then asks nothing', () => {
    const p = new Pacer();
    for (let i = 0; i < 4; i++) p.sample(200); // 50 × 1.5⁴ ≈ 253
    const high = p.paceMs;
    p.sample(DEFAULT_PACER.lowLagMs + 1); // in between: holds
    expect(p.paceMs).toBe(high);
    p.sample(0);
    expect(p.paceMs).toBe(high - DEFAULT_PACER.easeMs);
    for (let i = 0; i < 100; i++) p.sample(0);
    expect(p.paceMs).toBe(0);
  });
});
