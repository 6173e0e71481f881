import type { InstallationModule } from 'pavilion/sdk';

type ModuleLoader = () => Promise<{ default?: InstallationModule }>;

/** Where the host gets a piece's module from. */
export interface PieceSource {
  load(id: string, moduleUrl: string | null): Promise<InstallationModule>;
  /** Whether this page has already loaded (or is loading) that module: a preload of it is no cold load. */
  isLoaded(id: string, moduleUrl: string | null): boolean;
}

/** Bundled pieces, each code-split into its own chunk (vite), by id. */
export function bundledPieces(): Map<string, ModuleLoader> {
  const glob = import.meta.glob<{ default: InstallationModule }>('../../installations/*/index.tsx');
  const loaders = new Map<string, ModuleLoader>();
  for (const [file, load] of Object.entries(glob)) {
    const id = /installations\/([^/]+)\/index\.tsx$/.exec(file)?.[1];
    if (id) loaders.set(id, load);
  }
  return loaders;
}

/** Loads pieces' modules: bundled ones from their chunk, uploaded ones from their URL. One per page. */
export class PieceLoader implements PieceSource {
  private readonly cache = new Map<string, Promise<InstallationModule>>();

  constructor(
    private readonly bundled: ReadonlyMap<string, ModuleLoader> = bundledPieces(),
    private readonly importUrl: (url: string) => Promise<{ default?: InstallationModule }> = (url) => import(/* @vite-ignore */ url),
  ) {}

  load(id: string, moduleUrl: string | null): Promise<InstallationModule> {
    const key = moduleUrl ?? id;
    let p = this.cache.get(key);
    if (!p) {
      p = (async () => {
        const load = moduleUrl ? () => this.importUrl(moduleUrl) : this.bundled.get(id);
        if (!load) throw new Error(`piece '${id}' is not built into this app; run npm run build, or upload it`);
        const def = (await load()).default;
        if (!def || typeof def !== 'object' || !def.Component) throw new Error(`piece '${id}' does not default-export defineInstallation({ manifest, Component })`);
        return def;
      })();
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  isLoaded(id: string, moduleUrl: string | null): boolean {
    return this.cache.has(moduleUrl ?? id);
  }

  bundledIds(): string[] {
    return [...this.bundled.keys()];
  }
}
