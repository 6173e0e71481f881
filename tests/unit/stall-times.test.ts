import { describe, expect, it } from 'vitest';
import { FROZEN_SLACK_MS, HUNG_MS, Recoveries, STALL_MS, STARVED_MAX_MS, WATCHDOG_DEFAULTS, WATCH_EVERY_MS, frozenMs, stallVerdict, startVerdict, watchdogTimes } from '../../client/display/stall';

/** The screen address's `starved=<seconds>` (client/display/stall.ts watchdogTimes), and the verdict with it. */
describe('watchdogTimes', () => {
  it('keeps the defaults without the parameter', () => {
    expect(watchdogTimes('?screen=main-1&key=abc')).toEqual(WATCHDOG_DEFAULTS);
    expect(watchdogTimes('')).toBe(WATCHDOG_DEFAULTS);
  });

  it('takes a starved wait in seconds, from the stall wait to an hour; the stall wait stays', () => {
    expect(watchdogTimes('?screen=main-2&starved=20')).toEqual({ ...WATCHDOG_DEFAULTS, starvedMs: 20_000 });
    expect(watchdogTimes('?starved=300&screen=x')).toEqual({ ...WATCHDOG_DEFAULTS, starvedMs: 300_000 });
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
  const times = { ...WATCHDOG_DEFAULTS, starvedMs: 20_000 };

  it('reloads a starved stage after that wait, not before, with the starved report', () => {
    expect(stallVerdict({ stalledMs: 19_000, silentMs: 0, pageFramesGiven: 0, gpuWaitMs: 0 }, times).kind).toBe('fine');
    const v = stallVerdict({ stalledMs: 21_000, silentMs: 0, pageFramesGiven: 0, gpuWaitMs: 0 }, times);
    expect(v).toEqual({ kind: 'starved', why: 'no new frame for 21 s, while the browser gave this page only 0 of the frames it asked for (an overloaded machine or GPU)' });
    // The defaults still wait 60 s for the same facts.
    expect(stallVerdict({ stalledMs: 21_000, silentMs: 0, pageFramesGiven: 0, gpuWaitMs: 0 }).kind).toBe('fine');
  });

  it('still reloads a stalled stage at the stall wait, whatever the starved wait', () => {
    expect(stallVerdict({ stalledMs: STALL_MS + 1000, silentMs: 0, pageFramesGiven: 11, gpuWaitMs: 0 }, { ...WATCHDOG_DEFAULTS, starvedMs: 600_000 }).kind).toBe('stalled');
  });
});

describe("the screen address's hung=<seconds>: the usual hung wait", () => {
  it('takes it in seconds from the stall wait to an hour, beside a starved wait or alone', () => {
    expect(WATCHDOG_DEFAULTS.stuckMs).toBe(HUNG_MS);
    expect(watchdogTimes('?screen=main-1&hung=15')).toEqual({ ...WATCHDOG_DEFAULTS, stuckMs: 15_000 });
    expect(watchdogTimes('?hung=90&starved=25')).toEqual({ stallMs: STALL_MS, starvedMs: 25_000, stuckMs: 90_000 });
    expect(watchdogTimes(`?hung=${STARVED_MAX_MS / 1000}`).stuckMs).toBe(STARVED_MAX_MS);
  });

  it('keeps the default for anything else, and says so; a good starved wait beside it still counts', () => {
    for (const bad of ['abc', '9', '-1', '45s', '3601']) {
      const warnings: string[] = [];
      expect(watchdogTimes(`?hung=${encodeURIComponent(bad)}`, (m) => warnings.push(m)), bad).toBe(WATCHDOG_DEFAULTS);
      expect(warnings, bad).toEqual([`the address's hung=${bad} is not a number of seconds from 10 to 3600: a stage that stopped answering is reloaded after 45 s (fix the address, e.g. hung=90)`]);
    }
    const warnings: string[] = [];
    expect(watchdogTimes('?hung=x&starved=30', (m) => warnings.push(m))).toEqual({ ...WATCHDOG_DEFAULTS, starvedMs: 30_000 });
    expect(warnings).toHaveLength(1);
  });

  it('reloads a stage that stopped answering after that wait while its page is drawn; the start wait stays', () => {
    const times = { ...WATCHDOG_DEFAULTS, stuckMs: 15_000 };
    const drawn = (ms: number) => Math.ceil(ms / 1000);
    expect(stallVerdict({ stalledMs: 14_000, silentMs: 14_000, pageFramesGiven: drawn(14_000), gpuWaitMs: 0 }, times).kind).toBe('fine');
    expect(stallVerdict({ stalledMs: 16_000, silentMs: 16_000, pageFramesGiven: drawn(16_000), gpuWaitMs: 0 }, times)).toEqual({
      kind: 'hung',
      why: 'the stage stopped answering for 16 s (the browser drew this page meanwhile, and the GPU answered it within 0.0 s)',
    });
    expect(stallVerdict({ stalledMs: 16_000, silentMs: 16_000, pageFramesGiven: drawn(16_000), gpuWaitMs: 0 }).kind, 'the default waits 45 s').toBe('fine');
    // A slow start (a cold load on a busy machine) is not cut short by a short hung wait.
    expect(startVerdict(16_000, 16, times).kind).toBe('fine');
    expect(startVerdict(46_000, 46, times)).toEqual({ kind: 'hung', why: 'the stage did not start in 46 s' });
  });

  it('is what a learned wait is measured against', () => {
    const r = new Recoveries();
    r.silenceEnded(10_000, 1000);
    expect(r.waits(2000, 15_000), 'twice 10 s against a usual 15 s').toEqual({ hungMs: 20_000 });
    expect(r.waits(2000), 'twice 10 s is under the default 45 s').toEqual({});
    r.started(20_000, 1000);
    expect(r.waits(2000, 15_000), 'a start is measured against the start wait').toEqual({ hungMs: 20_000 });
    const v = stallVerdict({ stalledMs: 21_000, silentMs: 21_000, pageFramesGiven: 21, gpuWaitMs: 0 }, { ...WATCHDOG_DEFAULTS, stuckMs: 15_000, ...r.waits(2000, 15_000) });
    expect(v.kind).toBe('hung');
    expect(v.kind === 'hung' && v.why).toMatch(/\(given 20 s, twice the longest it had come back from lately\)$/);
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
