import type { InstallationModule } from 'pavilion/sdk';

/** Bundled pieces, each code-split into its own chunk and loaded on demand. */
const bundled = import.meta.glob<{ default: InstallationModule }>('../../installations/*/index.tsx');

const loaders = new Map<string, () => Promise<{ default: InstallationModule }>>();
for (const [file, load] of Object.entries(bundled)) {
  const id = /installations\/([^/]+)\/index\.tsx$/.exec(file)?.[1];
  if (id) loaders.set(id, load);
}

const cache = new Map<string, Promise<InstallationModule>>();

/** Loads a piece's module: bundled ones from their chunk, uploaded ones from their URL. */
export function loadPiece(id: string, moduleUrl: string | null): Promise<InstallationModule> {
  const key = moduleUrl ?? id;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const mod = moduleUrl
        ? ((await import(/* @vite-ignore */ moduleUrl)) as { default?: InstallationModule })
        : await (loaders.get(id) ?? (() => Promise.reject(new Error(`piece '${id}' is not built into this app; run npm run build, or upload it`))))();
      const def = mod.default;
      if (!def || typeof def !== 'object' || !def.Component) throw new Error(`piece '${id}' does not default-export defineInstallation({ manifest, Component })`);
      return def;
    })();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Whether this page has already loaded (or is loading) that module: a preload of it is no cold load. */
export function isPieceLoaded(id: string, moduleUrl: string | null): boolean {
  return cache.has(moduleUrl ?? id);
}

export function bundledPieceIds(): string[] {
  return [...loaders.keys()];
}
