import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { precacheLists, readAssetList } from '../../scripts/lib/service-worker';

// What the build writes into sw.js (scripts/lib/service-worker.ts): the files a screen needs offline.
const assets = {
  files: [
    { path: 'fonts/space-grotesk/OFL.txt', sha256: 'a'.repeat(64) },
    { path: 'fonts/space-grotesk/space-grotesk-latin-400-normal.woff2', sha256: 'b'.repeat(64) },
    { path: 'patterns/grid.svg', sha256: 'c'.repeat(64) },
  ],
};

describe('the service worker precache lists', () => {
  it('lists static/ and runtime/ (no source maps), the media of /assets/, and each screen page by route', () => {
    const files = new Map<string, string>([
      ['display.html', '<html>display</html>'],
      ['control.html', '<html>control</html>'],
      ['stage.html', '<html>stage</html>'],
      ['static/display-AbC123.js', 'code'],
      ['static/display-AbC123.js.map', '{}'],
      ['static/base-XyZ.css', 'css'],
      ['runtime/three.js', 'export * from "three"'],
      ['sw.js', 'old worker'],
    ]);
    const lists = precacheLists(files, assets);
    expect(lists.common.map((e) => e.url)).toEqual([
      '/runtime/three.js',
      '/static/base-XyZ.css',
      '/static/display-AbC123.js',
      '/assets/fonts/space-grotesk/space-grotesk-latin-400-normal.woff2',
      '/assets/patterns/grid.svg',
    ]);
    // Hashed names need no revision; fixed names get their content's.
    expect(lists.common.find((e) => e.url === '/static/display-AbC123.js')?.revision).toBeNull();
    expect(lists.common.find((e) => e.url === '/runtime/three.js')?.revision).toMatch(/^[0-9a-f]{16}$/);
    expect(lists.common.find((e) => e.url === '/assets/patterns/grid.svg')?.revision).toBe('c'.repeat(16));
    expect(Object.keys(lists.pages).sort()).toEqual(['display', 'stage']);
    expect(lists.pages.display?.url).toBe('/display');
    expect(lists.pages.stage?.url).toBe('/stage');
  });

  it('changes a page revision when its HTML changes, and leaves out a page that is not built', () => {
    const a = precacheLists(new Map([['display.html', 'one']]), assets);
    const b = precacheLists(new Map([['display.html', 'two']]), assets);
    expect(a.pages.display?.revision).not.toBe(b.pages.display?.revision);
    expect(a.pages.stage).toBeUndefined();
  });

  it("reads the repository's assets/manifest.json, and says how to fix a broken one", () => {
    expect(readAssetList().files.length).toBeGreaterThan(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-sw-'));
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, JSON.stringify({ format: 1, files: [{ path: 'x.svg' }] }));
    expect(() => readAssetList(file)).toThrow(/is malformed .*run `npm run assets`/);
    expect(() => readAssetList(path.join(dir, 'missing.json'))).toThrow(/cannot read .*run `npm run assets`/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
