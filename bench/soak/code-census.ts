/**
 * npx tsx bench/soak/code-census.ts S1.heapsnapshot [S2.heapsnapshot …]
 *
 * V8's compiled code in heap snapshots of one stage process (bench:soak --stage-snapshots), counted
 * per function: the part of a stage's heap that still grows after the hour (docs/performance.md,
 * sessions 32–35). For each snapshot:
 * - the functions (SharedFunctionInfos) there are, how many hold compiled code, and the native
 *   contexts (each screen's stage frame is one; V8 optimizes a function per context, so a function
 *   holds at most one baseline code object and one optimized one per context);
 * - the code objects (Code, with their instruction streams and metadata), by how many each function holds;
 * - the slots left, and an estimate of the ceiling: the code the functions that hold code would have
 *   if each held as many code objects as the most any function holds, each the size of its largest
 *   so far (an estimate, not a bound: a function with baseline code only may optimize bigger);
 * - between two snapshots whose object ids compare (heap-snapshot.ts's notes), how many functions
 *   got code for the first time, got more, or lost some.
 * Growth that comes from functions filling their slots stops at the ceiling; growth from new
 * functions (a script compiled again, a new context) or from a function holding more code objects
 * than contexts would not, and this says which it is.
 */
import { load, type Snapshot } from './heap-graph';
import { readSnapshotNote } from './heap-snapshot';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: npx tsx bench/soak/code-census.ts S1.heapsnapshot [S2.heapsnapshot …] (snapshots of one process, in time order)');
  process.exit(2);
}

/** The kinds a Code object's own bytes are kept in, besides its own node. */
const CODE_PARTS = new Set(['code system / InstructionStream', 'code system / TrustedByteArray', 'code system / ProtectedFixedArray', 'code system / TrustedWeakFixedArray']);

interface FunctionCode {
  name: string;
  codes: number;
  bytes: number;
  largest: number;
}

interface Census {
  functions: number;
  nativeContexts: number;
  codeObjects: number;
  /** Code objects no function holds (regular-expression code, code held by other objects), and their bytes. */
  unheld: { count: number; bytes: number };
  /** By function id (stable across snapshots whose ids compare). */
  byFunction: Map<number, FunctionCode>;
}

function census(s: Snapshot): Census {
  const N = s.nodeCount;
  const isCode = new Uint8Array(N);
  const fnOf = new Int32Array(N).fill(-1);
  let functions = 0;
  let nativeContexts = 0;
  for (let n = 0; n < N; n++) {
    const k = s.kind(n);
    if (k === 'code system / Code') isCode[n] = 1;
    else if (k.startsWith('code system / SharedFunctionInfo')) {
      fnOf[n] = n;
      functions++;
    } else if (/NativeContext/.test(k)) nativeContexts++;
  }
  // Closures and feedback vectors stand for their function.
  for (let n = 0; n < N; n++) {
    const type = s.type(n);
    const k = type === 'closure' ? null : s.kind(n);
    if (type !== 'closure' && k !== 'code system / FeedbackVector') continue;
    s.forEachEdge(n, (_t, name, to) => {
      if ((name === 'shared' || name === 'shared_function_info') && fnOf[to] === to) fnOf[n] = to;
    });
  }
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

const MB = (b: number) => (b / 1048576).toFixed(2);
let previous: Census | null = null;
for (const file of files) {
  const c = census(load(file));
  const fns = [...c.byFunction.values()];
  const held = fns.reduce((a, f) => a + f.bytes, 0);
  const most = Math.max(0, ...fns.map((f) => f.codes));
  const histogram = new Map<number, number>();
  for (const f of fns) histogram.set(f.codes, (histogram.get(f.codes) ?? 0) + 1);
  const headroom = fns.reduce((a, f) => a + (most - f.codes) * f.largest, 0);
  console.log(`${file.split('/').pop()}:`);
  console.log(`  functions ${c.functions}, of which ${fns.length} hold compiled code; native contexts ${c.nativeContexts}`);
  console.log(`  code objects ${c.codeObjects}: ${c.codeObjects - c.unheld.count} held by functions (${MB(held)} MB), ${c.unheld.count} by nothing else (${MB(c.unheld.bytes)} MB)`);
  console.log(`  functions by the code objects each holds: ${[...histogram.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  const slots = fns.length * most - fns.reduce((a, f) => a + f.codes, 0);
  console.log(`  slots left: ${slots} of ${fns.length * most}; ceiling (estimate): ${MB(held + headroom)} MB if each of these functions held ${most} code objects the size of its largest so far (+${MB(headroom)} MB)`);
  const note = readSnapshotNote(file);
  if (previous) {
    if (!note?.continuesPrevious) console.log('  (its ids do not continue the previous snapshot\'s: no comparison by function)');
    else {
      let first = 0;
      let firstCodes = 0;
      let more = 0;
      let moreCodes = 0;
      let fewer = 0;
      let fewerCodes = 0;
      let none = 0;
      for (const [id, f] of c.byFunction) {
        const before = previous.byFunction.get(id);
        if (!before) {
          first++;
          firstCodes += f.codes;
        } else if (f.codes > before.codes) {
          more++;
          moreCodes += f.codes - before.codes;
        } else if (f.codes < before.codes) {
          fewer++;
          fewerCodes += before.codes - f.codes;
        }
      }
      for (const id of previous.byFunction.keys()) if (!c.byFunction.has(id)) none++;
      console.log(`  since the previous: ${first} functions got code for the first time (${firstCodes} code objects), ${more} got more (+${moreCodes}), ${fewer} lost some (−${fewerCodes}), ${none} lost all`);
    }
  }
  previous = c;
}
