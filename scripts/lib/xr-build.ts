import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * @react-three/xr's store (@pmndrs/xr) imports its own emulator on demand (iwer with its dev UI and
 * synthetic rooms: megabytes that every screen's service worker would precache). Pavilion never
 * uses it (`emulate: false`; client/xr/emulate.ts loads iwer alone, with `?xr=emulate`), so the
 * build resolves that import to a stub that says so.
 */
export function noStoreEmulator(): Plugin {
  const stub = path.resolve(import.meta.dirname, '../../client/xr/no-store-emulator.ts');
  return {
    name: 'pavilion-no-store-emulator',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './emulate.js' && importer && /[\\/]@pmndrs[\\/]xr[\\/]dist[\\/]store\.js$/.test(importer)) return stub;
      return null;
    },
  };
}
