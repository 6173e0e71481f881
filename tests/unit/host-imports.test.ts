import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLIENT = path.resolve(import.meta.dirname, '../../client');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic), resolved when relative. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specs.map((s) => (s.startsWith('.') ? path.relative(CLIENT, path.resolve(path.dirname(file), s)) : s));
}

const offenders = (dir: string, bad: (spec: string) => boolean) =>
  sources(path.join(CLIENT, dir)).flatMap((f) => importsOf(f).filter(bad).map((s) => `${path.relative(CLIENT, f)} imports ${s}`));

describe('import rules of the piece host', () => {
  it('finds imports (the scan itself works)', () => {
    expect(importsOf(path.join(CLIENT, 'host/host.ts'))).toContain('host/switcher');
    expect(importsOf(path.join(CLIENT, 'mount/HostStage.tsx'))).toContain('@react-three/fiber');
  });

  // No React in client/host, and preview never display: tests/unit/layout.test.ts.
  it('client/host imports nothing of its bindings (client/display, client/preview, client/mount)', () => {
    expect(offenders('host', (s) => /^(display|preview|mount)(\/|$)/.test(s))).toEqual([]);
  });

  it('client/mount (the React layer both pages share) imports neither page', () => {
    expect(offenders('mount', (s) => /^(display|preview)(\/|$)/.test(s))).toEqual([]);
  });
});
