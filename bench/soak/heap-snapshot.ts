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
 * numbers the heap afresh, from low ids that look like the old ones; a reloaded frame's process
 * did too (session 34). So the snapshots of one process are taken over one session kept open
 * between them, and before each one the session asks V8 for the id of the frame's global object:
 * V8 knows it only if its ids are the ones of the previous snapshot (a renumbered map, or a new
 * global after a reload, answers 0). Each snapshot is written with a note of what it found.
 */
import fs from 'node:fs';
import type { CDPSession } from 'playwright-core';

/** What is written beside each snapshot, as `<file>.json`. */
export interface SnapshotNote {
  /**
   * Whether V8 still held the previous snapshot's ids when this one was taken (its global object
   * had an id): only then do the two snapshots' ids compare. False for a first snapshot.
   */
  continuesPrevious: boolean;
}

/**
 * Writes a heap snapshot of the target behind `session` to `file` (V8 collects garbage first, so it
 * holds the live heap), and its note beside it. The session is left open, for the next snapshot.
 * Resolves with the file's size in bytes and the note, or rejects with why it could not.
 */
export async function writeHeapSnapshot(session: CDPSession, file: string): Promise<{ bytes: number; note: SnapshotNote }> {
  await session.send('HeapProfiler.enable');
  const continuesPrevious = await knowsGlobal(session);
  const out = fs.createWriteStream(file);
  let bytes = 0;
  const onChunk = ({ chunk }: { chunk: string }) => {
    bytes += Buffer.byteLength(chunk);
    out.write(chunk);
  };
  try {
    session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await session.send('HeapProfiler.collectGarbage');
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    session.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
  const note: SnapshotNote = { continuesPrevious };
  fs.writeFileSync(`${file}.json`, JSON.stringify(note));
  return { bytes, note };
}

/** Whether V8 has an id for the target's global object (it was in a snapshot, and V8 kept its ids since); HeapProfiler enabled. */
async function knowsGlobal(session: CDPSession): Promise<boolean> {
  const group = 'pavilion-bench-snapshot';
  try {
    const { result } = await session.send('Runtime.evaluate', { expression: 'globalThis', objectGroup: group });
    if (!result.objectId) return false;
    const { heapSnapshotObjectId } = await session.send('HeapProfiler.getHeapObjectId', { objectId: result.objectId });
    return heapSnapshotObjectId !== '0';
  } catch {
    return false;
  } finally {
    await session.send('Runtime.releaseObjectGroup', { objectGroup: group }).catch(() => {});
  }
}

/** A snapshot's note (writeHeapSnapshot), or null when it has none (written before notes were, or before they said this much). */
export function readSnapshotNote(file: string): SnapshotNote | null {
  try {
    const n = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as Partial<SnapshotNote>;
    return typeof n.continuesPrevious === 'boolean' ? { continuesPrevious: n.continuesPrevious } : null;
  } catch {
    return null;
  }
}

/**
 * Whether the objects' ids of these snapshots (of one process, in time order, taken one after the
 * other) compare: true when every one after the first continued the one before, false when one did
 * not, null when a note is missing.
 */
export function idsCompare(files: string[]): boolean | null {
  const notes = files.map(readSnapshotNote);
  if (notes.some((n) => n === null)) return null;
  return notes.slice(1).every((n) => n!.continuesPrevious);
}

/** Where the ids were renumbered: the files (after the first) whose snapshot did not continue the one before. */
export function renumberedAt(files: string[]): string[] {
  return files.slice(1).filter((f) => readSnapshotNote(f)?.continuesPrevious === false);
}
