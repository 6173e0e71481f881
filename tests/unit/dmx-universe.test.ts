import { describe, expect, it } from 'vitest';
import { LIVE_MS, Universe, fadeAt } from '../../server/links/dmx-universe';
import { artDmxPacket } from '../../server/links/dmx-senders';

describe('DMX fades on the show clock', () => {
  it('interpolates linearly from start to end, holding before and after', () => {
    const f = { from: 0, to: 200, start: 1000, dur: 2000 };
    expect(fadeAt(f, 500)).toBe(0);
    expect(fadeAt(f, 1000)).toBe(0);
    expect(fadeAt(f, 1500)).toBe(50);
    expect(fadeAt(f, 2000)).toBe(100);
    expect(fadeAt(f, 3000)).toBe(200);
    expect(fadeAt({ ...f, dur: 0 }, 1000.5)).toBe(200);
  });

  it('a new fade starts where the channel is, so a fade cut short never jumps', () => {
    const u = new Universe();
    u.set(1, 200, 0, 2000);
    expect(u.frame(1000)[0]).toBe(100);
    u.set(1, 0, 1000, 1000);
    const values = [1000, 1250, 1500, 1750, 2000, 2500].map((t) => u.frame(t)[0]);
    expect(values).toEqual([100, 75, 50, 25, 0, 0]);
    expect(u.busy(1500)).toBe(true);
    expect(u.busy(2000)).toBe(false);
    expect(u.changedBetween(1990, 2010)).toBe(true); // the frame after the end must show the target
  });

  it('is monotone and ends on the target for any fade length', () => {
    for (const dur of [1, 33, 2000, 7777]) {
      const u = new Universe();
      u.set(5, 255, 0, dur);
      let last = -1;
      for (let t = 0; t <= dur + 50; t += 7) {
        const v = u.frame(t)[4]!;
        expect(v).toBeGreaterThanOrEqual(last);
        last = v;
      }
      expect(last).toBe(255);
    }
  });

  it('the blackout scene cross-fades over the held values and back; live values yield to it, and expire', () => {
    const u = new Universe();
    u.set(1, 100, 0, 0);
    u.setLive(2, 255, 0, 'main');
    expect([...u.frame(10).subarray(0, 2)]).toEqual([100, 255]);
    u.blackout(true, { '1': 0, '3': 255 }, 100, 1000);
    expect([...u.frame(600).subarray(0, 3)]).toEqual([50, 0, 128]);
    expect([...u.frame(1100).subarray(0, 3)]).toEqual([0, 0, 255]);
    u.blackout(false, {}, 1100, 0);
    u.setLive(2, 255, 1100, 'main');
    expect([...u.frame(1200).subarray(0, 3)]).toEqual([100, 255, 0]);
    expect(u.frame(1100 + LIVE_MS + 1)[1]).toBe(0);
    expect(u.holds(5000)).toBe(true);
    u.release(null);
    expect(u.holds(5000)).toBe(false);
  });
});

describe('ArtDmx packet', () => {
  it('carries the header, the sequence, the 15-bit port address and 512 values', () => {
    const frame = new Uint8Array(512);
    frame[0] = 255;
    frame[511] = 7;
    const p = artDmxPacket(9, 0x1234 & 0x7fff, frame);
    expect(p.subarray(0, 8).toString('latin1')).toBe('Art-Net\0');
    expect([...p.subarray(8, 18)]).toEqual([0x00, 0x50, 0, 14, 9, 0, 0x34, 0x12, 0x02, 0x00]);
    expect(p.length).toBe(530);
    expect([p[18], p[529]]).toEqual([255, 7]);
  });
});
