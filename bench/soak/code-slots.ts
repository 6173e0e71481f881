/**
 * V8's compiled code in one heap snapshot, counted per function (bench/soak/code-census.ts): which
 * functions (SharedFunctionInfos) hold code objects, and how many each. A closure or a feedback
 * vector stands for its function; a code object held by no function (regular-expression code) is
 * counted apart.
 */
import type { Snapshot } from './heap-graph';

/** The kinds a Code object's own bytes are kept in, besides its own node. */
const CODE_PARTS = new Set(['code system / InstructionStream', 'code system / TrustedByteArray', 'code system / ProtectedFixedArray', 'code system / TrustedWeakFixedArray']);

export interface FunctionCode {
  name: string;
  codes: number;
  bytes: number;
  largest: number;
}

export interface CodeCensus {
  functions: number;
  nativeContexts: number;
  codeObjects: number;
  /** Code objects no function holds (regular-expression code, code held by other objects), and their bytes. */
  unheld: { count: number; bytes: number };
  /** By function id (stable across snapshots whose ids compare). */
  byFunction: Map<number, FunctionCode>;
}

/** Counts the snapshot's functions, native contexts and code objects, and which function holds each code object. */
export function codeCensus(s: Snapshot): CodeCensus {
  const N = s.nodeCount;
  const isCode = new Uint8Array(N);
  const fnOf = new Int32Array(N).fill(-1);
  /** Closures and feedback vectors: they stand for their function. */
  const standsIn: number[] = [];
  let functions = 0;
  let nativeContexts = 0;
  for (let n = 0; n < N; n++) {
    const k = s.kind(n);
    if (k === 'code system / Code') isCode[n] = 1;
    else if (k.startsWith('code system / SharedFunctionInfo')) {
      fnOf[n] = n;
      functions++;
    } else if (/NativeContext/.test(k)) nativeContexts++;
    else if (s.type(n) === 'closure' || k === 'code system / FeedbackVector') standsIn.push(n);
  }
  for (const n of standsIn)
    s.forEachEdge(n, (_t, name, to) => {
      if ((name === 'shared' || name === 'shared_function_info') && fnOf[to] === to) fnOf[n] = to;
    });
  const holders = new Map<number, Set<number>>();
  for (let n = 0; n < N; n++) {
    const fn = fnOf[n]!;
    if (fn < 0) continue;
    s.forEachEdge(n, (_t, _name, to) => {
      if (!isCode[to]) return;
      const set = holders.get(to) ?? new Set<number>();
      set.add(fn);
      holders.set(to, set);
    });
  }
  const codeBytes = (c: number): number => {
    let b = s.size(c);
    s.forEachEdge(c, (_t, _name, to) => {
      if (CODE_PARTS.has(s.kind(to))) b += s.size(to);
    });
    return b;
  };
  const byFunction = new Map<number, FunctionCode>();
  const unheld = { count: 0, bytes: 0 };
  let codeObjects = 0;
  for (let c = 0; c < N; c++) {
    if (!isCode[c]) continue;
    codeObjects++;
    const bytes = codeBytes(c);
    const fns = holders.get(c);
    if (!fns?.size) {
      unheld.count++;
      unheld.bytes += bytes;
      continue;
    }
    // A code object shared by several functions (rare: a builtin stub) counts once, for the first.
    const fn = Math.min(...fns);
    const id = s.id(fn);
    const f = byFunction.get(id) ?? { name: s.name(fn), codes: 0, bytes: 0, largest: 0 };
    f.codes++;
    f.bytes += bytes;
    f.largest = Math.max(f.largest, bytes);
    byFunction.set(id, f);
  }
  return { functions, nativeContexts, codeObjects, unheld, byFunction };
}

/** Code objects each function could still gain: up to as many as the most any function holds. */
export function slotsLeft(c: CodeCensus): { most: number; slots: number; left: number } {
  const fns = [...c.byFunction.values()];
  const most = Math.max(0, ...fns.map((f) => f.codes));
  const slots = fns.length * most;
  return { most, slots, left: slots - fns.reduce((a, f) => a + f.codes, 0) };
}

/** Between two snapshots whose ids compare: functions with code for the first time, with more, with fewer, with none left. */
export function compareCensus(before: CodeCensus, after: CodeCensus): { first: number; firstCodes: number; more: number; moreCodes: number; fewer: number; fewerCodes: number; none: number } {
  const out = { first: 0, firstCodes: 0, more: 0, moreCodes: 0, fewer: 0, fewerCodes: 0, none: 0 };
  for (const [id, f] of after.byFunction) {
    const b = before.byFunction.get(id);
    if (!b) {
      out.first++;
      out.firstCodes += f.codes;
    } else if (f.codes > b.codes) {
      out.more++;
      out.moreCodes += f.codes - b.codes;
    } else if (f.codes < b.codes) {
      out.fewer++;
      out.fewerCodes += b.codes - f.codes;
    }
  }
  for (const id of before.byFunction.keys()) if (!after.byFunction.has(id)) out.none++;
  return out;
}
