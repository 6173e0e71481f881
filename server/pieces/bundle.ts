import crypto from 'node:crypto';
import path from 'node:path';
import { ImportType, init as lexerReady, parse as lexModule } from 'es-module-lexer';
import { Manifest, PieceBundle, SHARED_MODULES, describeIssues, type ErrorCode } from '../../protocol';

/** What an uploaded bundle may weigh. */
export interface BundleLimits {
  /** The whole .pavilion file as uploaded. */
  maxBundleBytes: number;
  /** One file, decoded. */
  maxFileBytes: number;
  /** Every file together, decoded. */
  maxTotalBytes: number;
  maxFiles: number;
}

export const DEFAULT_LIMITS: BundleLimits = {
  maxBundleBytes: 32 * 1024 * 1024,
  maxFileBytes: 16 * 1024 * 1024,
  maxTotalBytes: 24 * 1024 * 1024,
  maxFiles: 256,
};

/** File types a bundle may hold, and the Content-Type each is served with. No HTML, no SVG: nothing a browser would run if opened. */
export const FILE_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  map: 'application/json; charset=utf-8',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  ktx2: 'image/ktx2',
  basis: 'application/octet-stream',
  hdr: 'application/octet-stream',
  exr: 'application/octet-stream',
  glb: 'model/gltf-binary',
  gltf: 'model/gltf+json',
  bin: 'application/octet-stream',
  wasm: 'application/wasm',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  webm: 'video/webm',
};

export interface ParsedBundle {
  id: string;
  version: string;
  manifest: Manifest;
  files: Array<{ path: string; data: Buffer }>;
  totalBytes: number;
  runtime: Record<string, string>;
}

export type BundleResult = { ok: true; bundle: ParsedBundle } | { ok: false; code: ErrorCode; message: string };

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const RUNTIME_URLS = new Set(Object.values(SHARED_MODULES).map((n) => `/runtime/${n}.js`));
const mb = (n: number) => `${(n / 1048576).toFixed(n < 1048576 ? 2 : 1)} MB`;

/** Why a path inside a bundle is unsafe, or null when it is fine. */
export function unsafePath(p: string): string | null {
  if (p.includes('\\')) return 'it contains a backslash; use / between folders';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'it is absolute; paths must be relative to the bundle';
  if (p.includes('\0')) return 'it contains a NUL byte';
  const segments = p.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return "it climbs out of the bundle ('..' or '.')";
  if (segments.some((s) => s === '')) return 'it has an empty folder name (//, or a trailing /)';
  if (segments.length > 8) return 'it is nested deeper than 8 folders';
  const bad = segments.find((s) => !SEGMENT.test(s));
  if (bad !== undefined) return `'${bad}' may only use letters, digits, '.', '-' and '_', and may not start with '.' or '-'`;
  const ext = path.posix.extname(p).slice(1).toLowerCase();
  if (!FILE_TYPES[ext]) return `files of type '.${ext || '(none)'}' are not allowed (allowed: ${Object.keys(FILE_TYPES).join(', ')})`;
  return null;
}

const refuse = (code: ErrorCode, message: string): BundleResult => ({ ok: false, code, message });
const PACK_HINT = 'make the bundle with `npm run pack-piece -- installations/<id>`';

/**
 * Checks an uploaded .pavilion file from top to bottom before anything touches the disk: format,
 * sizes, safe paths, checksums, the manifest schema, and what module.js imports.
 */
