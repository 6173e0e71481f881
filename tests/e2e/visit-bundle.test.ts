/**
 * The phone page stays light: the JavaScript the built `visit` entry loads (its script and every
 * chunk it imports, statically) is under 100 KB gzipped and holds no zod. The phone page imports
 * the protocol only through protocol/plain.ts (tests/unit/protocol-plain.test.ts checks the source;
 * this checks what a phone actually downloads). Needs the build: dist/client or PAVILION_STATIC_DIR.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { STATIC_DIR } from '../support/stage';

const LIMIT = 100 * 1024;
/** Names zod keeps in a minified bundle (its schema internals and classes). */
const ZOD_MARKS = /\b_zod\b|\$Zod[A-Z]|ZodError/;

/** The entry script of a built page and every JS chunk it imports (static imports, followed transitively). */
function chunksOf(page: string): string[] {
  const html = fs.readFileSync(path.join(STATIC_DIR, page), 'utf8');
  const entry = /<script[^>]+type="module"[^>]+src="\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error(`${page} in ${STATIC_DIR} has no module script; build the client first (npx vite build)`);
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = fs.readFileSync(path.join(STATIC_DIR, file), 'utf8');
    // Minified static imports: import"./a.js"; import{x as y}from"./b.js"; export{…}from"./c.js"
    for (const m of code.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]*?from\s*)?["'](\.\.?\/[^"']+\.js)["']/g))
      queue.push(path.posix.join(path.posix.dirname(file), m[1]!));
  }
  return [...seen];
}

describe('the phone page bundle', () => {
  it('is under 100 KB of JavaScript gzipped, and holds no zod', () => {
    const chunks = chunksOf('visit.html');
    expect(chunks.length).toBeGreaterThan(1); // the entry and at least its shared chunks
    let gzipped = 0;
    const withZod: string[] = [];
    for (const file of chunks) {
      const code = fs.readFileSync(path.join(STATIC_DIR, file));
      gzipped += gzipSync(code, { level: 9 }).length;
      if (ZOD_MARKS.test(code.toString('utf8'))) withZod.push(file);
    }
    console.info(`visit bundle: ${chunks.length} chunks, ${(gzipped / 1024).toFixed(1)} KB gzipped (${chunks.join(', ')})`);
    expect(withZod, 'chunks of the phone page that contain zod').toEqual([]);
    expect(gzipped).toBeLessThan(LIMIT);
  });

  it('finds zod where it is (the check can fail)', () => {
    // The control panel checks cue commands with the protocol's schemas as they are typed: zod is there.
    const control = chunksOf('control.html');
    expect(control.some((f) => ZOD_MARKS.test(fs.readFileSync(path.join(STATIC_DIR, f), 'utf8')))).toBe(true);
  });
});
