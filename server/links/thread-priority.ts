import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/**
 * The scheduling of the calling thread alone (Linux schedules threads, not processes), for a
 * thread whose timers must not wait for a core: the DMX sender. First the real-time FIFO class at a
 * low priority (`chrt -f -p <priority> <thread id>`: it runs as soon as it wakes, ahead of every
 * normal process, and gives the core back as soon as it sleeps, which it does almost all the time),
 * else a nice value. Either needs the right to raise priority (root or CAP_SYS_NICE); without it the
 * thread keeps the default, and `error` says why.
 */
export interface ThreadPriority {
  /** 'fifo' (real-time), 'nice' or 'default'. */
  policy: 'fifo' | 'nice' | 'default';
  /** The FIFO priority (1–99) or the nice value now in force. */
  value: number;
  /** What was refused, if anything. */
  error: string | null;
}

/** This thread's id (Linux): /proc/thread-self links to /proc/<pid>/task/<tid>. */
function threadId(): string | null {
  try {
    return fs.readlinkSync('/proc/thread-self').split('/').pop() ?? null;
  } catch {
    return null;
  }
}

export function raiseThreadPriority(want: { fifo: number | null; nice: number | null }): ThreadPriority {
  const errors: string[] = [];
  if (want.fifo !== null) {
    const tid = threadId();
    if (!tid) errors.push('real-time: no /proc/thread-self (not Linux)');
    else
      try {
        execFileSync('chrt', ['-f', '-p', String(want.fifo), tid], { stdio: 'pipe', timeout: 5000 });
        return { policy: 'fifo', value: want.fifo, error: null };
      } catch (e) {
        const err = e as { stderr?: Buffer; message: string };
        errors.push(`real-time: ${(err.stderr?.toString().trim() || err.message).split('\n')[0]}`);
      }
  }
  if (want.nice !== null) {
    try {
      os.setPriority(0, want.nice);
      return { policy: 'nice', value: os.getPriority(0), error: errors.join('; ') || null };
    } catch (e) {
      errors.push(`nice ${want.nice}: ${(e as Error).message}`);
    }
  }
  let value = 0;
  try {
    value = os.getPriority(0);
  } catch {
    /* keep 0 */
  }
  return { policy: 'default', value, error: errors.join('; ') || null };
}

/** Names the calling thread (Linux, 15 characters at most), as ps -L, top -H and perf show it; elsewhere nothing. */
export function nameThread(name: string): void {
  try {
    fs.writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    /* not Linux, or not allowed: the name only helps the eye */
  }
}
