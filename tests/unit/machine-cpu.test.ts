import { describe, expect, it } from 'vitest';
import { machineCpu, machineShares } from '../../bench/lib/machine-cpu';

const stat = (fields: string) => `cpu  ${fields}\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1\n`;

describe('bench/lib/machine-cpu', () => {
  it('splits the machine-wide line of /proc/stat into busy, idle and steal', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(machineCpu(() => stat('100 10 30 500 20 5 5 40 0 0'))).toEqual({ busy: 150, idle: 520, steal: 40 });
  });

  it('gives the shares between two readings, steal among them', () => {
    const a = machineCpu(() => stat('100 0 0 100 0 0 0 0 0 0'));
    const b = machineCpu(() => stat('250 0 50 150 0 0 0 50 0 0'));
    expect(machineShares(a, b)).toEqual({ busyPct: 66.7, idlePct: 16.7, stealPct: 16.7 });
  });

  it('says nothing where it cannot tell', () => {
    expect(machineCpu(() => 'intr 1\n')).toBeNull();
    expect(
      machineCpu(() => {
        throw new Error('no /proc');
      }),
    ).toBeNull();
    expect(machineCpu(() => stat('1 2 3'))).toBeNull();
    const a = machineCpu(() => stat('1 0 0 1 0 0 0 0 0 0'));
    expect(machineShares(a, a)).toBeNull();
    expect(machineShares(null, a)).toBeNull();
  });

  it('reads this machine', () => {
    const now = machineCpu();
    if (process.platform !== 'linux') return expect(now).toBeNull();
    expect(now).not.toBeNull();
    expect(now!.busy + now!.idle).toBeGreaterThan(0);
  });
});
