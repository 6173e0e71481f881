import { describe, expect, it } from 'vitest';
import { FrameStats, healthReport } from '../../client/host/health';

describe('host diagnostics: frame rate and frame-time p95', () => {
  it('takes the p95 of the frame intervals from the frames’ own timestamps', () => {
    const stats = new FrameStats(0, 0);
    let ts = 1000;
    for (let i = 0; i < 100; i++) stats.frame((ts += i % 20 === 19 ? 50 : 16));
    expect(stats.p95()).toBe(50);
    const calm = new FrameStats(0, 0);
    for (let i = 0; i < 100; i++) calm.frame((ts += 16));
    expect(calm.p95()).toBe(16);
    expect(new FrameStats(0, 0).p95()).toBe(0);
  });

  it('counts frames per second between reports', () => {
    const stats = new FrameStats(10, 1000);
    expect(stats.fps(70, 2000)).toBe(60);
    expect(stats.fps(100, 3000)).toBe(30);
  });

  it('bounds a health report as the server expects it', () => {
    const h = healthReport({
      installationId: 'echo',
      fps: 5000,
      frameMsP95: 1e9,
      framesRendered: 10,
      memory: { geometries: 1, textures: 2, programs: 3 },
      clock: { offsetMs: 1.5, rttMs: 0.4, uncertaintyMs: Infinity },
    });
    expect(h).toEqual({
      installationId: 'echo',
      fps: 1000,
      frameMsP95: 60000,
      framesRendered: 10,
      memory: { geometries: 1, textures: 2, programs: 3 },
      clock: { offsetMs: 1.5, rttMs: 0.4, uncertaintyMs: 9999 },
    });
  });
});
