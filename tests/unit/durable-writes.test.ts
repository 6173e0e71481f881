import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 10: one durable-write module. Every rename and fsync in the server goes through
// server/persistence/durable.ts (write all, fsync, read back, rename, fsync the directory).
// A write to a /proc path is a kernel setting, not data (the DMX thread's name: /proc/thread-self/comm).
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const DURABLE = path.join('server', 'persistence', 'durable.ts');

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? files(rel) : /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

describe('durable writes', () => {
  it('nothing in server/ but persistence/durable.ts renames, fsyncs or writes a file in place', () => {
    const offenders = files('server')
      .filter((f) => f !== DURABLE)
      .flatMap((f) => {
        const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
        return [...text.matchAll(/\b(renameSync|fsyncSync|writeFileSync|appendFileSync|fdatasyncSync)\b(?!\(\s*'\/proc\/)/g)].map((m) => `${f}: ${m[1]}`);
      });
    expect(offenders).toEqual([]);
  });
});
