import { describe, expect, it } from 'vitest';
import { OWN_TICK_MS, OwnTime, ownTimeout, type OwnTimers } from '../../client/core/own-time';
import { SUSPEND_LIMIT_MS, stillLoadingMessage } from '../../client/mount/PieceMount';

/** A page's timers whose interval fires when the test says, at the times the test says. */
function pageAt(): OwnTimers & { at: number; fire(at: number): void; running: () => boolean } {
  let fn: (() => void) | null = null;
  const t = {
    at: 0,
    now: () => t.at,
    setInterval: (f: () => void) => {
      fn = f;
      return 1;
    },
    clearInterval: () => {
      fn = null;
    },
    fire(at: number) {
      t.at = at;
      fn?.();
    },
    running: () => fn !== null,
  };
  return t;
}

describe('OwnTime', () => {
  it('counts ticks on time in full, and a late tick as one tick only', () => {
    const c = new OwnTime(0);
    expect(c.tick(1000)).toBe(1000);
    expect(c.tick(2004)).toBe(2000); // a few ms late: still one tick
    expect(c.tick(5004)).toBe(3000); // three seconds late: the page had one of them
    expect(c.tick(5500)).toBe(3496); // early: what passed
  });

  it('never goes back when the clock does not move', () => {
    const c = new OwnTime(100);
    expect(c.tick(100)).toBe(0);
    expect(c.tick(50)).toBe(0);
  });
});

describe('ownTimeout', () => {
  it('fires after the limit on a page whose ticks come on time, with the wall time it took', () => {
    const page = pageAt();
    const fired: number[] = [];
    ownTimeout((wall) => fired.push(wall), 5000, page);
    for (let i = 1; i <= 4; i++) page.fire(i * OWN_TICK_MS);
    expect(fired).toEqual([]);
    page.fire(5 * OWN_TICK_MS);
    expect(fired).toEqual([5000]);
    expect(page.running()).toBe(false);
  });

  it('on a starved page (ticks 3 s apart) fires after the same own time, three times later by the clock', () => {
    const page = pageAt();
    const fired: number[] = [];
    ownTimeout((wall) => fired.push(wall), 5000, page);
    for (let i = 1; i <= 4; i++) page.fire(i * 3000);
    expect(fired).toEqual([]);
    page.fire(15_000);
    expect(fired).toEqual([15_000]);
  });

  it('does not fire once cancelled', () => {
    const page = pageAt();
    let fired = 0;
    const cancel = ownTimeout(() => fired++, 2000, page);
    page.fire(1000);
    cancel();
    expect(page.running()).toBe(false);
    page.fire(2000);
    page.fire(3000);
    expect(fired).toBe(0);
  });
});

describe('stillLoadingMessage', () => {
  it('says the limit, and how long it took by the clock only when the page was starved', () => {
    expect(stillLoadingMessage(SUSPEND_LIMIT_MS + 20)).toBe(
      `the piece was still loading after ${SUSPEND_LIMIT_MS / 1000} s: a suspending loader that never finished (an asset that does not arrive, or a promise that never settles)`,
    );
    expect(stillLoadingMessage(95_000)).toContain(`after ${SUSPEND_LIMIT_MS / 1000} s (95 s by the clock: the page was starved or frozen for the rest)`);
  });
});
