import { describe, expect, it } from 'vitest';
import { LatestSender } from '../../client/control/output/latest';

describe('LatestSender (the calibration view\'s pacing)', () => {
  it('keeps one send in flight, and sends only the latest of what came meanwhile', async () => {
    const sent: number[] = [];
    const answers: Array<(ok: boolean) => void> = [];
    const s = new LatestSender<number>((v) => {
      sent.push(v);
      return new Promise((resolve) => answers.push(resolve));
    });
    s.push(1);
    s.push(2);
    s.push(3);
    s.push(4);
    expect(sent).toEqual([1]);
    const settled = s.settle();
    answers.shift()!(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(sent).toEqual([1, 4]);
    answers.shift()!(true);
    expect(await settled).toBe(true);
    expect(s.busy).toBe(false);
  });

  it('reports a refused last send', async () => {
    const s = new LatestSender<number>(async (v) => v !== 2);
    s.push(1);
    s.push(2);
    expect(await s.settle()).toBe(false);
    expect(await new LatestSender<number>(async () => true).settle()).toBe(true);
  });
});
