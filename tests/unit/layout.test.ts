import fs from 'node:fs';
import path from 'node:path';
import { parseSync } from 'vite';
import { describe, expect, it } from 'vitest';

/**
 * The import rules of the layout (each top-level folder's README.md says what it may import).
 * Every .ts/.tsx file is parsed (oxc, through vite), so `import type`, `export … from`, dynamic
 * `import()` and `typeof import()` all count. A failure lists each offending file and import.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TOP = ['protocol', 'sdk', 'server', 'client', 'installations', 'assets', 'tests', 'bench', 'docs', 'scripts'];
const SKIP = new Set(['node_modules', 'dist', '.tmp', '.git']);
/** The package's own `exports` (package.json) and the aliases of vite.config.ts / tsconfig.json. */
const ALIASES: Record<string, string> = { 'pavilion/sdk': 'sdk/index.ts' };

interface Import {
  /** The specifier as written. */
  spec: string;
  /** Repository-relative POSIX path of a relative or aliased import; null for a package or a URL. */
  target: string | null;
  /** `import type`, `export type`, `typeof import()`: gone at run time. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out.sort();
}

/** Resolves a relative or aliased specifier to a repository file (or folder index), as the bundler would. */
function resolveTarget(file: string, spec: string): string | null {
  if (ALIASES[spec]) return ALIASES[spec];
  if (!spec.startsWith('.')) return null;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.split('?')[0]!));
  const stem = base.replace(/\.js$/, '');
  for (const c of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`, `${stem}/index.tsx`]) if (fs.existsSync(path.join(ROOT, c)) && fs.statSync(path.join(ROOT, c)).isFile()) return c;
  return base; // unresolved (a file mid-move): still judged by its folder
}

const literal = (n: unknown): string | null => {
  const node = n as { type?: string; value?: unknown; expressions?: unknown[]; quasis?: Array<{ value: { cooked: string } }> } | null;
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions?.length === 0) return node.quasis?.[0]?.value.cooked ?? null;
  return null;
};

const cache = new Map<string, Import[]>();

/** Every import of a file: static, re-exports, dynamic, `typeof import()`, `import x = require()`. */
function importsOf(file: string): Import[] {
  const hit = cache.get(file);
  if (hit) return hit;
  const found = parseImports(file, fs.readFileSync(path.join(ROOT, file), 'utf8'));
  cache.set(file, found);
  return found;
}

/** The imports of `source`, as if it were the repository file `file`. */
function parseImports(file: string, source: string): Import[] {
  const parsed = parseSync(file, source);
  if (parsed.errors.length) throw new Error(`layout: cannot parse ${file}: ${parsed.errors[0]!.message}`);
  const found: Import[] = [];
  const add = (spec: string | null, typeOnly: boolean) => {
    if (spec !== null) found.push({ spec, target: resolveTarget(file, spec), typeOnly });
  };
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const node = n as Record<string, unknown> & { type?: string };
    switch (node.type) {
      case 'ImportDeclaration': {
        const specs = (node.specifiers as Array<{ importKind?: string }> | undefined) ?? [];
        add(literal(node.source), node.importKind === 'type' || (specs.length > 0 && specs.every((s) => s.importKind === 'type')));
        return;
      }
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.source) add(literal(node.source), node.exportKind === 'type');
        break;
      case 'ImportExpression':
        add(literal(node.source), false);
        break;
      case 'TSImportType':
        add(literal(node.source ?? node.argument), true);
        break;
      case 'TSExternalModuleReference':
        add(literal(node.expression), false);
        break;
      case 'CallExpression':
        if ((node.callee as { type?: string; name?: string } | undefined)?.name === 'require') add(literal((node.arguments as unknown[])[0]), false);
        break;
    }
    for (const [k, v] of Object.entries(node)) if (v && typeof v === 'object' && k !== 'parent') walk(v);
  };
  walk(parsed.program);
  return found;
}

const within = (target: string | null, dir: string) => target !== null && (target === dir || target.startsWith(`${dir}/`));
const show = (file: string, i: Import) => `${file} imports '${i.spec}'${i.target && i.target !== i.spec ? ` (${i.target})` : ''}`;

/** `file imports 'spec'` for every import of the files under `dirs` that `bad` picks. */
function offending(dirs: string[], bad: (i: Import, file: string) => boolean): string[] {
  return dirs.flatMap((d) => sourceFiles(d)).flatMap((file) => importsOf(file).filter((i) => bad(i, file)).map((i) => show(file, i)));
}

describe('layout: the import rules', () => {
  it('finds every kind of import (the parser itself)', () => {
    const specs = importsOf('tests/unit/layout.test.ts').map((i) => i.spec);
    expect(specs).toEqual(['node:fs', 'node:path', 'vite', 'vitest']);
    const probe2 = [
      "import type { A } from './a';",
      "import { type B } from 'b-pkg';",
      "import './side-effect';",
      "export type { C } from '../c';",
      "export * from 'd-pkg';",
      "type E = typeof import('e-pkg');",
      "const f = () => import('./f');",
      "const g = <p>Don't import('nothing') here</p>;",
      'export { f, g };',
    ].join('\n');
    const found = parseImports('client/host/probe.tsx', probe2);
    expect(found.map((i) => `${i.spec}${i.typeOnly ? ' (type)' : ''}`)).toEqual(['./a (type)', 'b-pkg (type)', './side-effect', '../c (type)', 'd-pkg', 'e-pkg (type)', './f']);
    expect(found.find((i) => i.spec === '../c')?.target).toBe('client/c');
  });

  it('protocol/ imports only zod and its own files', () => {
    expect(offending(['protocol'], (i) => !(i.spec === 'zod' || i.spec.startsWith('zod/') || within(i.target, 'protocol'))), 'protocol/ is the leaf both sides import: zod only').toEqual([]);
  });

  it('nothing under client/, installations/ or sdk/ imports from server/', () => {
    expect(offending(['client', 'installations', 'sdk'], (i) => within(i.target, 'server')), 'move what both need into protocol/').toEqual([]);
  });

  it('nothing under client/preview/ imports from client/display/', () => {
    expect(offending(['client/preview'], (i) => within(i.target, 'client/display')), 'preview and display are both thin bindings over client/host/').toEqual([]);
  });

  it('client/host/ imports no React, react-dom or @react-three/*, not even through the files it imports', () => {
    const react = (spec: string) => /^(react|react-dom)(\/|$)/.test(spec) || spec.startsWith('@react-three/');
    // Directly, type imports included (passes while client/host/ does not exist yet).
    const direct = offending(['client/host'], (i) => react(i.spec));
    // Through the repository files it loads at run time (type-only imports are erased).
    const through: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string, chain: string[]) => {
      for (const i of importsOf(file)) {
        if (i.typeOnly) continue;
        if (react(i.spec) && chain.length > 0) through.push(`${[...chain, file].join(' → ')} imports '${i.spec}'`);
        const t = i.target;
        if (t && /\.tsx?$/.test(t) && fs.existsSync(path.join(ROOT, t)) && !within(t, 'client/host') && !seen.has(t)) {
          seen.add(t);
          visit(t, [...chain, file]);
        }
      }
    };
    for (const file of sourceFiles('client/host')) visit(file, []);
    expect([...direct, ...through], 'the piece host is plain TypeScript: React belongs in client/display/ and client/preview/').toEqual([]);
  });

  it('bench/ does not import tests/', () => {
    expect(offending(['bench'], (i) => within(i.target, 'tests')), 'share code through scripts/lib/ or bench/lib/').toEqual([]);
  });

  it('each top-level folder has a README.md saying what it holds and may import', () => {
    expect(TOP.filter((d) => !fs.existsSync(path.join(ROOT, d, 'README.md'))).map((d) => `${d}/README.md is missing`)).toEqual([]);
  });
});
