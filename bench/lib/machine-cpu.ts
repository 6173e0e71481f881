import fs from 'node:fs';

/*
 * The whole machine's CPU time, from the first line of /proc/stat (Linux; bench:soak samples it,
 * bench:visitors waits on it for a quiet machine): what the guest's own processes used, what stayed idle, and what the hypervisor took for other guests ("steal"). On a
 * virtual machine a run that starves can be the host's doing as much as the run's own: a steal share
 * that climbs is CPU the guest was promised and not given.
 */

/** The machine's CPU counters so far (USER_HZ ticks, all CPUs together). */
export interface MachineCpu {
  busy: number;
  idle: number;
  steal: number;
}

/** The counters now, or null where /proc/stat cannot be read (not Linux). */
export function machineCpu(read: () => string = () => fs.readFileSync('/proc/stat', 'utf8')): MachineCpu | null {
  let line: string | undefined;
  try {
    line = read().split('\n').find((l) => l.startsWith('cpu '));
  } catch {
    return null;
  }
  if (!line) return null;
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user).
  const n = line.trim().split(/\s+/).slice(1).map(Number);
  if (n.length < 8 || n.slice(0, 8).some((x) => !Number.isFinite(x))) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = n as [number, number, number, number, number, number, number, number];
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/** Each share of the machine's CPU time between two readings, in % (they sum to 100), or null when no time passed. */
export function machineShares(a: MachineCpu | null, b: MachineCpu | null): { busyPct: number; idlePct: number; stealPct: number } | null {
  if (!a || !b) return null;
  const busy = b.busy - a.busy;
  const idle = b.idle - a.idle;
  const steal = b.steal - a.steal;
  const total = busy + idle + steal;
  if (!(total > 0) || busy < 0 || idle < 0 || steal < 0) return null;
  const pct = (x: number) => Math.round((x / total) * 1000) / 10;
  return { busyPct: pct(busy), idlePct: pct(idle), stealPct: pct(steal) };
}
