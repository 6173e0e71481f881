/**
 * The CPU time of this bench's Chromium, per thread, from /proc (Linux): the GPU process's main
 * thread decodes the GL calls, SwiftShader's worker threads (Thread<nn>) rasterise, the renderer
 * runs the page. Used by bench/projection/profile.ts and micro.ts.
 */
import fs from 'node:fs';

export const TICK_MS = 1000 / 100; // USER_HZ

export interface Proc { pid: number; ppid: number; kind: string }

export function procs(): Proc[] {
  const out: Proc[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split(/[\0 ]/); // Chromium's children rewrite theirs as one string
      const type = cmd.find((a) => a.startsWith('--type='))?.slice(7) ?? (cmd[0]?.includes('chromium') ? 'browser' : 'other');
      const sub = cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19);
      out.push({ pid: Number(d), ppid, kind: sub ? `${type}:${sub.split('.').pop()}` : type });
    } catch {
      // gone
    }
  }
  return out;
}

/** This bench's Chromium processes (descendants of this process). */
export function mine(): Proc[] {
  const all = procs();
  const kids = new Map<number, Proc[]>();
  for (const p of all) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  const res: Proc[] = [];
  const walk = (pid: number) => {
    for (const c of kids.get(pid) ?? []) {
      if (c.kind !== 'other') res.push(c);
      walk(c.pid);
    }
  };
  walk(process.pid);
  return res;
}

/** CPU ticks per "process kind / thread name". */
export function ticks(ps: Proc[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of ps) {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        const stat = fs.readFileSync(`/proc/${p.pid}/task/${t}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '#');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const k = `${p.kind} / ${name}`;
        m.set(k, (m.get(k) ?? 0) + Number(f[11]) + Number(f[12]));
      } catch {
        // gone
      }
    }
  }
  return m;
}
