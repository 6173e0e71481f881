import { describe, expect, it } from 'vitest';
import { FROZEN_SLACK_MS, STALL_MS, STARVED_MAX_MS, STARVED_MS, WATCHDOG_DEFAULTS, WATCH_EVERY_MS, frozenMs, stallVerdict, watchdogTimes } from '../../client/display/stall';

/** The screen address's `starved=<seconds>` (client/display/stall.ts watchdogTimes), and the verdict with it. */
describe('watchdogTimes', () => {
  it('keeps the defaults without the parameter', () => {
    expect(watchdogTimes('?screen=main-1&key=abc')).toEqual({ stallMs: STALL_MS, starvedMs: STARVED_MS });
    expect(watchdogTimes('')).toBe(WATCHDOG_DEFAULTS);
  });

  it('takes a starved wait in seconds, from the stall wait to an hour; the stall wait stays', () => {
    expect(watchdogTimes('?screen=main-2&starved=20')).toEqual({ stallMs: STALL_MS, starvedMs: 20_000 });
    expect(watchdogTimes('?starved=300&screen=x')).toEqual({ stallMs: STALL_MS, starvedMs: 300_000 });
    expect(watchdogTimes('?starved=12.5').starvedMs).toBe(12_500);
    expect(watchdogTimes(`?starved=${STALL_MS / 1000}`).starvedMs).toBe(STALL_MS);
    expect(watchdogTimes(`?starved=${STARVED_MAX_MS / 1000}`).starvedMs).toBe(STARVED_MAX_MS);
  });

  it('keeps the default for anything else, and says what was wrong and what to write', () => {
    for (const bad of ['abc', '', '5', '-20', '1e3', '20s', '3601', 'Infinity', '0x20']) {
      const warnings: string[] = [];
      expect(watchdogTimes(`?starved=${encodeURIComponent(bad)}`, (m) => warnings.push(m)), bad).toBe(WATCHDOG_DEFAULTS);
      expect(warnings, bad).toHaveLength(1);
      expect(warnings[0]).toMatch(/starved=.* is not a number of seconds from 10 to 3600: a starved stage is reloaded after 60 s \(fix the address/);
    }
  });
});

describe('stallVerdict with a screen\'s own starved wait', () => {
  const times = { stallMs: STALL_MS, starvedMs: 20_000 };

  it('reloads a starved stage after that wait, not before, with the starved report', () => {
    expect(stallVerdict({ stalledMs: 19_000, silentMs: 0, pageFramesGiven: 0, gpuWaitMs: 0 }, times).kind).toBe('fine');
    const v = stallVerdict({ stalledMs: 21_000, silentMs: 0, pageFramesGiven: 0, gpuWaitMs: 0 }, times);
    expect(v).toEqual({ kind: 'starved', why: 'no new frame for 21 s, while the browser gave this page only 0 of the frames it asked for (an overloaded machine or GPU)' });
    // The defaults still wait 60 s for the same facts.
    expect(stallVerdict({ stalledMs: 21_000, silentMs: 0, pageFramesGiven: 0, gpuWaitMs: 0 }).kind).toBe('fine');
  });

  it('still reloads a stalled stage at the stall wait, whatever the starved wait', () => {
    expect(stallVerdict({ stalledMs: STALL_MS + 1000, silentMs: 0, pageFramesGiven: 11, gpuWaitMs: 0 }, { stallMs: STALL_MS, starvedMs: 600_000 }).kind).toBe('stalled');
  });
});

describe('frozenMs: the time the screen page itself was away between two looks of its watchdog', () => {
  it('is 0 for a timer on time or a little late (a busy page), and the whole lateness past the slack (a frozen one)', () => {
    expect(frozenMs(10_000, 10_000 + WATCH_EVERY_MS)).toBe(0);
    expect(frozenMs(10_000, 10_000 + WATCH_EVERY_MS + FROZEN_SLACK_MS)).toBe(0);
    expect(frozenMs(10_000, 10_000 + WATCH_EVERY_MS + FROZEN_SLACK_MS + 1)).toBe(FROZEN_SLACK_MS + 1);
    expect(frozenMs(10_000, 10_000 + 50_000)).toBe(49_000);
    expect(frozenMs(10_000, 10_500)).toBe(0); // early (a new interval): nothing
  });
});
