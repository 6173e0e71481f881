/**
 * Heap snapshots of a renderer, for finding what a growing heap holds: `bench:soak --stage-snapshots
 * 150,540` writes one of each browser's stage process at those seconds, and
 * `npx tsx bench/soak/snapshot-diff.ts A.heapsnapshot B.heapsnapshot` says what grew between two,
 * by constructor and by what retains it.
 */
import fs from 'node:fs';
import type { CDPSession } from 'playwright-core';

/**
 * Writes a heap snapshot of the target behind `open()` to `file` (V8 collects garbage first, so it
 * holds the live heap). Resolves with the file's size in bytes, or rejects with why it could not.
 */
export async function writeHeapSnapshot(open: () => Promise<CDPSession>, file: string): Promise<number> {
  const s = await open();
  const out = fs.createWriteStream(file);
  let bytes = 0;
  const onChunk = ({ chunk }: { chunk: string }) => {
    bytes += Buffer.byteLength(chunk);
    out.write(chunk);
  };
  try {
    s.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await s.send('HeapProfiler.enable');
    await s.send('HeapProfiler.collectGarbage');
    await s.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    s.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await s.detach().catch(() => {});
  }
  return bytes;
}
