import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ARTIST, api, startServer } from '../support/server';
import { packFixture, readBundle, rebundle, upload } from '../support/pieces';
import type { PieceBundle } from '../../protocol';

let app: Awaited<ReturnType<typeof startServer>>;
let bundle: PieceBundle;
let raw: Buffer;

beforeAll(async () => {
  const file = await packFixture('fixture-glow');
  raw = fs.readFileSync(file);
  bundle = readBundle(file);
  app = await startServer({ pieceLimits: { maxBundleBytes: 1024 * 1024, maxFileBytes: 512 * 1024 } });
}, 120_000);
afterAll(async () => {
  await app?.close();
});

describe('live add: POST /api/pieces', () => {
  it('packs into one versioned bundle holding module.js, the manifest and the assets', () => {
    const paths = bundle.files.map((f) => f.path);
    expect(bundle.id).toBe('fixture-glow');
    expect(bundle.version).toBe('1.0.0');
    expect(paths).toContain('module.js');
    expect(paths).toContain('manifest.json');
    expect(paths.some((p) => /^assets\/dot-[\w-]+\.png$/.test(p))).toBe(true);
    const code = Buffer.from(bundle.files.find((f) => f.path === 'module.js')!.data, 'base64').toString();
    expect(code).toContain('/runtime/three.js');
    expect(code).toContain('/runtime/sdk.js');
    expect(code).not.toMatch(/from\s*["']three["']/);
  });

  it('accepts an artist upload and lists it at once, served from the data directory', async () => {
    const res = await upload(app, raw, ARTIST);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ ok: true, id: 'fixture-glow', version: '1.0.0', moduleUrl: '/pieces/fixture-glow/1.0.0/module.js', previous: null });

    const list = await api(app, 'GET', '/api/installations', undefined, null);
    const entry = (list.body as unknown as Array<Record<string, unknown>>).find((p) => p.id === 'fixture-glow');
    expect(entry).toMatchObject({ source: 'uploaded', version: '1.0.0', moduleUrl: '/pieces/fixture-glow/1.0.0/module.js' });

    const mod = await fetch(`${app.url}/pieces/fixture-glow/1.0.0/module.js`);
    expect(mod.status).toBe(200);
    expect(mod.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(mod.headers.get('content-security-policy')).toContain('sandbox');
    const asset = bundle.files.find((f) => f.path.endsWith('.png'))!;
    const png = await fetch(`${app.url}/pieces/fixture-glow/1.0.0/${asset.path}`);
    expect(png.status).toBe(200);
    expect(Buffer.from(await png.arrayBuffer()).equals(Buffer.from(asset.data, 'base64'))).toBe(true);
    expect((await fetch(`${app.url}/pieces/fixture-glow/1.0.0/..%2F..%2Fpiece.json`)).status).toBe(404);
    expect((await fetch(`${app.url}/pieces/fixture-glow/9.9.9/module.js`)).status).toBe(404);
  });

  it('refuses the same version again, accepts a new one, and keeps both', async () => {
    const again = await upload(app, raw, ARTIST);
    expect(again.status).toBe(409);
    expect(again.body.error?.message).toMatch(/version 1\.0\.0 of 'fixture-glow' is already installed; raise "version"/);

    const next = await upload(app, rebundle(bundle, { version: '1.1.0' }), ARTIST);
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body).toMatchObject({ version: '1.1.0', previous: '1.0.0' });
    const versions = await api(app, 'GET', '/api/pieces/fixture-glow/versions', undefined, ARTIST);
    expect(versions.status).toBe(200);
    expect(versions.body).toMatchObject({ id: 'fixture-glow', owner: 'Pavilion tests', active: '1.1.0' });
    expect((versions.body.versions as Array<{ version: string }>).map((v) => v.version).sort()).toEqual(['1.0.0', '1.1.0']);
    expect(app.catalog.get('fixture-glow')?.version).toBe('1.1.0');
  });

  it('lets the technician, and only the technician, roll back', async () => {
    const byArtist = await api(app, 'POST', '/api/pieces/fixture-glow/rollback', { version: '1.0.0' }, ARTIST);
    expect(byArtist.status).toBe(403);
    const missing = await api(app, 'POST', '/api/pieces/fixture-glow/rollback', { version: '0.0.1' }, ADMIN);
    expect(missing.status).toBe(404);
    expect(missing.body.error?.message).toMatch(/kept versions: /);
    const res = await api(app, 'POST', '/api/pieces/fixture-glow/rollback', { version: '1.0.0' }, ADMIN);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ ok: true, active: '1.0.0', previous: '1.1.0' });
    expect(app.catalog.get('fixture-glow')).toMatchObject({ version: '1.0.0', moduleUrl: '/pieces/fixture-glow/1.0.0/module.js' });
  });

  it("refuses another artist's upload over an existing piece, but lets the technician", async () => {
    const other = rebundle(bundle, { version: '2.0.0', manifest: (m) => ({ ...m, artist: 'Someone Else' }) });
    const res = await upload(app, other, ARTIST);
    expect(res.status).toBe(403);
    expect(res.body.error?.message).toMatch(/belongs to Pavilion tests/);
    expect((await upload(app, other, ADMIN)).status).toBe(201);
  });

  it('refuses to replace a bundled piece', async () => {
    const bundled = app.catalog.list().find((p) => p.source === 'bundled');
    if (!bundled) return; // no bundled pieces in this checkout
    const res = await upload(app, rebundle({ ...bundle, id: bundled.id }, { manifest: (m) => ({ ...m, id: bundled.id }) }), ADMIN);
    expect(res.status).toBe(409);
    expect(res.body.error?.message).toMatch(/built into Pavilion/);
  });

  it('survives a restart: uploaded pieces come back with their active version', async () => {
    const dataDir = app.dataDir;
    await app.close();
    app = await startServer({ dataDir, pieceLimits: { maxBundleBytes: 1024 * 1024, maxFileBytes: 512 * 1024 } });
    expect(app.catalog.get('fixture-glow')).toMatchObject({ source: 'uploaded', version: '2.0.0' });
    const versions = await api(app, 'GET', '/api/pieces/fixture-glow/versions', undefined, ADMIN);
    expect((versions.body.versions as unknown[]).length).toBe(3);
  });
});

