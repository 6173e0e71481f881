/**
 * CPU priority for benches that put the server beside software-rendering Chromiums on one machine.
 *
 * In a venue the server and each phone have machines of their own. Here they share two cores with
 * the screens, and Linux's autogroup scheduler (kernel.sched_autogroup_enabled = 1) shares the CPU
 * fairly between *sessions* first: playwright starts each Chromium detached, in a session of its
 * own, so with four browsers the bench's session (the bench, the server, the phones) got one fifth
 * of the machine whatever the processes' nice values, and the server inside it a fraction of that
 * (bench:soak at 19:07 on 2026-11-30: ~10 % of a core, event-loop lag 1–14 s, every socket timed out
 * together). A process's nice value only weighs within its own session; the session's weight is
 * the nice value written to /proc/<pid>/autogroup.
 */
import fs from 'node:fs';

/**
 * Writes `nice` to an autogroup file; `said` words the outcome for the bench's log. Null when the
 * kernel has no autogroups (then nice values alone decide).
 */
function setAutogroup(file: string, nice: number, said: { done(group: string): string; failed(why: string): string }): string | null {
  if (!fs.existsSync(file)) return null;
  try {
    fs.writeFileSync(file, String(nice));
    return said.done(fs.readFileSync(file, 'utf8').trim());
  } catch (e) {
    return said.failed((e as Error).message);
  }
}

/**
 * Gives this process's whole session (this process and the children it starts without `detached`)
 * the nice value `nice`, against the other sessions (each detached Chromium is one). Returns what
 * was done, for the bench's log; null when the kernel has no autogroups (then nice values alone
 * decide, and the caller's per-process nice is what counts).
 */
export function raiseSession(nice: number): string | null {
  return setAutogroup('/proc/self/autogroup', nice, {
    done: (group) => `this bench's session (its autogroup: ${group}) at nice ${nice} against the browsers' sessions`,
    failed: (why) => `could not set this bench's session to nice ${nice} (${why}); the browsers' sessions share the CPU with it equally`,
  });
}

/**
 * The same for another process that leads a session of its own (forked with `ownSession`): its
 * autogroup gets the nice value `nice`, against this bench's session and the browsers'. So a
 * bench can give the server the CPU it would have on a machine of its own while its load
 * generators (phones) and the screens share the rest, as they would share their own machines.
 */
export function raiseSessionOf(pid: number, nice: number): string | null {
  return setAutogroup(`/proc/${pid}/autogroup`, nice, {
    done: (group) => `the server's own session (${group}) at nice ${nice}`,
    failed: (why) => `could not set the server's session to nice ${nice} (${why}): it shares the CPU with the phones and the screen equally`,
  });
}
