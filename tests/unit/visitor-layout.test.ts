import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const importsOf = (file: string) => [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '');

describe('the visitors core and the transport seams', () => {
  it('keeps every file of server/visitors/ to 250 lines at most (one concern each)', () => {
    const long = tsFiles('server/visitors')
      .map((f) => ({ f, lines: fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length }))
      .filter((x) => x.lines > 250);
    expect(long, `split these files: ${long.map((x) => `${x.f} (${x.lines} lines)`).join(', ')}`).toEqual([]);
  });

  it('imports socket.io only in server/transport/', () => {
    const outside = tsFiles('server')
      .filter((f) => !f.startsWith(`server${path.sep}transport${path.sep}`))
      .filter((f) => importsOf(f).some((m) => m === 'socket.io' || m.startsWith('socket.io/')));
    expect(outside, 'move the socket.io code of these files into server/transport/').toEqual([]);
  });

  it('the visitors core imports no socket code, and the visitor transport names no room of /display', () => {
    const sockets = tsFiles('server/visitors').filter((f) => importsOf(f).some((m) => m.startsWith('socket.io') || m.includes('/transport/')));
    expect(sockets).toEqual([]);
    const visitor = fs.readFileSync(path.join(ROOT, 'server/transport/visitor.ts'), 'utf8');
    expect(visitor, "emit to a wall's screens through the display transport's frameTo(wallId)").not.toMatch(/['"`]wall:|display\.nsp\b/);
  });
});
