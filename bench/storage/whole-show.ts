import fs from 'node:fs';
import path from 'node:path';
import type { Show } from '../../protocol';
import { DurableAppender } from '../../server/persistence/durable';
import type { ShowStorage } from '../../server/persistence/journal';

/**
 * The peer: the journal as it was before issue 12, one whole show per line, fsync'd per command
 * (it now writes through the same all-bytes-or-throw appender, so the comparison is only about
 * what is written). Loading is not measured.
 */
export function wholeShowJournal(dir: string): ShowStorage {
  fs.mkdirSync(dir, { recursive: true });
  const journal = new DurableAppender(path.join(dir, 'show.journal'));
  return {
    load: () => null,
    save: (show: Show) => journal.append(`${JSON.stringify(show)}\n`),
    close: () => journal.close(),
  };
}
