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
import { codeCensus, compareCensus, slotsLeft, type CodeCensus } from './code-slots';
import { load } from './heap-graph';
import { readSnapshotNote } from './heap-snapshot';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: npx tsx bench/soak/code-census.ts S1.heapsnapshot [S2.heapsnapshot …] (snapshots of one process, in time order)');
  process.exit(2);
}

const MB = (b: number) => (b / 1048576).toFixed(2);
let previous: CodeCensus | null = null;
for (const file of files) {
  const c = codeCensus(load(file));
  const fns = [...c.byFunction.values()];
  const held = fns.reduce((a, f) => a + f.bytes, 0);
  const { most, slots, left } = slotsLeft(c);
  const histogram = new Map<number, number>();
  for (const f of fns) histogram.set(f.codes, (histogram.get(f.codes) ?? 0) + 1);
  const headroom = fns.reduce((a, f) => a + (most - f.codes) * f.largest, 0);
  console.log(`${file.split('/').pop()}:`);
  console.log(`  functions ${c.functions}, of which ${fns.length} hold compiled code; native contexts ${c.nativeContexts}`);
  console.log(`  code objects ${c.codeObjects}: ${c.codeObjects - c.unheld.count} held by functions (${MB(held)} MB), ${c.unheld.count} by nothing else (${MB(c.unheld.bytes)} MB)`);
  console.log(`  functions by the code objects each holds: ${[...histogram.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  console.log(`  slots left: ${left} of ${slots}; ceiling (estimate): ${MB(held + headroom)} MB if each of these functions held ${most} code objects the size of its largest so far (+${MB(headroom)} MB)`);
  if (previous) {
    if (!readSnapshotNote(file)?.continuesPrevious) console.log("  (its ids do not continue the previous snapshot's: no comparison by function)");
    else {
      const d = compareCensus(previous, c);
      console.log(`  since the previous: ${d.first} functions got code for the first time (${d.firstCodes} code objects), ${d.more} got more (+${d.moreCodes}), ${d.fewer} lost some (−${d.fewerCodes}), ${d.none} lost all`);
    }
  }
  previous = c;
}
