import { describe, expect, it } from 'vitest';
import { ADAPTIVE_DEFAULTS, AdaptiveQuality, XR_LADDER, capQuality, nominalRate, type XrLevel } from '../../client/xr/adaptive';
import { XrStation } from '../../client/xr/station';
import { XrDiag } from '../../protocol';

/** Feeds `seconds` of frames at `fps` from `t0`; returns the time after them and the levels the loop moved to. */
function run(q: AdaptiveQuality, fps: number, seconds: number, t0: number): { t: number; moves: number[] } {
  const moves: number[] = [];
  const dt = 1000 / fps;
  let t = t0;
  for (let i = 0; i < Math.round(seconds * fps); i++) {
    t += dt;
    if (q.frame(t)) moves.push(q.level);
  }
  return { t, moves };
}

const alike = (resolved: 'low' | 'medium' | 'high') => (a: XrLevel, b: XrLevel) => a.scale === b.scale && capQuality(resolved, a.cap) === capQuality(resolved, b.cap);

describe("a VR station's adaptive quality (client/xr/adaptive.ts)", () => {
  it('caps a quality level, and leaves it without a cap', () => {
    expect(capQuality('high', 'medium')).toBe('medium');
    expect(capQuality('low', 'high')).toBe('low');
    expect(capQuality('medium', null)).toBe('medium');
  });

  it("reads the session's nominal rate, 72 when it does not say", () => {
    expect(nominalRate({ frameRate: 90 })).toBe(90);
    expect(nominalRate({})).toBe(72);
    expect(nominalRate(null)).toBe(72);
    expect(nominalRate({ frameRate: NaN })).toBe(72);
  });

  it('holds its level while the frames keep up', () => {
    const q = new AdaptiveQuality();
    q.target = 72;
    expect(run(q, 72, 30, 0).moves).toEqual([]);
    expect(q.level).toBe(0);
  });

  it('steps down while the frames fall behind: the framebuffer first, then the piece, one level at a time', () => {
    const q = new AdaptiveQuality();
    q.target = 72;
    const { moves } = run(q, 30, 60, 0);
    expect(moves).toEqual([1, 2, 3, 4, 5]);
    expect(XR_LADDER.map((l) => l.scale)).toEqual([...XR_LADDER.map((l) => l.scale)].sort((a, b) => b - a));
    expect(XR_LADDER.slice(0, 3).every((l) => l.cap === 'high')).toBe(true);
    expect(q.state()).toMatchObject({ level: 5, levels: XR_LADDER.length, scale: 0.35, cap: 'low', target: 72 });
    expect(q.state().fps).toBeCloseTo(30, 0);
  });

  it('does not step down on one slow window, nor judge the window after a change or a pause', () => {
    const q = new AdaptiveQuality();
    q.target = 72;
    let t = run(q, 72, 5, 0).t;
    t = run(q, 20, 1.05, t).t; // one slow second
    t = run(q, 72, 5, t).t;
    expect(q.level).toBe(0);
    q.pause(); // a piece switch
    t = run(q, 20, 1.05, t).t; // its slow frames are not judged
    t = run(q, 72, 5, t).t;
    expect(q.level).toBe(0);
  });

  it('skips levels that draw alike: a software station already at low quality only changes its framebuffer', () => {
    const q = new AdaptiveQuality(XR_LADDER, ADAPTIVE_DEFAULTS, alike('low'));
    q.target = 72;
    expect(run(q, 10, 60, 0).moves).toEqual([1, 2, 5]);
  });

  it('steps back up after a long run of frames that keep up, to the top of a run of alike levels', () => {
    const q = new AdaptiveQuality(XR_LADDER, ADAPTIVE_DEFAULTS, alike('low'));
    q.target = 72;
    let t = run(q, 10, 60, 0).t;
    expect(q.level).toBe(5);
    const back = run(q, 72, 60, t);
    t = back.t;
    expect(back.moves).toEqual([2, 1, 0]);
  });

  it('tries a level that failed again only after twice as long', () => {
    const q = new AdaptiveQuality();
    q.target = 72;
    const up = ADAPTIVE_DEFAULTS.upAfter;
    q.set(1);
    // Keeps up at level 1 for one unjudged window and `upAfter` windows: tries level 0 ...
    let r = run(q, 72, up + 1.5, 0);
    expect(r.moves).toEqual([0]);
    // ... which falls behind: back to 1.
    q.pause();
    r = run(q, 30, 4, r.t);
    expect(r.moves).toEqual([1]);
    // The same run of windows that keep up is not enough now ...
    q.pause();
    r = run(q, 72, up + 2.5, r.t);
    expect(r.moves).toEqual([]);
    // ... twice as many are.
    q.pause();
    r = run(q, 72, up + 0.5, r.t);
    expect(r.moves).toEqual([0]);
  });

  it('steps up at once when the frames come far faster than the target (a display not held to the nominal rate)', () => {
    const q = new AdaptiveQuality();
    q.target = 72;
    const t = run(q, 20, 30, 0).t;
    expect(q.level).toBe(5);
    q.pause();
    expect(run(q, 200, 14, t).moves).toEqual([4, 3, 2, 1, 0]);
  });

  it('judges nothing without a target, and a very slow station still gets judged', () => {
    const q = new AdaptiveQuality();
    expect(run(q, 5, 30, 0).moves).toEqual([]);
    q.target = 72;
    expect(run(q, 2, 30, 100_000).moves.length).toBeGreaterThan(0);
  });

  it("goes into the station's diagnostics, which the page's parse keeps", () => {
    const s = new XrStation(true);
    s.resolved = 'high';
    s.started();
    s.quality.set(3);
    s.framebuffer = [1200, 700];
    const d = s.diag();
    expect(d.quality).toMatchObject({ level: 3, levels: XR_LADDER.length, scale: 0.5, framebuffer: [1200, 700], piece: 'medium', changes: 1 });
    expect(XrDiag.parse(d).quality).toEqual(d.quality);
    s.resolved = 'low';
    expect(s.diag().quality?.piece).toBe('low');
    s.ended();
    expect(s.diag().quality).toMatchObject({ level: 3, framebuffer: null });
  });
});
