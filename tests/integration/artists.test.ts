import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ARTIST, api, startServer } from '../support/server';
import { asPiece, packFixture, readBundle, rebundle, upload } from '../support/pieces';
import type { ArtistInfo, PieceBundle } from '../../protocol';

let app: Awaited<ReturnType<typeof startServer>>;
let bundle: PieceBundle;
const tokens: Record<string, string> = {};
/** Every token made, revoked ones too. */
const made: string[] = [];
const ID = 'fixture-owned';

/** Every file of the data directory, read as text (the journal, the show, artists.json, secrets…). */
function dataFiles(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...dataFiles(file));
    else if (e.isFile()) out.push({ file, text: fs.readFileSync(file, 'latin1') });
  }
  return out;
}

async function makeArtist(name: string): Promise<string> {
  const res = await api(app, 'POST', '/api/artists', { name }, ADMIN);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const token = String(res.body.token);
  tokens[name] = token;
  made.push(token);
  return token;
}

beforeAll(async () => {
  bundle = readBundle(await packFixture('fixture-glow'));
  app = await startServer({ pieceLimits: { maxBundleBytes: 1024 * 1024, maxFileBytes: 512 * 1024 } });
}, 120_000);
afterAll(async () => {
  await app?.close();
});

describe('artists: one token each, made by the technician', () => {
  it('the technician makes a token per artist; it is shown once and stored only as a hash', async () => {
    const alice = await makeArtist('alice');
    await makeArtist('bob');
    expect(alice).toMatch(/^pva_[A-Za-z0-9_-]{43}$/);
    const list = await api(app, 'GET', '/api/artists', undefined, ADMIN);
    expect(list.status).toBe(200);
    const artists = list.body.artists as ArtistInfo[];
    expect(artists.map((a) => [a.name, a.source])).toEqual(expect.arrayContaining([['artist', 'config'], ['alice', 'panel'], ['bob', 'panel']]));
    expect(JSON.stringify(list.body)).not.toContain(alice);
    const stored = fs.readFileSync(path.join(app.dataDir, 'artists.json'), 'utf8');
    expect(stored).not.toContain(alice);
    expect(stored).toContain('alice');
    // The same name twice, the first artist's name, a bad name: refused, saying why.
    const again = await api(app, 'POST', '/api/artists', { name: 'alice' }, ADMIN);
    expect(again.status).toBe(409);
    expect(again.body.error?.message).toMatch(/revoke it first/);
    expect((await api(app, 'POST', '/api/artists', { name: 'artist' }, ADMIN)).status).toBe(409);
    expect((await api(app, 'POST', '/api/artists', { name: 'Alice Smith' }, ADMIN)).status).toBe(400);
  });

  it('only the technician manages artists', async () => {
    expect((await api(app, 'GET', '/api/artists', undefined, null)).status).toBe(401);
    expect((await api(app, 'GET', '/api/artists', undefined, tokens.alice!)).status).toBe(403);
    expect((await api(app, 'POST', '/api/artists', { name: 'mallory' }, ARTIST)).status).toBe(403);
    expect((await api(app, 'DELETE', '/api/artists/bob', undefined, tokens.alice!)).status).toBe(403);
  });

  it('a piece id belongs to the artist who first uploaded it; another artist gets 403 naming the owner', async () => {
    const first = await upload(app, asPiece(bundle, ID, '1.0.0'), tokens.alice!);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ owner: 'alice' });
    const byBob = await upload(app, asPiece(bundle, ID, '1.1.0'), tokens.bob!);
    expect(byBob.status).toBe(403);
    expect(byBob.body.error?.message).toMatch(/belongs to the artist 'alice'.*your token is the artist 'bob's.*another id/);
    expect(fs.existsSync(path.join(app.dataDir, 'pieces', ID, '1.1.0'))).toBe(false);
  });

  it("case and whitespace tricks in the manifest's artist string change nothing", async () => {
    for (const credit of ['  alice ARTIST ', 'alice', 'ALICE', ' bob ']) {
      const res = await upload(app, withCredit(asPiece(bundle, ID, '1.2.0'), credit), tokens.bob!);
      expect(res.status, credit).toBe(403);
    }
    // Alice's own upload with any credit is hers.
    const res = await upload(app, withCredit(asPiece(bundle, ID, '1.2.0'), 'Someone Else'), tokens.alice!);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await api(app, 'GET', `/api/pieces/${ID}/versions`, undefined, ADMIN)).body).toMatchObject({ owner: 'alice', active: '1.2.0' });
  });

  it('the technician transfers a piece with the command piece.transfer; artists cannot', async () => {
    expect((await api(app, 'POST', '/api/commands', { type: 'piece.transfer', pieceId: ID, artist: 'bob' }, tokens.alice!)).status).toBe(403);
    const res = await api(app, 'POST', '/api/commands', { type: 'piece.transfer', pieceId: ID, artist: 'bob' }, ADMIN);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(app.store.get().pieces?.[ID]?.owner).toBe('bob');
    expect((await upload(app, asPiece(bundle, ID, '1.3.0'), tokens.alice!)).status).toBe(403);
    expect((await upload(app, asPiece(bundle, ID, '1.3.0'), tokens.bob!)).status).toBe(201);
    const list = (await api(app, 'GET', '/api/artists', undefined, ADMIN)).body.artists as ArtistInfo[];
    expect(list.find((a) => a.name === 'bob')?.pieces).toContain(ID);
    expect(list.find((a) => a.name === 'alice')?.pieces).not.toContain(ID);
  });

  it('PAVILION_ARTIST_TOKEN still works, as the artist named by PAVILION_ARTIST_NAME (default `artist`)', async () => {
    const res = await upload(app, asPiece(bundle, 'fixture-first', '1.0.0'), ARTIST);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ owner: 'artist' });
    expect((await upload(app, asPiece(bundle, 'fixture-first', '1.0.1'), tokens.alice!)).status).toBe(403);
  });

  it("an artist's session cookie carries who they are, and ends when their token is revoked", async () => {
    const signIn = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokens.bob }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('pavilion_session='))!.split(';')[0]!;
    expect(cookie).not.toContain(tokens.bob!);
    const viaCookie = await fetch(`${app.url}/api/pieces/${ID}/versions`, { headers: { cookie } });
    expect(viaCookie.status).toBe(200);
    const revoked = await api(app, 'DELETE', '/api/artists/bob', undefined, ADMIN);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect((await fetch(`${app.url}/api/pieces/${ID}/versions`, { headers: { cookie } })).status).toBe(401);
  });

  it('a revoked artist token gets 401; their pieces stay theirs', async () => {
    const res = await upload(app, asPiece(bundle, ID, '1.4.0'), tokens.bob!);
    expect(res.status).toBe(401);
    expect(app.store.get().pieces?.[ID]?.owner).toBe('bob');
    const list = (await api(app, 'GET', '/api/artists', undefined, ADMIN)).body.artists as ArtistInfo[];
    expect(list.find((a) => a.name === 'bob')?.revokedAt).toEqual(expect.any(Number));
    // A new token for the same name works again; the first artist's cannot be revoked here.
    const again = await makeArtist('bob');
    expect((await upload(app, asPiece(bundle, ID, '1.4.0'), again)).status).toBe(201);
    expect((await api(app, 'DELETE', '/api/artists/artist', undefined, ADMIN)).status).toBe(409);
  });

  it('tokens never enter the show, its journal, an export or any other file', async () => {
    const exported = JSON.stringify((await api(app, 'GET', '/api/show/export', undefined, ADMIN)).body);
    const files = dataFiles(app.dataDir);
    expect(made.length).toBe(3);
    for (const token of made) {
      expect(exported).not.toContain(token);
      for (const f of files) expect(f.text.includes(token), f.file).toBe(false);
    }
  });

  it('artists and owners survive a restart', async () => {
    const dataDir = app.dataDir;
    await app.close();
    app = await startServer({ dataDir, pieceLimits: { maxBundleBytes: 1024 * 1024, maxFileBytes: 512 * 1024 } });
    expect((await upload(app, asPiece(bundle, ID, '1.5.0'), tokens.bob!)).status).toBe(201);
    expect((await upload(app, asPiece(bundle, ID, '1.6.0'), tokens.alice!)).status).toBe(403);
  });
});

/** The bundle with its manifest's `artist` credit set to `credit` (checksums recomputed). */
function withCredit(b: PieceBundle, credit: string): PieceBundle {
  return { ...rebundle(b, { manifest: (m) => ({ ...m, artist: credit }) }), id: b.id };
}
