import { describe, expect, it } from 'vitest';
import { DEFAULT_PACER, Pacer } from '../../server/visitors/pacer';

describe('server-side pacing of phones (congestion control)', () => {
  it('asks nothing while the event loop keeps up', () => {
    const p = new Pacer();
    for (let i = 0; i < 100; i++) p.sample(i % 2 ? 5 : DEFAULT_PACER.highLagMs);
    expect(p.paceMs).toBe(0);
  });

  it('divides the send rate while it lags, down to the least', () => {
    const p = new Pacer();
    p.sample(200);
    expect(p.paceMs).toBe(75); // the phones' own 20 a second ÷ 1.5
    p.sample(200);
    expect(p.paceMs).toBe(113);
    for (let i = 0; i < 50; i++) p.sample(500);
    expect(p.paceMs).toBe(DEFAULT_PACER.maxIntervalMs);
  });

  it('eases by the larger of a step off the interval and a step onto the rate, then asks nothing', () => {
    const p = new Pacer();
    for (let i = 0; i < 50; i++) p.sample(500); // the cap: one send a second
    expect(p.paceMs).toBe(1000);
    p.sample(DEFAULT_PACER.lowLagMs + 1); // in between: holds
    expect(p.paceMs).toBe(1000);
    // Near the cap the rate's step is the larger: 1 → 2 → 3 sends a second (20 ms off 1 s would be 1.02).
    p.sample(0);
    expect(p.paceMs).toBe(500);
    p.sample(0);
    expect(p.paceMs).toBe(333);
    // From the cap back to no request at all: 11 calm samples (under 3 s at 4 a second), not 48.
    let calm = 2;
    while (p.paceMs > 0 && calm < 100) {
      p.sample(0);
      calm++;
    }
    expect(calm).toBe(11);
    // Near the phones' own rate the interval's step is the larger: a short spike is forgotten at once.
    const q = new Pacer();
    q.sample(200);
    expect(q.paceMs).toBe(75);
    q.sample(0);
    expect(q.paceMs).toBe(75 - DEFAULT_PACER.easeMs);
    q.sample(0);
    expect(q.paceMs).toBe(0);
  });
});
