import fs from 'node:fs';

/*
 * How long a thread waited for a CPU while it could run, from /proc/<pid>/task/<tid>/schedstat
 * (Linux: nanoseconds on a CPU, nanoseconds runnable on a run queue, timeslices). A process whose
 * event loop lags while it uses little CPU is either blocked (a slow system call) or starved (ready,
 * but the scheduler gives its CPU to others): the wait tells them apart.
 */

export interface ThreadTimes {
  /** ns on a CPU. */
  runNs: number;
  /** ns runnable but waiting for a CPU. */
  waitNs: number;
}

/** The thread's times so far; null where the kernel does not keep them (no schedstat) or the thread is gone. */
export function threadTimes(pid: number, tid = pid): ThreadTimes | null {
  try {
    const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? { runNs: run!, waitNs: wait! } : null;
  } catch {
    return null;
  }
}

/**
 * Since `before`, over `wallMs` of wall time: the share of it the thread ran and the share it
 * waited, runnable, for a CPU (%). Null when either reading is missing.
 */
export function threadShares(before: ThreadTimes | null, after: ThreadTimes | null, wallMs: number): { runPct: number; waitPct: number } | null {
  if (!before || !after || !(wallMs > 0)) return null;
  return {
    runPct: ((after.runNs - before.runNs) / 1e6 / wallMs) * 100,
    waitPct: ((after.waitNs - before.waitNs) / 1e6 / wallMs) * 100,
  };
}
