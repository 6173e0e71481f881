import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../server/visitors/rate-limit';

describe('token bucket (fake time)', () => {
  it('allows a full burst at once, then refuses', () => {
    const b = new TokenBucket(30, 30, 1000);
    let ok = 0;
    for (let i = 0; i < 100; i++) if (b.take(1000)) ok++;
    expect(ok).toBe(30);
    expect(b.take(1000)).toBe(false);
  });

  it('refills at the rate, never above the burst', () => {
    const b = new TokenBucket(30, 30, 0);
    for (let i = 0; i < 30; i++) b.take(0);
    expect(b.take(0)).toBe(false);
    // 100 ms at 30/s = 3 tokens
    let ok = 0;
    for (let i = 0; i < 10; i++) if (b.take(100)) ok++;
    expect(ok).toBe(3);
    // a long idle spell refills to the burst only
    expect(b.available(1_000_000)).toBe(30);
  });

  it('holds a steady sender to the rate over time', () => {
    const b = new TokenBucket(30, 30, 0);
    let ok = 0;
    // a flood: one try per millisecond for 10 s
    for (let t = 0; t < 10_000; t++) if (b.take(t)) ok++;
    // burst + 10 s × 30/s (a token may be a hair short of whole at the end)
    expect(ok).toBeGreaterThanOrEqual(30 + 299);
    expect(ok).toBeLessThanOrEqual(30 + 300);
  });

  it('lets a 20 Hz phone through untouched', () => {
    const b = new TokenBucket(30, 30, 0);
    for (let t = 0; t < 60_000; t += 50) expect(b.take(t)).toBe(true);
  });

  it('does not credit time going backwards', () => {
    const b = new TokenBucket(10, 1, 1000);
    expect(b.take(1000)).toBe(true);
    expect(b.take(500)).toBe(false);
    expect(b.take(1100)).toBe(true);
  });

  it('rejects nonsense settings', () => {
    expect(() => new TokenBucket(0, 30, 0)).toThrow(/ratePerSecond/);
    expect(() => new TokenBucket(30, 0, 0)).toThrow(/burst/);
  });
});
