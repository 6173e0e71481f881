import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ThreadPriority } from '../../server/links/thread-priority';

/*
 * server/links/thread-priority.ts raises the calling thread alone (the DMX thread), never the whole
 * process: checked on a worker thread, against what the kernel says of that thread and of this one.
 * Where raising is not allowed (no root, no CAP_SYS_NICE, no chrt), it must say so, not claim it.
 */
const require = createRequire(import.meta.url);
const TSX_API = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const MODULE = pathToFileURL(path.resolve(import.meta.dirname, '../../server/links/thread-priority.ts')).href;

const policyOf = (tid: string) => execFileSync('chrt', ['-p', tid], { encoding: 'utf8' });
const tidHere = () => (require('node:fs') as typeof import('node:fs')).readlinkSync('/proc/thread-self').split('/').pop()!;

describe('raiseThreadPriority', () => {
  it('makes the calling thread real-time (or says why not), and leaves the other threads alone', async () => {
    const code = `
      const { parentPort } = require('node:worker_threads');
      const fs = require('node:fs');
      import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(MODULE)}, ${JSON.stringify(MODULE)})).then((m) => {
        const r = m.raiseThreadPriority({ fifo: 3, nice: null });
        const tid = fs.readlinkSync('/proc/thread-self').split('/').pop();
        parentPort.postMessage({ r, tid });
        setTimeout(() => {}, 2000); // alive while the test reads its policy
        parentPort.on('message', () => process.exit(0));
      });`;
    const w = new Worker(code, { eval: true });
    try {
      const { r, tid } = await new Promise<{ r: ThreadPriority; tid: string }>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      if (r.policy === 'fifo') {
        expect(r.value).toBe(3);
        expect(r.error).toBeNull();
        expect(policyOf(tid)).toMatch(/SCHED_FIFO[\s\S]*priority: 3/);
      } else {
        expect(r.error, 'a refusal says why').toBeTruthy();
      }
      expect(tid).not.toBe(tidHere());
      expect(policyOf(tidHere()), 'the test thread itself is untouched').toMatch(/SCHED_OTHER/);
    } finally {
      w.postMessage('done');
      await w.terminate();
    }
  });
});
