import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, startServer } from '../support/server';
import { createRestorePoints } from '../../server/persistence/restore-points';
import { importWithRestorePoint } from '../../server/http/backups';
import type { Show } from '../../protocol';

/* Backups in the panel (issue 19): an import's preview, restore points, restoring one. */

let app: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  app = await startServer();
});
afterAll(async () => {
  await app?.close();
});

const exported = async () => (await api(app, 'GET', '/api/show/export')).body as unknown as Show;

describe('import preview', () => {
  it('says what an import would change, and changes nothing', async () => {
    const show = await exported();
    const before = app.store.get().version;
    const firstWall = Object.keys(show.walls)[0]!;
    const incoming: Show = {
      ...show,
      walls: { ...show.walls, foyer: { ...show.walls[firstWall]!, id: 'foyer', name: 'Foyer' }, [firstWall]: { ...show.walls[firstWall]!, name: 'Renamed' } },
      volume: show.volume === 1 ? 0.5 : 1,
    };
    const res = await api(app, 'POST', '/api/show/import/preview', incoming);
    expect(res.status).toBe(200);
    const diff = res.body.diff as { walls: { added: string[]; removed: string[]; changed: string[] }; settings: string[]; same: boolean };
    expect(diff.walls).toEqual({ added: ['foyer'], removed: [], changed: [firstWall] });
    expect(diff.settings).toEqual(['volume']);
    expect(diff.same).toBe(false);
    expect(app.store.get().version).toBe(before);
    expect(((await api(app, 'POST', '/api/show/import/preview', show)).body.diff as { same: boolean }).same).toBe(true);
  });

  it('refuses a file that is not a show, naming the field, and anyone without the technician token', async () => {
    const bad = await api(app, 'POST', '/api/show/import/preview', { format: 'pavilion.show/1', walls: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/not a Pavilion show export: .*walls/);
    expect((await api(app, 'POST', '/api/show/import/preview', await exported(), null)).status).toBe(401);
    expect((await api(app, 'GET', '/api/restore-points', undefined, null)).status).toBe(401);
  });

  it('an import sent as a form (curl --data-binary without a header) says which header to send', async () => {
    const res = await fetch(`${app.url}/api/show/import`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '{}' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Content-Type: application\/json/);
  });

  it('an export sent back as text/plain is read as the JSON it is', async () => {
    const res = await fetch(`${app.url}/api/show/import/preview`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'text/plain' }, body: JSON.stringify(await exported()) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { diff: { same: boolean } }).diff.same).toBe(true);
  });
});

describe('restore points', () => {
  it('an import keeps the show it replaces as a restore point, and restoring it brings that show back', async () => {
    const original = await exported();
    const walls = Object.keys(original.walls);
    const incoming: Show = { ...original, walls: { [walls[0]!]: original.walls[walls[0]!]! }, screens: Object.fromEntries(Object.entries(original.screens).map(([id, s]) => [id, { ...s, wallId: s.wallId === walls[0] ? s.wallId : null }])) };
    const imported = await api(app, 'POST', '/api/show/import', incoming);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(Object.keys(app.store.get().walls)).toEqual([walls[0]]);
    const list = (await api(app, 'GET', '/api/restore-points')).body.points as Array<{ id: string; reason: string; summary: { walls: number } }>;
    const point = list.find((p) => p.id === imported.body.restorePoint);
    expect(point?.reason).toBe('before-import');
    expect(point?.summary.walls).toBe(walls.length);

    const preview = await api(app, 'GET', `/api/restore-points/${point!.id}/preview`);
    expect((preview.body.diff as { walls: { added: string[] } }).walls.added.sort()).toEqual(walls.slice(1).sort());
    const restored = await api(app, 'POST', `/api/restore-points/${point!.id}/restore`);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(Object.keys(app.store.get().walls).sort()).toEqual(walls.sort());
    const after = (await api(app, 'GET', '/api/restore-points')).body.points as Array<{ id: string; reason: string; summary: { walls: number } }>;
    expect(after[0]).toMatchObject({ id: restored.body.restorePoint, reason: 'before-restore', summary: { walls: 1 } });
    expect((await api(app, 'POST', '/api/restore-points/1-nope/restore')).status).toBe(404);
  });

  it('a point taken by hand is listed, newest first', async () => {
    const res = await api(app, 'POST', '/api/restore-points');
    expect(res.status).toBe(200);
    const list = (await api(app, 'GET', '/api/restore-points')).body.points as Array<{ id: string; reason: string }>;
    expect(list[0]).toMatchObject({ id: (res.body.point as { id: string }).id, reason: 'manual' });
  });
});

describe('restore points on their own', () => {
  const log = pino({ level: 'silent' });
  const show = (version: number) => ({ ...app.store.get(), version });

  it('keeps only the newest `keep`, and reads them back after a restart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-points-'));
    let t = 1_800_000_000_000;
    const points = createRestorePoints({ dir, now: () => (t += 1000), log, keep: 3 });
    for (let v = 1; v <= 5; v++) points.take(show(v), 'manual');
    const again = createRestorePoints({ dir, now: () => t, log, keep: 3 });
    expect(again.list().map((p) => p.summary.version)).toEqual([5, 4, 3]);
    expect(fs.readdirSync(dir)).toHaveLength(3);
    expect(again.read('../../etc/passwd')).toBeNull();
  });

  it('an import is refused, the show untouched, when its restore point cannot be saved (a full disk)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-points-'));
    const full = { ...fs, writeSync: () => { throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }); } } as unknown as typeof fs;
    const points = createRestorePoints({ dir, now: () => 1, log, fs: full });
    let imported = 0;
    const res = importWithRestorePoint({ show: () => show(7), points, importShow: () => { imported++; return { ok: true, version: 8 }; } }, show(7));
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).toMatch(/restore point .*no space left.*nothing was changed/);
    expect(imported).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
