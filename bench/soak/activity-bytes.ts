/**
 * npx tsx bench/soak/activity-bytes.ts
 *
 * What one activity-log entry costs in the server's heap (server/activity/log.ts keeps the last
 * 5,000 in memory): fills a log with entries of its five kinds in turn, as a running show does,
 * and divides the live heap's growth (after a forced GC) by their number. Session 26 found, in the
 * soak's server heap snapshots, that each entry had a hidden class of its own; see
 * docs/performance.md ("Session 26").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import pino from 'pino';
import { createActivityLog, ACTIVITY_MAX } from '../../server/activity/log';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-activity-bytes-'));
try {
  const log = createActivityLog({ file: path.join(dir, 'activity.jsonl'), now: () => Date.now(), log: pino({ level: 'silent' }) });
  const add = (i: number) => {
    switch (i % 5) {
      case 0:
        return log.add({ kind: 'command', source: 'cue', by: 'cue', type: 'wall.play', result: 'ok', text: `wall.play wall-${i % 4} → canopy` });
      case 1:
        return log.add({ kind: 'screen', by: `screen-${i % 16}`, result: 'online', text: `screen screen-${i % 16} connected` });
      case 2:
        return log.add({ kind: 'piece-error', by: `screen-${i % 16}`, result: 'frame', text: `echo failed (frame) on screen-${i % 16}` });
      case 3:
        return log.add({ kind: 'sign-in', by: 'technician', result: 'ok', text: 'technician signed in from 127.0.0.1' });
      default:
        return log.add({ kind: 'show-replaced', by: 'import', result: 'ok', text: 'the whole show was replaced (an import or a restore)' });
    }
  };
  const warm = 50;
  for (let i = 0; i < warm; i++) add(i);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = warm; i < ACTIVITY_MAX; i++) add(i);
  gc();
  const grew = process.memoryUsage().heapUsed - before;
  const n = ACTIVITY_MAX - warm;
  console.log(`activity log: ${n} entries of five kinds in turn: live heap +${(grew / 1024).toFixed(0)} KB, ${(grew / n).toFixed(0)} bytes an entry; a full ring of ${ACTIVITY_MAX} holds about ${((grew / n) * ACTIVITY_MAX / 1048576).toFixed(2)} MB`);
  log.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
