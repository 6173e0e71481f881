/**
 * npx tsx bench/soak/snapshot-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--top 25] [--retainers 8]
 *                                       [--paths 'native WebGLBuffer,object Foo'] [--samples 3] [--new]
 *
 * What grew between two heap snapshots of one renderer (bench/soak/heap-snapshot.ts): objects by
 * kind (a constructor's name, a closure's function name, "string", "array" …), their count and
 * their own size in each, the biggest growths first. For the kinds that grew most, what holds
 * them: the kind of each retaining object and the edge's name, counted in each snapshot, so that a
 * leak shows as one retainer whose count grows with it (a Map's table, a listener list, a closure's
 * context). Weak edges are left out: they hold nothing. With --paths, for each kind named, a few
 * of its objects in AFTER and a chain of what holds each, up to a root (a window, a context): the
 * place a leak hangs from. With --new, only objects born between the two snapshots are followed (V8
 * keeps an object's id across the snapshots of one process, as long as no DevTools session to it
 * ends and no frame of it reloads between them: heap-snapshot.ts), which is what a leak is made of.
 */
import { arg, flag } from '../lib/args';
import { idsCompare } from './heap-snapshot';
import { load, type Snapshot } from './heap-graph';

/** The options that take a value (--new takes none). */
const VALUED = new Set(['--top', '--retainers', '--paths', '--samples']);
/** The arguments that are neither an option nor an option's value. */
const files = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !VALUED.has(all[i - 1] ?? ''));
if (files.length !== 2) {
  console.error("usage: npx tsx bench/soak/snapshot-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--top 25] [--retainers 8] [--paths 'KIND,…' [--samples 3] [--new]]");
  process.exit(2);
}
const TOP = arg('top', 25);
const RETAINERS = arg('retainers', 8);
const PATHS = arg('paths', '').split(',').map((k) => k.trim()).filter(Boolean);
const SAMPLES = arg('samples', 3);
const NEW_ONLY = flag('new');
if (NEW_ONLY && PATHS.length && idsCompare([files[0]!, files[1]!]) !== true) {
  console.error('--new needs two snapshots whose ids compare (the second\'s note says it continued the first\'s: heap-snapshot.ts); these do not, or have no notes');
  process.exit(2);
}
const [a, b] = files.map(load) as [Snapshot, Snapshot];
const ca = a.census();
const cb = b.census();
const sum = (c: Map<string, { count: number; bytes: number }>) => [...c.values()].reduce((s, v) => s + v.bytes, 0);
console.log(`before: ${a.nodeCount} objects, ${(sum(ca) / 1048576).toFixed(2)} MB; after: ${b.nodeCount} objects, ${(sum(cb) / 1048576).toFixed(2)} MB`);
const rows = [...new Set([...ca.keys(), ...cb.keys()])].map((k) => {
  const x = ca.get(k) ?? { count: 0, bytes: 0 };
  const y = cb.get(k) ?? { count: 0, bytes: 0 };
  return { k, countA: x.count, countB: y.count, bytesA: x.bytes, bytesB: y.bytes, dBytes: y.bytes - x.bytes, dCount: y.count - x.count };
});
rows.sort((p, q) => q.dBytes - p.dBytes);
console.log('\ngrew most (own size):\n  Δ KB │ Δ count │ count before → after │ kind');
for (const r of rows.slice(0, TOP)) console.log(`${(r.dBytes / 1024).toFixed(1).padStart(7)} │ ${String(r.dCount).padStart(7)} │ ${`${r.countA} → ${r.countB}`.padStart(20)} │ ${r.k}`);
const byCount = [...rows].sort((p, q) => q.dCount - p.dCount);
console.log('\ngrew most (count):');
for (const r of byCount.slice(0, TOP)) console.log(`${String(r.dCount).padStart(7)} │ ${`${r.countA} → ${r.countB}`.padStart(20)} │ ${(r.dBytes / 1024).toFixed(1).padStart(7)} KB │ ${r.k}`);

const watched = new Set([...rows.slice(0, RETAINERS), ...byCount.slice(0, RETAINERS)].filter((r) => r.dCount > 0).map((r) => r.k));
const ra = a.retainers(watched);
const rb = b.retainers(watched);
for (const k of watched) {
  const x = ra.get(k) ?? new Map<string, number>();
  const y = rb.get(k) ?? new Map<string, number>();
  const keys = [...new Set([...x.keys(), ...y.keys()])].map((r) => ({ r, a: x.get(r) ?? 0, b: y.get(r) ?? 0 }));
  keys.sort((p, q) => q.b - q.a - (p.b - p.a));
  console.log(`\nheld by, for ${k} (retainer · edge: before → after):`);
  for (const e of keys.slice(0, 8)) console.log(`  ${String(e.a).padStart(6)} → ${String(e.b).padEnd(6)} ${e.r}`);
}

const before = NEW_ONLY && PATHS.length ? a.ids() : null;
for (const k of PATHS) {
  console.log(`\nwhat holds ${k}${before ? ' born since BEFORE' : ''}, in AFTER (shortest chains from the roots):`);
  const chains = b.paths(k, SAMPLES, before ? (id) => !before.has(id) : undefined);
  if (!chains.length) console.log(`  none of this kind${before ? ' born since BEFORE' : ''}`);
  for (const c of chains) console.log(`  ${c.join('\n    ← ')}`);
}
