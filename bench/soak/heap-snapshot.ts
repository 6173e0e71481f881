/**
 * Heap snapshots of a renderer, for finding what a growing heap holds: `bench:soak --stage-snapshots
 * 150,540` writes one of each browser's stage process at those seconds, and
 * `npx tsx bench/soak/snapshot-diff.ts A.heapsnapshot B.heapsnapshot` says what grew between two,
 * by constructor and by what retains it.
 *
 * Object ids: V8 numbers a process's objects once and keeps each one's id from snapshot to snapshot,
 * which is what tells an object born between two snapshots from an old one (snapshot-diff --new,
 * snapshot-series' survivors). But it forgets every id whenever a DevTools session to that process
 * ends (any session, even one that only read the heap's size: seen in Chromium 14x), and then
 * numbers the heap afresh, from low ids that look like the old ones. So the snapshots of one process
 * are taken over one session kept open between them, and each is written with a note of its id
 * epoch: the count of sessions to that process that had ended when it was taken. Two snapshots'
 * ids compare only when their epochs are equal.
 */
import fs from 'node:fs';
import type { CDPSession } from 'playwright-core';

/** What is written beside each snapshot, as `<file>.json`. */
export interface SnapshotNote {
  /** Sessions to the process that had ended before this snapshot (ids compare only within one epoch). */
  idEpoch: number;
}

/**
 * Writes a heap snapshot of the target behind `session` to `file` (V8 collects garbage first, so it
 * holds the live heap), and its note beside it. The session is left open, for the next snapshot.
 * Resolves with the file's size in bytes, or rejects with why it could not.
 */
export async function writeHeapSnapshot(session: CDPSession, file: string, note: SnapshotNote): Promise<number> {
  const out = fs.createWriteStream(file);
  let bytes = 0;
  const onChunk = ({ chunk }: { chunk: string }) => {
    bytes += Buffer.byteLength(chunk);
    out.write(chunk);
  };
  try {
    session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await session.send('HeapProfiler.enable');
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    session.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  fs.writeFileSync(`${file}.json`, JSON.stringify(note));
  return bytes;
}

/** A snapshot's note (writeHeapSnapshot), or null when it has none (written before notes were). */
export function readSnapshotNote(file: string): SnapshotNote | null {
  try {
    const n = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as Partial<SnapshotNote>;
    return typeof n.idEpoch === 'number' ? { idEpoch: n.idEpoch } : null;
  } catch {
    return null;
  }
}

/**
 * Whether the objects' ids of these snapshots (of one process, in time order) compare: true when
 * their notes say one id epoch, false when they say more than one, null when a note is missing.
 */
export function idsCompare(files: string[]): boolean | null {
  const notes = files.map(readSnapshotNote);
  if (notes.some((n) => n === null)) return null;
  return new Set(notes.map((n) => n!.idEpoch)).size === 1;
}
