import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unsafePath, parseBundle } from '../../server/pieces/bundle';
import { runtimeWarnings } from '../../server/pieces/runtime-versions';

describe('bundle paths', () => {
  it('accepts plain relative paths of allowed types', () => {
    for (const p of ['module.js', 'manifest.json', 'assets/dot-Ab12_x.png', 'chunks/shader-9f.js', 'module.js.map', 'a/b/c/d/e.glb']) expect(unsafePath(p), p).toBeNull();
  });
  it('refuses traversal, absolute paths, odd characters and runnable types, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['../x.js', /climbs out/],
      ['assets/../../x.js', /climbs out/],
      ['./x.js', /climbs out/],
      ['/etc/passwd.txt', /absolute/],
      ['C:/x.js', /absolute/],
      ['assets\\x.js', /backslash/],
      ['assets//x.js', /empty folder/],
      ['.env.js', /may not start with '\.'/],
      ['assets/-x.js', /may not start/],
      ['assets/x y.png', /may only use/],
      ['index.html', /not allowed/],
      ['assets/x.svg', /not allowed/],
      ['Makefile', /not allowed/],
      ['a/b/c/d/e/f/g/h/i.js', /deeper than 8/],
    ];
    for (const [p, why] of cases) expect(unsafePath(p), p).toMatch(why);
  });
});

describe('parseBundle', () => {
  it('refuses an empty body, junk and oversize input before parsing', async () => {
    expect(await parseBundle(Buffer.alloc(0))).toMatchObject({ ok: false, code: 'bad_request' });
    expect(await parseBundle(Buffer.from('PK\u0003\u0004'))).toMatchObject({ ok: false, message: expect.stringMatching(/not a Pavilion bundle/) });
    const big = await parseBundle(Buffer.alloc(2048, 0x7b), { maxBundleBytes: 1024, maxFileBytes: 512, maxTotalBytes: 1024, maxFiles: 4 });
    expect(big).toMatchObject({ ok: false, code: 'too_large' });
  });
});

/** A minimal bundle: a manifest and the given JavaScript files (module.js among them). */
function bundleOf(js: Record<string, string>): Buffer {
  const manifest = { id: 'imports-check', title: 'Imports', artist: 'Tests', description: 'Import checks.', version: '1.0.0', params: {}, inputs: [] };
  const files = Object.entries({ 'manifest.json': JSON.stringify(manifest), ...js }).map(([path, text]) => {
    const data = Buffer.from(text);
    return { path, sha256: crypto.createHash('sha256').update(data).digest('hex'), data: data.toString('base64') };
  });
  return Buffer.from(JSON.stringify({ format: 'pavilion.piece/1', id: 'imports-check', version: '1.0.0', files }));
}

describe('parseBundle: what a module may import', () => {
  it('accepts static and literal dynamic imports of its own files and the shared runtime, and import.meta', async () => {
    const res = await parseBundle(
      bundleOf({
        'module.js': "import * as THREE from '/runtime/three.js'; const late = () => import('./chunks/late.js'); export default { THREE, late, here: import.meta.url };",
        'chunks/late.js': "export const sdk = () => import('/runtime/sdk.js'); export default 1;",
      }),
    );
    expect(res.ok, JSON.stringify(res)).toBe(true);
  });

  it('refuses a dynamic import with a computed specifier, saying what, where, and what is allowed', async () => {
    for (const [src, found] of [
      ['const someVar = location.hash.slice(1); export default () => import(someVar);', 'import(someVar)'],
      ["const n = 'x'; export default () => import('./' + n + '.js');", "import('./' + n + '.js')"],
    ] as const) {
      const res = await parseBundle(bundleOf({ 'module.js': 'export default 1;', 'chunks/loader.js': src }));
      expect(res.ok, src).toBe(false);
      if (res.ok) continue;
      expect(res.code).toBe('bad_request');
      expect(res.message).toContain('chunks/loader.js (line 1)');
      expect(res.message).toContain(found);
      expect(res.message).toMatch(/may import only with literal specifiers .* and only react, .*pavilion\/sdk \(served by Pavilion\) and its own files/);
    }
  });

  it('refuses a literal dynamic import from the network or of a bare package, like a static one', async () => {
    for (const spec of ['https://evil.example/x.js', '//evil.example/x.js', 'lodash', '/api/commands', './missing.js']) {
      const res = await parseBundle(bundleOf({ 'module.js': `export default () => import('${spec}');` }));
      expect(res.ok, spec).toBe(false);
      if (!res.ok) expect(res.message, spec).toContain(`module.js imports '${spec}'`);
    }
  });
});

describe('runtime version warnings', () => {
  it('warns on a different three.js minor or another major of the others, not on patches', () => {
    expect(runtimeWarnings({ three: '0.186.0' }, { three: '0.187.0' })).toHaveLength(1);
    expect(runtimeWarnings({ three: '0.187.1' }, { three: '0.187.0' })).toEqual([]);
    expect(runtimeWarnings({ react: '18.3.1' }, { react: '19.3.1' })).toHaveLength(1);
    expect(runtimeWarnings({ react: '19.2.0' }, { react: '19.3.1' })).toEqual([]);
    expect(runtimeWarnings({ pavilion: '0.1.0' }, {})).toEqual([]);
  });
});
