import { describe, expect, it } from 'vitest';
import { EMULATOR_MODULES, onlyLoadedThrough, precacheLists, type ChunkFacts } from '../../scripts/lib/service-worker';

/*
 * The WebXR emulator (iwer, ~185 KB) is loaded only by a VR station opened with `?xr=emulate`
 * (client/xr/emulate.ts): the screens' service worker does not precache it (docs/vr.md).
 */
const IWER = '/repo/node_modules/iwer/lib/index.js';

/** A build's chunks as the worker's plugin sees them: the pages, the lazy VR station, the emulator and what it alone imports. */
const bundle: Record<string, ChunkFacts> = {
  'static/display-a1.js': { type: 'chunk', isEntry: true, facadeModuleId: '/repo/client/display/main.tsx', imports: ['static/three-b2.js'], dynamicImports: [] },
  'static/stage-c3.js': { type: 'chunk', isEntry: true, facadeModuleId: '/repo/client/stage/main.tsx', imports: ['static/three-b2.js', 'static/shared-e5.js'], dynamicImports: ['static/xr-d4.js'] },
  'static/three-b2.js': { type: 'chunk', imports: [], dynamicImports: [] },
  'static/shared-e5.js': { type: 'chunk', imports: [], dynamicImports: [] },
  // The VR station's folder, lazily: it imports the emulator only with ?xr=emulate.
  'static/xr-d4.js': { type: 'chunk', isDynamicEntry: true, facadeModuleId: '/repo/client/xr/index.ts', imports: ['static/three-b2.js'], dynamicImports: ['static/lib-f6.js'] },
  'static/lib-f6.js': { type: 'chunk', isDynamicEntry: true, facadeModuleId: IWER, imports: ['static/gl-matrix-g7.js', 'static/shared-e5.js'], dynamicImports: ['static/devui-h8.js'] },
  'static/gl-matrix-g7.js': { type: 'chunk', imports: [], dynamicImports: [] },
  'static/devui-h8.js': { type: 'chunk', isDynamicEntry: true, facadeModuleId: '/repo/node_modules/@iwer/devui/index.js', imports: [], dynamicImports: [] },
  'static/base-i9.css': { type: 'asset' },
};

describe("the screens' precache and the WebXR emulator", () => {
  it('finds the chunks only the emulator import loads: iwer and what it alone imports, not what the pages share with it', () => {
    expect([...onlyLoadedThrough(bundle, EMULATOR_MODULES)].sort()).toEqual(['static/devui-h8.js', 'static/gl-matrix-g7.js', 'static/lib-f6.js']);
    // No match, nothing left out.
    expect(onlyLoadedThrough(bundle, /never-a-module/).size).toBe(0);
  });

  it("a screen's precache list lacks the emulator and keeps everything else, the VR station's own chunk included", () => {
    const files = new Map<string, string>([
      ['display.html', '<html>display</html>'],
      ['stage.html', '<html>stage</html>'],
      ...Object.keys(bundle).map((name): [string, string] => [name, `code of ${name}`]),
    ]);
    const lists = precacheLists(files, { files: [] }, onlyLoadedThrough(bundle, EMULATOR_MODULES));
    const urls = lists.common.map((e) => e.url);
    expect(urls).not.toContain('/static/lib-f6.js');
    expect(urls).not.toContain('/static/gl-matrix-g7.js');
    expect(urls).toEqual(['/static/base-i9.css', '/static/display-a1.js', '/static/shared-e5.js', '/static/stage-c3.js', '/static/three-b2.js', '/static/xr-d4.js']);
    // The flat screen's page and the stage are still precached.
    expect(Object.keys(lists.pages).sort()).toEqual(['display', 'stage']);
  });
});
