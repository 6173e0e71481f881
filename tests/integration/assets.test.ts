import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSETS_DIR, ASSET_CACHE_CONTROL, formatManifest, readAssetManifest, registerAssets, scanAssets, verifiedAssets } from '../../server/http/assets';
import { PATTERNS } from '../../scripts/lib/patterns';
import { fonts } from '../../sdk/fonts';
import { startServer } from '../support/server';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const manifest = readAssetManifest();
const listed = new Set(manifest.files.map((f) => f.path));

/** A GET whose path is sent exactly as written (fetch would resolve `..` before sending). */
function rawGet(base: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: Buffer }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('assets/: the committed manifest and patterns', () => {
  it('assets/manifest.json lists exactly the files on disk, with their sizes and hashes (else: npm run assets)', () => {
    expect(fs.readFileSync(path.join(ASSETS_DIR, 'manifest.json'), 'utf8'), 'assets/manifest.json is stale: run `npm run assets`').toBe(formatManifest(scanAssets()));
  });

  it('the committed patterns are what scripts/lib/patterns.ts draws (else: npm run assets)', () => {
    for (const [name, draw] of Object.entries(PATTERNS)) expect(fs.readFileSync(path.join(ASSETS_DIR, 'patterns', name), 'utf8'), `assets/patterns/${name}`).toBe(draw());
  });

  it('ships the fonts the pages and the SDK name, each beside its licence', () => {
    const css = fs.readdirSync(path.join(ROOT, 'client'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.css'));
    const urls = css.flatMap((f) => [...fs.readFileSync(path.join(ROOT, 'client', f), 'utf8').matchAll(/url\(\s*['"]?(\/assets\/[^'")\s]+)/g)].map((m) => m[1]!));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of [...urls, ...Object.values(fonts)]) {
      expect(url.startsWith('/assets/'), url).toBe(true);
      expect(listed.has(url.slice('/assets/'.length)), `${url} is not in assets/manifest.json`).toBe(true);
    }
    for (const f of manifest.files.filter((x) => x.path.startsWith('fonts/'))) expect(listed.has(`${path.posix.dirname(f.path)}/OFL.txt`), `licence beside ${f.path}`).toBe(true);
  });
});

describe('GET /assets/*', () => {
  let app: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    app = await startServer();
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(app.dataDir, { recursive: true, force: true });
  });

  const TYPES: Record<string, string> = { '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8', '.json': 'application/json; charset=utf-8' };

  it('serves every listed file whole, with its content type, size, cache headers and ETag', async () => {
    expect(manifest.files.length).toBeGreaterThan(0);
    for (const f of manifest.files) {
      const res = await fetch(`${app.url}/assets/${f.path}`);
      expect(res.status, f.path).toBe(200);
      expect(res.headers.get('content-type'), f.path).toBe(TYPES[path.extname(f.path)]);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length, f.path).toBe(f.bytes);
      expect(crypto.createHash('sha256').update(body).digest('hex'), f.path).toBe(f.sha256);
      expect(res.headers.get('cache-control'), f.path).toBe(ASSET_CACHE_CONTROL);
      const etag = res.headers.get('etag');
      expect(etag, f.path).toMatch(/^"[0-9a-f]{32}"$/);
      const again = await fetch(`${app.url}/assets/${f.path}`, { headers: { 'if-none-match': etag! } });
      expect(again.status, `${f.path} revalidated`).toBe(304);
    }
  });

  it('serves the list itself at /assets/manifest.json, for a service worker to precache', async () => {
    const res = await fetch(`${app.url}/assets/manifest.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.json()).toEqual(manifest);
  });

  const outside = [
    '/assets/../package.json',
    '/assets/%2e%2e/package.json',
    '/assets/..%2fpackage.json',
    '/assets/fonts/../../package.json',
    '/assets/fonts/space-grotesk/..%2f..%2f..%2fpackage.json',
    '/assets/%2e%2e%2fserver%2fapp.ts',
    '/assets//etc/passwd',
    '/assets/fonts/space-grotesk/OFL.txt/..',
  ];
  for (const p of outside)
    it(`refuses ${p} (nothing outside the list)`, async () => {
      const res = await rawGet(app.url, p);
      expect(res.status, res.body.toString()).toBeGreaterThanOrEqual(400);
      expect(res.body.toString()).not.toMatch(/"name": "pavilion"|createApp|root:/);
    });

  for (const p of ['/assets/', '/assets/fonts', '/assets/fonts/', '/assets/patterns/', '/assets/README.md', '/assets/fonts/space-grotesk/OFL.TXT'])
    it(`lists no folder and serves no unlisted file: ${p}`, async () => {
      const res = await rawGet(app.url, p);
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^application\/json/);
      expect(JSON.parse(res.body.toString())).toMatchObject({ ok: false, error: { code: 'not_found' } });
    });
});

describe('verifiedAssets: the server serves only files as the manifest lists them', () => {
  it('leaves out, with a warning each, a listed file that changed or is missing and a file that is not listed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-assets-'));
    try {
      for (const f of ['a.svg', 'changed.svg', 'missing.svg']) fs.writeFileSync(path.join(dir, f), `<svg>${f}</svg>`);
      fs.writeFileSync(path.join(dir, 'manifest.json'), formatManifest(scanAssets(dir)));
      fs.writeFileSync(path.join(dir, 'changed.svg'), '<svg>edited</svg>');
      fs.rmSync(path.join(dir, 'missing.svg'));
      fs.writeFileSync(path.join(dir, 'stray.svg'), '<svg>stray</svg>');
      const warnings: string[] = [];
      const log = { warn: (_o: object, msg: string) => void warnings.push(msg) };
      expect(verifiedAssets(dir, log).files.map((f) => f.path)).toEqual(['a.svg']);
      expect(warnings.join('\n')).toMatch(/'changed\.svg' is changed/);
      expect(warnings.join('\n')).toMatch(/'missing\.svg' is missing/);
      expect(warnings.join('\n')).toMatch(/'stray\.svg' is not in manifest\.json/);

      const server = Fastify();
      await registerAssets(server, { dir, log: { warn: () => {} } });
      expect((await server.inject('/assets/a.svg')).statusCode).toBe(200);
      for (const f of ['changed.svg', 'missing.svg', 'stray.svg']) expect((await server.inject(`/assets/${f}`)).statusCode, f).toBe(404);
      await server.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to list a file it has no content type for, saying what to do', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-assets-'));
    try {
      fs.writeFileSync(path.join(dir, 'x.exe'), 'MZ');
      expect(() => scanAssets(dir)).toThrow(/no content type for 'x\.exe'; add its extension to ASSET_TYPES/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
