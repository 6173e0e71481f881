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

describe('runtime version warnings', () => {
  it('warns on a different three.js minor or another major of the others, not on patches', () => {
    expect(runtimeWarnings({ three: '0.186.0' }, { three: '0.187.0' })).toHaveLength(1);
    expect(runtimeWarnings({ three: '0.187.1' }, { three: '0.187.0' })).toEqual([]);
    expect(runtimeWarnings({ react: '18.3.1' }, { react: '19.3.1' })).toHaveLength(1);
    expect(runtimeWarnings({ react: '19.2.0' }, { react: '19.3.1' })).toEqual([]);
    expect(runtimeWarnings({ pavilion: '0.1.0' }, {})).toEqual([]);
  });
});
