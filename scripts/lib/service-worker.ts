import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin, type Rollup } from 'vite';

/**
 * The screens' service worker (client/sw/sw.ts) built into the client's output as /sw.js, after
 * the pages, with the list of files it precaches written in. docs/operations.md, "Offline play".
 */

/** One precached URL; `revision` null when the name carries the content's hash already. */
export interface PrecacheEntry {
  url: string;
  revision: string | null;
}

/** What sw.ts receives as __PAVILION_PRECACHE__: files both origins serve, and each page by name. */
export interface PrecacheLists {
  common: PrecacheEntry[];
  pages: Record<string, PrecacheEntry>;
}

/** Built pages a screen runs, by name: the HTML file and the route that serves it. */
export const SCREEN_PAGES: Readonly<Record<string, { file: string; url: string }>> = {
  display: { file: 'display.html', url: '/display' },
  stage: { file: 'stage.html', url: '/stage' },
};

/** What the worker needs of assets/manifest.json (server/http/assets.ts writes and checks it). */
export interface AssetList {
  files: Array<{ path: string; sha256: string }>;
}

/**
 * Reads assets/manifest.json. Not through server/http/assets.ts: vite.config.ts loads this file, and
 * that one pulls in protocol/ and zod. Throws saying how to fix a missing or malformed list.
 */
export function readAssetList(file = path.resolve(import.meta.dirname, '..', '..', 'assets', 'manifest.json')): AssetList {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`service worker: cannot read ${file} (${(e as Error).message}); run \`npm run assets\` to write it`);
  }
  const files = (raw as { files?: unknown }).files;
  const ok = Array.isArray(files) && files.every((f: { path?: unknown; sha256?: unknown }) => typeof f?.path === 'string' && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256));
  if (!ok) throw new Error(`service worker: ${file} is malformed (no files with path and sha256); run \`npm run assets\` to rewrite it`);
  return { files: files as AssetList['files'] };
}

const revisionOf = (data: string | Uint8Array) => crypto.createHash('sha256').update(data).digest('hex').slice(0, 16);

/** Media of /assets/ worth having offline: everything listed but licences and notes. */
const isMedia = (file: string) => !/\.(txt|md)$/i.test(file);

/**
 * The precache lists of one build: its screen pages, every file of static/ and runtime/ but source
 * maps and the names in `leaveOut`, and the listed media of /assets/. `files` maps each output file
 * name to its content.
 */
export function precacheLists(files: ReadonlyMap<string, string | Uint8Array>, assets: AssetList, leaveOut: ReadonlySet<string> = new Set()): PrecacheLists {
  const common: PrecacheEntry[] = [];
  for (const [name, data] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (name.endsWith('.map') || !/^(static|runtime)\//.test(name) || leaveOut.has(name)) continue;
    // static/ names carry their hash (vite's assetsDir); runtime/ names are fixed.
    common.push({ url: `/${name}`, revision: name.startsWith('static/') ? null : revisionOf(data) });
  }
  for (const f of assets.files) if (isMedia(f.path)) common.push({ url: `/assets/${f.path}`, revision: f.sha256.slice(0, 16) });
  const pages: Record<string, PrecacheEntry> = {};
  for (const [name, page] of Object.entries(SCREEN_PAGES)) {
    const data = files.get(page.file);
    if (data !== undefined) pages[name] = { url: page.url, revision: revisionOf(data) };
  }
  return { common, pages };
}

/**
 * Modules only a test or a technician's try-out loads: the WebXR emulator (iwer, Meta's Immersive
 * Web Emulation Runtime), which a VR station imports only with `?xr=emulate` (client/xr/emulate.ts).
 * No screen needs it offline, so no screen's worker precaches its ~185 KB; the one station that asks
 * for it fetches it then (a hashed, immutable file).
 */
export const EMULATOR_MODULES = /[\\/]node_modules[\\/]iwer[\\/]/;

/** What onlyLoadedThrough reads of an output chunk (Rollup's and Rolldown's OutputChunk have it). */
export interface ChunkFacts {
  type: 'chunk' | 'asset';
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  facadeModuleId?: string | null;
  imports?: readonly string[];
  dynamicImports?: readonly string[];
}

/**
 * The output chunks a page loads only through a dynamic import of a module matching `modules`: the
 * chunks such an import starts at, and what only they import. Whatever the entries reach (statically
 * or by other dynamic imports) without passing through them is not among them.
 */
export function onlyLoadedThrough(bundle: Readonly<Record<string, ChunkFacts>>, modules: RegExp): Set<string> {
  const chunks = Object.entries(bundle).filter(([, c]) => c.type === 'chunk');
  const isRoot = (c: ChunkFacts) => !c.isEntry && !!c.isDynamicEntry && !!c.facadeModuleId && modules.test(c.facadeModuleId);
  const roots = chunks.filter(([, c]) => isRoot(c)).map(([name]) => name);
  const walk = (from: string[], stopAt: ReadonlySet<string>) => {
    const seen = new Set<string>();
    const todo = [...from];
    for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
      const chunk = bundle[name];
      if (!chunk || seen.has(name) || stopAt.has(name)) continue;
      seen.add(name);
      todo.push(...(chunk.imports ?? []), ...(chunk.dynamicImports ?? []));
    }
    return seen;
  };
  const stop = new Set(roots);
  const elsewhere = walk(chunks.filter(([, c]) => c.isEntry).map(([name]) => name), stop);
  return new Set([...walk(roots, new Set())].filter((name) => !elsewhere.has(name)));
}

function filesOf(bundle: Rollup.OutputBundle): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  for (const [name, out] of Object.entries(bundle)) files.set(name, out.type === 'chunk' ? out.code : out.source);
  return files;
}

/**
 * Vite plugin (build only): once the client is written, bundles `entry` (the worker) into the
 * same folder as sw.js, a classic script with its precache lists built in.
 */
export function pavilionServiceWorker(entry = path.resolve(import.meta.dirname, '..', '..', 'client', 'sw', 'sw.ts')): Plugin {
  let sourcemap = false;
  return {
    name: 'pavilion-service-worker',
    apply: 'build',
    configResolved(config) {
      sourcemap = Boolean(config.build.sourcemap);
    },
    async writeBundle(options, bundle) {
      if (this.environment.name !== 'client' || !options.dir) return;
      const lists = precacheLists(filesOf(bundle), readAssetList(), onlyLoadedThrough(bundle as Record<string, ChunkFacts>, EMULATOR_MODULES));
      if (!lists.pages.display) this.warn('service worker: display.html is not in this build; screens will not load offline');
      await build({
        configFile: false,
        logLevel: 'warn',
        publicDir: false,
        define: { __PAVILION_PRECACHE__: JSON.stringify(lists), 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir: options.dir,
          emptyOutDir: false,
          copyPublicDir: false,
          sourcemap,
          minify: true,
          rolldownOptions: { input: entry, output: { format: 'iife', entryFileNames: 'sw.js' } },
        },
      });
    },
  };
}
