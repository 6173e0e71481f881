import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { PIECE_BUNDLE_FORMAT, SHARED_MODULES, runtimeUrl, type PieceBundle, type SharedSpecifier } from '../../protocol';
import { readManifest } from '../../server/pieces/catalog';
import { unsafePath } from '../../server/pieces/bundle';
import { runtimeVersions } from '../../server/pieces/runtime-versions';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface PackResult {
  file: string;
  id: string;
  version: string;
  files: Array<{ path: string; bytes: number }>;
  bytes: number;
}

export class PackError extends Error {}

/** Fails the build when a piece reaches outside its folder (other than npm packages). */
function selfContained(folder: string): Plugin {
  return {
    name: 'pavilion-self-contained',
    generateBundle(_options, bundle) {
      const strays = new Set<string>();
      for (const chunk of Object.values(bundle))
        if (chunk.type === 'chunk')
          for (const id of chunk.moduleIds) {
            const file = id.split('?')[0]!;
            if (!path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
            if (!file.startsWith(folder + path.sep)) strays.add(path.relative(ROOT, file));
          }
      if (strays.size)
        this.error(
          `the piece imports files outside its folder: ${[...strays].join(', ')}. A piece may import only ${Object.keys(SHARED_MODULES).join(', ')}, npm packages and its own files`,
        );
    },
  };
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full, base));
    else if (e.isFile()) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/**
 * Builds one piece alone (vite, ES module, the shared modules left out and mapped to
 * /runtime/*.js) and writes one versioned bundle: <out>/<id>-<version>.pavilion.
 */
export async function packPiece(folderArg: string, opts: { out?: string; log?: (line: string) => void; sourcemap?: boolean } = {}): Promise<PackResult> {
  const log = opts.log ?? (() => {});
  const folder = path.resolve(folderArg);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new PackError(`${folderArg} is not a folder; pass the piece's folder, e.g. installations/my-piece`);
  const manifestFile = path.join(folder, 'manifest.json');
  const entry = path.join(folder, 'index.tsx');
  if (!fs.existsSync(manifestFile)) throw new PackError(`${folderArg} has no manifest.json; scaffold a piece with npm run new-piece -- <id>`);
  if (!fs.existsSync(entry)) throw new PackError(`${folderArg} has no index.tsx; it must default-export defineInstallation({ manifest, Component })`);
  const res = readManifest(manifestFile, path.basename(folder));
  if (!res.ok) throw new PackError(`${res.message.replace(/^pieces: (skipping )?/, '').replace(/; fix it and restart$/, '')}; fix manifest.json and pack again`);
  const { id, version } = res.manifest;

  // A production build: the JSX runtime must be react/jsx-runtime (shared), never the dev one.
  process.env.NODE_ENV = 'production';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `pavilion-pack-${id}-`));
  const specifiers = Object.keys(SHARED_MODULES) as SharedSpecifier[];
  try {
    log(`packing ${id} ${version} from ${path.relative(process.cwd(), folder) || '.'}`);
    await build({
      configFile: false,
      envDir: false,
      root: folder,
      base: './', // asset URLs resolve against the module's own URL, wherever it is served
      mode: 'production',
      logLevel: 'warn',
      publicDir: false,
      plugins: [react(), selfContained(folder)],
      build: {
        outDir: tmp,
        emptyOutDir: true,
        sourcemap: opts.sourcemap ?? true,
        minify: true,
        target: 'es2022',
        modulePreload: false,
        copyPublicDir: false,
        reportCompressedSize: false,
        rollupOptions: {
          input: entry,
          preserveEntrySignatures: 'strict',
          external: specifiers,
          output: {
            format: 'es',
            entryFileNames: 'module.js',
            chunkFileNames: 'chunks/[name]-[hash].js',
            assetFileNames: 'assets/[name]-[hash][extname]',
            paths: Object.fromEntries(specifiers.map((s) => [s, runtimeUrl(s)])),
          },
        },
      },
    });
    const built = listFiles(tmp);
    if (!built.includes('module.js')) throw new PackError('the build produced no module.js');
    const files: PieceBundle['files'] = [];
    const add = (p: string, data: Buffer) => {
      const why = unsafePath(p);
      if (why) throw new PackError(`cannot pack ${p}: ${why}`);
      files.push({ path: p, sha256: crypto.createHash('sha256').update(data).digest('hex'), data: data.toString('base64') });
    };
    add('manifest.json', fs.readFileSync(manifestFile));
    for (const p of built) add(p, fs.readFileSync(path.join(tmp, p)));

    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const bundle: PieceBundle = {
      format: PIECE_BUNDLE_FORMAT,
      id,
      version,
      files,
      runtime: { pavilion: pkg.version, ...runtimeVersions(ROOT) },
      builtAt: new Date().toISOString(),
    };
    const outDir = path.resolve(opts.out ?? path.join(ROOT, 'dist', 'pieces'));
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${id}-${version}.pavilion`);
    fs.writeFileSync(file, JSON.stringify(bundle));
    const sizes = files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.data, 'base64') }));
    for (const s of sizes) log(`  ${s.path.padEnd(44)} ${(s.bytes / 1024).toFixed(1).padStart(8)} kB`);
    return { file, id, version, files: sizes, bytes: fs.statSync(file).size };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
