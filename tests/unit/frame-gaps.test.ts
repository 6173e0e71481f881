import { describe, expect, it } from 'vitest';
import { FrameGaps } from '../../client/display/frame-gaps';

const full = (seq: number, prev = 0) => ({ seq, prev, full: true });
const delta = (seq: number, prev: number) => ({ seq, prev, full: false });

describe('a screen asks for a whole input frame when it missed one (FrameGaps)', () => {
  it('asks nothing while every frame follows the one before', () => {
    const g = new FrameGaps(1000);
    expect(g.frame(full(1), 0)).toBe(false);
    expect(g.frame(delta(2, 1), 10)).toBe(false);
    expect(g.frame(delta(5, 2), 20)).toBe(false); // seq numbers jump (one counter for every wall); prev says what came before
  });

  it('asks once a frame follows one it never had, and again each second until a whole frame comes', () => {
    const g = new FrameGaps(1000);
    g.frame(full(1), 0);
    expect(g.frame(delta(3, 2), 100)).toBe(true); // frame 2 was missed
    expect(g.frame(delta(4, 3), 200)).toBe(false); // asked less than a second ago
    expect(g.frame(delta(5, 4), 1099)).toBe(false);
    expect(g.frame(delta(6, 5), 1100)).toBe(true); // still no whole frame: asked again
    expect(g.frame(full(7, 6), 1200)).toBe(false);
    expect(g.frame(delta(8, 7), 2500)).toBe(false); // whole again: nothing owed
  });

  it('a delta as the first frame after a connection is a gap; a whole one is not', () => {
    const g = new FrameGaps(1000);
    expect(g.frame(delta(9, 8), 0)).toBe(true);
    const h = new FrameGaps(1000);
    h.frame(full(3), 0);
    h.reset();
    expect(h.frame(delta(4, 3), 5000)).toBe(true); // the seq before the reconnection does not count
  });

  it('a new stage wants a whole frame at once, and the ask waits for the second to pass', () => {
    const g = new FrameGaps(1000);
    g.frame(full(1), 0);
    expect(g.want(10)).toBe(true);
    expect(g.want(20)).toBe(false);
    expect(g.frame(delta(2, 1), 500)).toBe(false); // owed, but asked 490 ms ago
    expect(g.frame(delta(3, 2), 1010)).toBe(true);
    expect(g.frame(full(4, 3), 1020)).toBe(false);
  });
});
