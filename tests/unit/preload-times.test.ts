import { describe, expect, it } from 'vitest';
import { PreloadTimes } from '../../server/screens/preload-times';

const opts = { minMs: 600, maxMs: 15_000, unknownMs: 800 };

describe('PreloadTimes: the lead of a piece switch', () => {
  it('assumes unknownMs for screens that reported nothing, with slack', () => {
    const t = new PreloadTimes(opts);
    expect(t.leadMs(['a', 'b'], 'canopy', '1.0.0')).toBe(Math.ceil(800 * 2 + 200));
  });

  it('never goes below the configured least lead, nor above the most', () => {
    const t = new PreloadTimes(opts);
    t.record('a', 'canopy', '1.0.0', 5, false);
    expect(t.leadMs(['a'], 'canopy', '1.0.0')).toBe(600);
    t.record('a', 'echo', '1.0.0', 60_000, true);
    expect(t.leadMs(['a'], 'facade', '1.0.0')).toBe(15_000);
    expect(t.leadMs([], 'facade', '1.0.0')).toBe(600);
  });

  it('waits for the slowest screen of the wall', () => {
    const t = new PreloadTimes(opts);
    t.record('a', 'canopy', '1.0.0', 100, true);
    t.record('b', 'canopy', '1.0.0', 3000, true);
    expect(t.leadMs(['a', 'b'], 'canopy', '1.0.0')).toBe(6200);
    expect(t.leadMs(['a'], 'canopy', '1.0.0')).toBe(600);
  });

  it('expects a piece a screen never loaded to load as slowly as its worst recent cold load', () => {
    const t = new PreloadTimes(opts);
    t.record('a', 'canopy', '1.0.0', 2000, true);
    t.record('a', 'echo', '1.0.0', 400, true);
    expect(t.estimateMs('a', 'facade', '1.0.0')).toBe(2000);
    // a new version is a new module: cold again
    expect(t.estimateMs('a', 'echo', '1.0.1')).toBe(2000);
    expect(t.estimateMs('a', 'echo', '1.0.0')).toBe(400);
  });

  it('forgets what a page had loaded when a new page starts, but keeps its cold times', () => {
    const t = new PreloadTimes(opts);
    t.record('a', 'canopy', '1.0.0', 1200, true);
    t.record('a', 'canopy', '1.0.0', 3, false);
    expect(t.estimateMs('a', 'canopy', '1.0.0')).toBe(3);
    t.pageStarted('a');
    expect(t.estimateMs('a', 'canopy', '1.0.0')).toBe(1200);
    expect(t.lastColdMs('a')).toBe(1200);
  });

  it('remembers only the last few cold loads', () => {
    const t = new PreloadTimes(opts);
    t.record('a', 'p0', null, 9000, true);
    for (let i = 1; i <= 5; i++) t.record('a', `p${i}`, null, 100, true);
    expect(t.estimateMs('a', 'never', null)).toBe(100);
  });
  it("sizes a piece a screen never loaded (a first play, a page just reloaded) on the piece's cold load elsewhere when that was slower", () => {
    const t = new PreloadTimes(opts);
    t.record('a', 'canopy', '1.0.0', 400, true); // a's own cold loads: light pieces
    t.record('b', 'echo', '1.0.0', 1500, true); // echo, heavy, loaded cold on b
    expect(t.estimateMs('a', 'echo', '1.0.0')).toBe(1500);
    expect(t.estimateMs('c', 'echo', '1.0.0')).toBe(1500); // a screen with no history at all
    expect(t.estimateMs('c', 'facade', '1.0.0')).toBe(800);
    // A light piece's cold load elsewhere does not lower a screen's own guess.
    t.record('b', 'facade', '1.0.0', 100, true);
    expect(t.estimateMs('a', 'facade', '1.0.0')).toBe(400);
    // b reloads its page: its module cache is empty, echo is guessed from its cold load, not from nothing.
    t.record('b', 'echo', '1.0.0', 90, false);
    t.pageStarted('b');
    expect(t.estimateMs('b', 'echo', '1.0.0')).toBe(1500);
    expect(t.leadMs(['a', 'b'], 'echo', '1.0.0')).toBe(3200);
    // Another version of the piece is another piece.
    expect(t.estimateMs('c', 'echo', '2.0.0')).toBe(800);
  });

  it('sizes the lead of a piece held warm on every screen on their adoption times, and on the mount again once one lets it go', () => {
    const t = new PreloadTimes(opts);
    t.record('a', 'canopy', '1.0.0', 2000, true);
    t.record('b', 'canopy', '1.0.0', 1500, true);
    expect(t.leadMs(['a', 'b'], 'canopy', '1.0.0')).toBe(4200);
    // Both hold it warm (their health reports); a adopted it once in 150 ms, b never did: b's first
    // adoption is sized as a mount (the sounding screen builds the sound graph again).
    t.setWarm('a', ['canopy@1.0.0', 'echo@1.0.0']);
    t.setWarm('b', ['canopy@1.0.0']);
    t.record('a', 'canopy', '1.0.0', 150, false, true);
    expect(t.estimateMs('a', 'canopy', '1.0.0')).toBe(150);
    expect(t.estimateMs('b', 'canopy', '1.0.0')).toBe(1500);
    expect(t.leadMs(['a', 'b'], 'canopy', '1.0.0')).toBe(3200);
    // Another piece's adoption says nothing of this one's.
    t.record('b', 'echo', '1.0.0', 100, false, true);
    expect(t.estimateMs('b', 'canopy', '1.0.0')).toBe(1500);
    t.record('b', 'canopy', '1.0.0', 300, false, true);
    expect(t.leadMs(['a', 'b'], 'canopy', '1.0.0')).toBe(800);
    // The adoption did not lower the piece's mount time: b lets it go, and the lead is the mount's.
    t.setWarm('b', []);
    expect(t.estimateMs('b', 'canopy', '1.0.0')).toBe(1500);
    expect(t.leadMs(['a', 'b'], 'canopy', '1.0.0')).toBe(3200);
    // An adoption that took longer than the mount (a sound graph built again, a starved machine) raises the mount time.
    t.setWarm('b', ['canopy@1.0.0']);
    t.record('b', 'canopy', '1.0.0', 9000, false, true);
    t.setWarm('b', []);
    expect(t.estimateMs('b', 'canopy', '1.0.0')).toBe(9000);
    // A new page holds nothing warm.
    t.pageStarted('a');
    expect(t.estimateMs('a', 'canopy', '1.0.0')).toBe(2000);
  });

  it("hands a screen's warm pieces and adoptions to another node, and drops bad entries", () => {
    const t = new PreloadTimes(opts);
    t.record('a', 'canopy', '1.0.0', 2000, true);
    t.setWarm('a', ['canopy@1.0.0']);
    t.record('a', 'canopy', '1.0.0', 120, false, true);
    const snap = t.snapshot('a')!;
    expect(snap.w).toEqual(['canopy@1.0.0']);
    const other = new PreloadTimes(opts);
    other.adopt('a', snap);
    expect(other.estimateMs('a', 'canopy', '1.0.0')).toBe(120);
    other.adopt('a', { ...snap, w: [7, 'x'.repeat(400)] as unknown as string[], a: [['canopy@1.0.0', -1]] });
    expect(other.estimateMs('a', 'canopy', '1.0.0')).toBe(2000);
  });
});