export async function parseBundle(raw: Buffer, limits: BundleLimits = DEFAULT_LIMITS): Promise<BundleResult> {
  if (raw.length === 0) return refuse('bad_request', `the request body is empty; send the .pavilion file as the raw body (Content-Type: application/octet-stream); ${PACK_HINT}`);
  if (raw.length > limits.maxBundleBytes)
    return refuse('too_large', `the bundle is ${mb(raw.length)}; the limit is ${mb(limits.maxBundleBytes)}. Shrink its assets (compress textures, shorten audio) and pack again`);
  let json: unknown;
  try {
    if (raw[0] !== 0x7b) throw new Error('not JSON');
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return refuse('bad_request', `this is not a Pavilion bundle (a .pavilion file is JSON starting with '{'); ${PACK_HINT}`);
  }
  const parsed = PieceBundle.safeParse(json);
  if (!parsed.success) return refuse('bad_request', `the bundle is not valid: ${describeIssues(parsed.error.issues)}`);
  const b = parsed.data;
  if (b.files.length > limits.maxFiles) return refuse('too_large', `the bundle holds ${b.files.length} files; the limit is ${limits.maxFiles}`);

  const files: ParsedBundle['files'] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const f of b.files) {
    const why = unsafePath(f.path);
    if (why) return refuse('bad_request', `file path '${f.path.slice(0, 200)}' is refused: ${why}`);
    const key = f.path.toLowerCase();
    if (seen.has(key)) return refuse('bad_request', `file '${f.path}' appears twice in the bundle`);
    seen.add(key);
    if (f.data.length % 4 !== 0 || !BASE64.test(f.data)) return refuse('bad_request', `file '${f.path}' is not valid base64`);
    const size = (f.data.length / 4) * 3 - (f.data.endsWith('==') ? 2 : f.data.endsWith('=') ? 1 : 0);
    if (size > limits.maxFileBytes) return refuse('too_large', `file '${f.path}' is ${mb(size)}; one file may be at most ${mb(limits.maxFileBytes)}`);
    total += size;
    if (total > limits.maxTotalBytes) return refuse('too_large', `the files add up to more than ${mb(limits.maxTotalBytes)}, the limit for one piece`);
    const data = Buffer.from(f.data, 'base64');
    if (crypto.createHash('sha256').update(data).digest('hex') !== f.sha256)
      return refuse('bad_request', `file '${f.path}' does not match its checksum: the bundle is damaged; pack it again`);
    files.push({ path: f.path, data });
  }

  const byPath = new Map(files.map((f) => [f.path, f.data]));
  const manifestData = byPath.get('manifest.json');
  if (!manifestData) return refuse('bad_request', `the bundle has no manifest.json; ${PACK_HINT}`);
  if (!byPath.has('module.js')) return refuse('bad_request', `the bundle has no module.js; ${PACK_HINT}`);
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(manifestData.toString('utf8'));
  } catch (e) {
    return refuse('bad_request', `manifest.json is not valid JSON: ${(e as Error).message}`);
  }
  const manifest = Manifest.safeParse(manifestJson);
  if (!manifest.success) return refuse('bad_request', `manifest.json is not valid: ${describeIssues(manifest.error.issues)}`);
  if (manifest.data.id !== b.id) return refuse('bad_request', `manifest.json says id '${manifest.data.id}' but the bundle says '${b.id}'; pack it again`);
  if (manifest.data.version !== b.version)
    return refuse('bad_request', `manifest.json says version '${manifest.data.version}' but the bundle says '${b.version}'; pack it again`);

  const imports = await checkImports(files);
  if (imports) return refuse('bad_request', imports);

  return { ok: true, bundle: { id: b.id, version: b.version, manifest: manifest.data, files, totalBytes: total, runtime: b.runtime ?? {} } };
}

const ALLOWED_IMPORTS = () => `${Object.keys(SHARED_MODULES).join(', ')} (served by Pavilion) and its own files`;

/**
 * A dynamic import whose specifier is computed at run time (`import(someVar)`, `import('./' + name)`):
 * nobody can tell before it runs what it would load, so it is refused whatever it would load.
 */
function computedImport(file: string, source: string, start: number, end: number): string {
  const line = source.slice(0, start).split('\n').length;
  const found = source.slice(start, end).replace(/\s+/g, ' ').slice(0, 80);
  return (
    `${file} (line ${line}) has a dynamic import whose specifier is computed at run time: ${found}${end - start > 80 ? '…' : ''}. ` +
    `A piece may import only with literal specifiers (import('./chunk.js'), not import(name)), and only ${ALLOWED_IMPORTS()}; ` +
    `load data with useAsset, or list each module in its own import('./…')`
  );
}

/**
 * Every JavaScript file may import only the shared runtime modules and files of the bundle itself,
 * statically or with import('…'), and always with a literal specifier.
 */
async function checkImports(files: ParsedBundle['files']): Promise<string | null> {
  await lexerReady;
  const names = new Set(files.map((f) => f.path));
  for (const f of files) {
    if (!/\.m?js$/i.test(f.path)) continue;
    const source = f.data.toString('utf8');
    let lexed: ReturnType<typeof lexModule>;
    try {
      lexed = lexModule(source, f.path);
    } catch (e) {
      return `${f.path} is not valid JavaScript (${(e as Error).message.split('\n')[0]}); ${PACK_HINT}`;
    }
    const [imports, exports] = lexed;
    for (const imp of imports) {
      if (imp.t === ImportType.ImportMeta) continue; // import.meta.url: the module's own address, nothing loaded
      const spec = imp.n;
      if (spec === undefined) return computedImport(f.path, source, imp.ss, imp.se);
      if (spec.startsWith('./') || spec.startsWith('../')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(f.path), spec));
        if (!names.has(target)) return `${f.path} imports '${spec}', which the bundle does not contain; ${PACK_HINT}`;
        continue;
      }
      if (RUNTIME_URLS.has(spec)) continue;
      return `${f.path} imports '${spec.slice(0, 120)}'${imp.d > -1 ? ' with import()' : ''}: a piece may import only ${ALLOWED_IMPORTS()}. Nothing may load from the network: pavilions are often offline`;
    }
    if (f.path === 'module.js' && !exports.some((e) => e.n === 'default'))
      return 'module.js has no default export: index.tsx must `export default defineInstallation({ manifest, Component })`';
  }
  return null;
}
