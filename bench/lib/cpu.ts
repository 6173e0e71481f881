import fs from 'node:fs';

/*
 * Where a Chromium's CPU goes, by process and thread, from /proc (Linux): every process descended
 * from this one (the browser playwright launched, its GPU process, its renderers), each thread's
 * user + system time. On a shared machine a frame rate says as much about the others' load as about
 * the page; CPU time per frame, and which threads spend it (the renderer's main thread encoding GL
 * commands, the GPU process decoding them, SwiftShader's worker threads rasterising), says what
 * the page costs.
 */

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface Proc {
  pid: number;
  ppid: number;
}

function stat(file: string): string[] | null {
  try {
    const s = fs.readFileSync(file, 'utf8');
    // comm may hold spaces and parentheses: split after its last ')'.
    const end = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, end);
    return [s.slice(0, s.indexOf('(')).trim(), comm, ...s.slice(end + 2).split(' ')];
  } catch {
    return null;
  }
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const f = stat(`/proc/${d}/stat`);
    if (f) out.push({ pid: Number(d), ppid: Number(f[3]) });
  }
  return out;
}

/** This process's descendants (the Chromium it launched, and that one's children). */
function descendants(root: number): number[] {
  const all = processes();
  const found = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all)
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
  }
  found.delete(root);
  return [...found];
}

function kindOf(pid: number): string | null {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!/chrom/i.test(cmd.split('\0')[0] ?? '')) return null;
    const t = /--type=([\w-]+)/.exec(cmd)?.[1];
    return t === 'gpu-process' ? 'gpu' : t ?? 'browser';
  } catch {
    return null;
  }
}

/** CPU milliseconds so far of every Chromium thread under this process, keyed "kind/thread name" (threads of a name summed). */
export function chromiumCpu(root = process.pid): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of descendants(root)) {
    const kind = kindOf(pid);
    if (!kind) continue;
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const f = stat(`/proc/${pid}/task/${tid}/stat`);
      if (!f) continue;
      // Fields after comm: state(2) ppid(3) … utime(13) stime(14), counted from 0 = pid.
      const ms = (Number(f[13]) + Number(f[14])) * TICK_MS;
      const name = f[1]!.replace(/\d+$/, '#');
      const key = `${kind}/${name}`;
      out.set(key, (out.get(key) ?? 0) + ms);
    }
  }
  return out;
}

/** What was spent between two readings, per key, largest first (zero rows left out). */
export function cpuSince(before: Map<string, number>, after: Map<string, number>): Array<[string, number]> {
  const rows: Array<[string, number]> = [];
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) rows.push([k, d]);
  }
  return rows.sort((a, b) => b[1] - a[1]);
}

/** Sums rows by process kind (the part before '/'). */
export function byKind(rows: Array<[string, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of rows) {
    const kind = k.split('/')[0]!;
    out[kind] = (out[kind] ?? 0) + v;
  }
  return out;
}
