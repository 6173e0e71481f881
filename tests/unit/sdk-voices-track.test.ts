import { describe, expect, it } from 'vitest';
import { Track } from '../../sdk/voices';

/** An AudioParam stand-in that logs the automation it is given. */
function fakeParam(value = 0) {
  const log: string[] = [];
  const param = {
    value,
    setValueAtTime: (v: number, t: number) => log.push(`set ${v.toFixed(4)} at ${t}`),
    linearRampToValueAtTime: (v: number, t: number) => log.push(`linear ${v.toFixed(4)} to ${t}`),
    setTargetAtTime: (v: number, t: number, tc: number) => log.push(`target ${v.toFixed(4)} from ${t} tc ${tc.toFixed(4)}`),
    cancelScheduledValues: (t: number) => log.push(`cancel from ${t}`),
    cancelAndHoldAtTime: (t: number) => log.push(`NATIVE cancelAndHold at ${t}`),
  };
  return { param: param as unknown as AudioParam, log };
}

describe("the SDK voices' automation track (Tone's Param, on a native AudioParam)", () => {
  it("approach is Tone's exponentialApproachValueAtTime: a target curve, held at 90 % of the ramp with its value there, then a linear ramp", () => {
    const { param, log } = fakeParam();
    const tr = new Track(param);
    tr.set(1, 0);
    tr.approach(0.4, 0, 0.2);
    const tc = Math.log(1.2) / Math.log(200);
    const at90 = 0.4 + 0.6 * Math.exp(-0.18 / tc);
    expect(log).toEqual(['set 1.0000 at 0', `target 0.4000 from 0 tc ${tc.toFixed(4)}`, `set ${at90.toFixed(4)} at ${0.2 * 0.9}`, 'linear 0.4000 to 0.2']);
    expect(tr.valueAt(0.1)).toBeCloseTo(0.4 + 0.6 * Math.exp(-0.1 / tc), 12);
    expect(tr.valueAt(0.19)).toBeCloseTo(at90 + ((0.4 - at90) * (0.19 - 0.18)) / 0.02, 12);
    expect(tr.valueAt(5)).toBe(0.4);
    expect(log.join(), 'never the native cancelAndHoldAtTime').not.toContain('NATIVE');
  });

  it('holds a linear ramp where it is by a shorter ramp, and a target curve where it is by a set, cancelling what follows', () => {
    const { param, log } = fakeParam();
    const tr = new Track(param);
    tr.set(0, 1);
    tr.linear(1, 2);
    log.length = 0;
    tr.hold(1.25);
    expect(log).toEqual(['cancel from 1.25', 'linear 0.2500 to 1.25']);
    expect(tr.valueAt(3)).toBe(0.25);

    const b = fakeParam();
    const t2 = new Track(b.param);
    t2.set(1, 0);
    t2.target(0, 0, 0.1);
    t2.set(0.5, 10); // a later event, cancelled by the hold
    b.log.length = 0;
    t2.hold(0.1);
    expect(b.log).toEqual(['cancel from 0.1', `set ${Math.exp(-1).toFixed(4)} at 0.1`]);
    expect(t2.valueAt(20)).toBeCloseTo(Math.exp(-1), 12);
  });

  it('reads the parameter’s own value before its first event, and drives nothing when it has no parameter', () => {
    const { param } = fakeParam(0.7);
    const tr = new Track(param);
    tr.set(0.2, 1);
    expect(tr.valueAt(0.5)).toBe(0.7);
    const unit = new Track(null);
    unit.set(0, 0);
    unit.linear(1, 1);
    expect(unit.valueAt(0.25)).toBe(0.25);
  });
});