describe('refused uploads, each with a reason', () => {
  const fresh = (change: Parameters<typeof rebundle>[1]) => ({ ...rebundle(bundle, change), id: 'fixture-other' });
  const asOther = (m: Record<string, unknown>) => ({ ...m, id: 'fixture-other' });

  it('no token: 401 naming the artist token', async () => {
    const res = await upload(app, raw, null);
    expect(res.status).toBe(401);
    expect(res.body.error?.message).toMatch(/artist token/);
    expect((await upload(app, raw, 'not-a-token')).status).toBe(401);
  });

  it('an artist token cannot run the show: /api/commands answers 403', async () => {
    const res = await api(app, 'POST', '/api/commands', { type: 'show.blackout', on: true }, ARTIST);
    expect(res.status).toBe(403);
    expect(app.store.get().blackout).toBe(false);
  });

  it('a bad manifest: 400 naming the field', async () => {
    const res = await upload(app, fresh({ manifest: (m) => ({ ...asOther(m), title: '' }) }));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/manifest\.json is not valid: title/);
  });

  it('a manifest whose id differs from the bundle: 400', async () => {
    const res = await upload(app, fresh({ manifest: (m) => ({ ...m, id: 'something-else' }) }));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/manifest\.json says id 'something-else'/);
  });

  for (const evil of ['../../evil.js', 'assets/../../evil.js', '/etc/evil.js', 'assets\\evil.js', 'C:/evil.js', '.hidden.js', 'assets/evil.html', 'assets/x.svg']) {
    it(`an unsafe path (${evil}): 400`, async () => {
      const res = await upload(app, fresh({ manifest: asOther, files: { [evil]: 'export {}' } }));
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toContain(`file path '${evil}' is refused`);
      expect(fs.existsSync(`${app.dataDir}/pieces/fixture-other`)).toBe(false);
    });
  }

  it('an oversize bundle: 413 with the limit', async () => {
    const big = fresh({ manifest: asOther, files: { 'assets/big.bin': Buffer.alloc(1100 * 1024, 7) } });
    const res = await upload(app, big);
    expect(res.status).toBe(413);
    expect(res.body.error?.message).toMatch(/MB.*limit|limit.*MB/);
  });

  it('an oversize file inside the limit of the bundle: 413 naming the file', async () => {
    const res = await upload(app, fresh({ manifest: asOther, files: { 'assets/big.bin': Buffer.alloc(600 * 1024, 7) } }));
    expect(res.status).toBe(413);
    expect(res.body.error?.message).toMatch(/file 'assets\/big\.bin' is/);
  });

  it('junk: 400 saying it is not a bundle', async () => {
    const res = await upload(app, Buffer.from([0x50, 0x4b, 3, 4, 1, 2, 3]));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/not a Pavilion bundle/);
    const json = await upload(app, '{"hello":"world"}');
    expect(json.status).toBe(400);
    expect(json.body.error?.message).toMatch(/bundle is not valid: format/);
  });

  it('the wrong content type: 415 with the right one', async () => {
    const res = await upload(app, raw, ARTIST, 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body.error?.message).toMatch(/application\/octet-stream/);
  });

  it('a damaged file: 400 about its checksum', async () => {
    const b = fresh({ manifest: asOther });
    const f = b.files.find((x) => x.path === 'module.js')!;
    f.data = Buffer.from('export default 1;').toString('base64');
    const res = await upload(app, b);
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/checksum/);
  });

  it('a module that imports from the network or an unknown package: 400', async () => {
    for (const src of ['import x from "https://cdn.example.com/x.js"; export default x;', 'import x from "lodash"; export default x;', 'import x from "./missing.js"; export default x;']) {
      const res = await upload(app, fresh({ manifest: asOther, files: { 'module.js': src } }));
      expect(res.status, src).toBe(400);
      expect(res.body.error?.message).toMatch(/imports '/);
    }
  });

  it('a module without a default export: 400', async () => {
    const res = await upload(app, fresh({ manifest: asOther, files: { 'module.js': 'export const x = 1;' } }));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/no default export/);
  });

  it('nothing refused was stored or announced', () => {
    expect(app.catalog.get('fixture-other')).toBeUndefined();
    expect(fs.existsSync(`${app.dataDir}/pieces/fixture-other`)).toBe(false);
  });
});
