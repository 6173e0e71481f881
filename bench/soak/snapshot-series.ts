/**
 * npx tsx bench/soak/snapshot-series.ts S1.heapsnapshot S2.heapsnapshot … Sn.heapsnapshot [--top 20]
 *
 * What a renderer's heap does over a series of snapshots of one process (bench:soak
 * --stage-snapshots 300,900,1500,…), in time order:
 * - its own size summed by part in each snapshot: V8's compiled code, native (array buffers, GL
 *   objects, DOM), strings, and the rest (objects, arrays, closures, shapes);
 * - the kinds whose size grew most from the second snapshot to the last, with their count in each,
 *   so that a kind that climbs step after step stands out from one that comes and goes with mounts;
 * - what survives: the objects of the last snapshot, grouped by the interval they were born in (V8
 *   keeps an object's id across the snapshots of one process). Whatever a mount creates dies when
 *   it unmounts, so objects born in an early interval and alive at the end are caches or a leak;
 *   bounded caches stop gaining survivors, a leak keeps gaining them in every interval. Only for
 *   snapshots whose notes say each continued the ids of the one before (heap-snapshot.ts: V8
 *   renumbers a process's objects when a DevTools session to it ends, or its frame reloads);
 *   otherwise the report says why it gives none.
 */
import { arg } from '../lib/args';
import { load, type Snapshot } from './heap-graph';
import { idsCompare, renumberedAt } from './heap-snapshot';

const files = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--top');
if (files.length < 3) {
  console.error('usage: npx tsx bench/soak/snapshot-series.ts S1.heapsnapshot S2.heapsnapshot S3.heapsnapshot … [--top 20] (three or more, in time order)');
  process.exit(2);
}
const TOP = arg('top', 20);
const MB = (b: number) => (b / 1048576).toFixed(2);

/** The part of the heap a V8 type belongs to. */
const part = (type: string): string =>
  type === 'code' ? 'code' : type === 'native' ? 'native' : type.endsWith('string') ? 'strings' : 'objects etc.';
const PARTS = ['code', 'native', 'strings', 'objects etc.'];

interface Read {
  file: string;
  parts: Map<string, number>;
  census: Map<string, { count: number; bytes: number }>;
  ids: Set<number>;
}

function read(file: string, s: Snapshot): Read {
  const parts = new Map<string, number>();
  for (let n = 0; n < s.nodeCount; n++) {
    const p = part(s.type(n));
    parts.set(p, (parts.get(p) ?? 0) + s.size(n));
  }
  return { file, parts, census: s.census(), ids: s.ids() };
}

const reads: Read[] = [];
let last: Snapshot | null = null;
for (const [i, f] of files.entries()) {
  const s = load(f);
  reads.push(read(f, s));
  if (i === files.length - 1) last = s;
  console.error(`read ${f}: ${s.nodeCount} objects`);
}

console.log('own size by part, MB (snapshots in order):');
for (const p of [...PARTS, 'total']) {
  const row = reads.map((r) => (p === 'total' ? [...r.parts.values()].reduce((a, b) => a + b, 0) : (r.parts.get(p) ?? 0)));
  console.log(`  ${p.padEnd(13)} ${row.map((b) => MB(b).padStart(7)).join(' ')}`);
}

const second = reads[1]!;
const end = reads[reads.length - 1]!;
const kinds = new Set(reads.flatMap((r) => [...r.census.keys()]));
const rows = [...kinds].map((k) => {
  const counts = reads.map((r) => r.census.get(k)?.count ?? 0);
  const bytes = reads.map((r) => r.census.get(k)?.bytes ?? 0);
  // Climbed: never fell from the second snapshot on, and rose overall.
  const after = counts.slice(1);
  const climbed = after.every((c, i) => i === 0 || c >= after[i - 1]!) && after[after.length - 1]! > after[0]!;
  return { k, counts, bytes, d: (end.census.get(k)?.bytes ?? 0) - (second.census.get(k)?.bytes ?? 0), climbed };
});
rows.sort((a, b) => b.d - a.d);
console.log(`\ngrew most from the second snapshot to the last (own size; * = its count never fell and rose):`);
for (const r of rows.slice(0, TOP))
  console.log(`  ${`${r.d >= 0 ? '+' : ''}${(r.d / 1024).toFixed(1)} KB`.padStart(11)} ${r.climbed ? '*' : ' '} ${r.counts.join(' → ').padEnd(40)} ${r.k}`);
const steady = rows.filter((r) => r.climbed).sort((a, b) => b.d - a.d);
console.log(`\ncounts that never fell from the second snapshot on, and rose (${steady.length} kinds), by growth:`);
for (const r of steady.slice(0, TOP)) console.log(`  ${`+${(r.d / 1024).toFixed(1)} KB`.padStart(11)}   ${r.counts.join(' → ').padEnd(40)} ${r.k}`);

// Survivors: each object of the last snapshot, by the first snapshot that holds it.
const comparable = idsCompare(files);
if (comparable !== true) {
  console.log(
    comparable === null
      ? '\nno survivors by birth: some snapshots have no note saying whether their ids continue the one before (taken before bench:soak wrote one), so their ids may not compare'
      : `\nno survivors by birth: V8 renumbered the process's objects before ${renumberedAt(files).join(', ')} (a DevTools session to it ended, or its frame reloaded), so their ids do not compare; give a series within which they do`,
  );
  process.exit(0);
}
const s = last!;
const born = new Map<number, Map<string, { count: number; bytes: number }>>();
for (let n = 0; n < s.nodeCount; n++) {
  const id = s.id(n);
  const at = reads.findIndex((r) => r.ids.has(id));
  const m = born.get(at) ?? new Map<string, { count: number; bytes: number }>();
  const c = m.get(s.kind(n)) ?? { count: 0, bytes: 0 };
  c.count++;
  c.bytes += s.size(n);
  m.set(s.kind(n), c);
  born.set(at, m);
}
console.log('\nthe last snapshot by when its objects were born (first snapshot that holds them):');
for (let i = 0; i < reads.length; i++) {
  const m = born.get(i) ?? new Map<string, { count: number; bytes: number }>();
  const total = [...m.values()].reduce((a, c) => a + c.bytes, 0);
  const count = [...m.values()].reduce((a, c) => a + c.count, 0);
  const when = i === 0 ? 'by the first snapshot' : `between snapshots ${i} and ${i + 1}`;
  console.log(`  ${when}: ${count} objects, ${MB(total)} MB`);
  if (i === 0 || i === reads.length - 1) continue;
  const top = [...m.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 8);
  for (const [k, c] of top) console.log(`      ${`${(c.bytes / 1024).toFixed(1)} KB`.padStart(10)} ${String(c.count).padStart(6)} × ${k}`);
}
