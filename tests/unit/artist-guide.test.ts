import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as sdk from '../../sdk/index';

const ROOT = path.resolve(import.meta.dirname, '../..');
const guide = fs.readFileSync(path.join(ROOT, 'docs', 'artist-guide.md'), 'utf8');
const index = fs.readFileSync(path.join(ROOT, 'sdk', 'index.ts'), 'utf8');

/** Every name sdk/index.ts exports, values and types, read from its export lists. */
function exportedNames(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g))
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  for (const m of source.matchAll(/export\s+(?:const|function|class|interface|type)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  if (/export\s+\*/.test(source)) throw new Error('sdk/index.ts uses `export *`: list the names so the guide can be checked');
  return [...names].sort();
}

/** The names the guide's SDK reference describes: the first column of its tables. */
function documentedNames(markdown: string): string[] {
  const start = markdown.indexOf('## 5. SDK reference');
  const end = markdown.indexOf('\n## ', start + 1);
  expect(start, 'docs/artist-guide.md has a "## 5. SDK reference" section').toBeGreaterThan(0);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const m = /^\|\s*`([A-Za-z_$][\w$]*)/.exec(line);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

describe('docs/artist-guide.md documents the SDK exactly', () => {
  const exported = exportedNames(index);
  const documented = documentedNames(guide);

  it('reads a sensible export list', () => {
    expect(exported).toContain('defineInstallation');
    expect(exported).toContain('useShowTime');
    // Every value export the regex found is really exported at run time.
    for (const name of Object.keys(sdk)) expect(exported, `${name} is exported at run time`).toContain(name);
  });

  it('describes every exported name', () => {
    expect(exported.filter((n) => !documented.includes(n)), 'exported by pavilion/sdk but missing from the guide').toEqual([]);
  });

  it('describes nothing the SDK does not export', () => {
    expect(documented.filter((n) => !exported.includes(n)), 'in the guide but not exported by pavilion/sdk').toEqual([]);
  });
});
