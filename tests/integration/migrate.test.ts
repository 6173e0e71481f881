import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIST, api, startServer, until } from '../support/server';
import { packFixture, readBundle, rebundle, upload } from '../support/pieces';
import type { App } from '../../server/app';
import type { Show, ShowView } from '../../protocol';

// Export always imports: a piece whose param changes type (`speed` from number to select) leaves
// the show valid, its stored values migrated through the store and reported, and the server's own
// export imports again. Once with a bundled piece changed across a restart, once with an upload.
type TestApp = App & { dataDir: string };
const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});
async function server(opts: Parameters<typeof startServer>[0]): Promise<TestApp> {
  const app = await startServer(opts);
  apps.push(app);
  return app;
}
async function stop(app: TestApp): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}
async function exported(app: TestApp): Promise<Show> {
  const res = await api(app, 'GET', '/api/show/export');
  expect(res.status).toBe(200);
  return res.body as unknown as Show;
}
async function command(app: TestApp, c: unknown): Promise<void> {
  const res = await api(app, 'POST', '/api/commands', c);
  expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
}
const notices = async (app: TestApp) => ((await api(app, 'GET', '/api/show')).body as unknown as ShowView).notices.map((n) => n.message);
/** Without the version: an import is a new version of the show. */
const content = (s: Show) => ({ ...s, version: 0 });

const SPEED_V1 = { type: 'number', min: 0, max: 10, default: 1 };
const SPEED_V2 = { type: 'select', options: ['slow', 'fast'], default: 'slow' };
function writePiece(dir: string, version: string, speed: unknown): void {
  fs.mkdirSync(path.join(dir, 'tuner'), { recursive: true });
  const manifest = { id: 'tuner', title: 'Tuner', artist: 'Pavilion tests', description: 'A piece whose speed changes type.', version, params: { speed, size: { type: 'number', min: 0, max: 100, default: 10 } } };
  fs.writeFileSync(path.join(dir, 'tuner', 'manifest.json'), JSON.stringify(manifest));
}

describe('a bundled piece changed across a restart', () => {
  it('migrates walls, presets and cues in one durable change, reports each, and the export imports again', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-migrate-'));
    const installationsDir = path.join(dataDir, 'installations');
    writePiece(installationsDir, '1.0.0', SPEED_V1);

    let app = await server({ dataDir, installationsDir });
    await command(app, { type: 'wall.play', wallId: 'main', installationId: 'tuner' });
    await command(app, { type: 'wall.params', wallId: 'main', params: { speed: 3, size: 40 } });
    await command(app, { type: 'preset.save', installationId: 'tuner', name: 'calm', params: { speed: 2, size: 20 } });
    await command(app, { type: 'cue.save', cueId: 'open', name: 'Open', commands: [{ type: 'wall.play', wallId: 'main', installationId: 'tuner', params: { speed: 4 } }, { type: 'wall.params', wallId: 'main', params: { speed: 5 } }] });
    const backup = await exported(app);
    await stop(app);

    writePiece(installationsDir, '2.0.0', SPEED_V2);
    app = await server({ dataDir, installationsDir });
    const show = app.store.get();
    expect(show.version).toBe(backup.version + 1); // one change, through the store
    expect(show.walls.main!.params).toEqual({ speed: 'slow', size: 40 });
    expect(show.presets.tuner!.calm).toEqual({ speed: 'slow', size: 20 });
    expect(show.cues[0]!.commands).toEqual([
      { type: 'wall.play', wallId: 'main', installationId: 'tuner', params: { speed: 'slow' } },
      { type: 'wall.params', wallId: 'main', params: { speed: 'slow' } },
    ]);
    const said = (await notices(app)).join('\n');
    for (const where of ["wall 'main'", "preset 'calm' of 'tuner'", "cue 'open' (command 1, wall.play)", "cue 'open' (command 2, wall.params)"])
      expect(said).toContain(`at start-up: ${where}: param 'speed' of 'tuner' 2.0.0 was`);
    expect(said).toMatch(/must be one of slow, fast\); reset to its default "slow"/);

    // The server's own export imports, and comes back the same.
    const after = await exported(app);
    const res = await api(app, 'POST', '/api/show/import', after);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(content(await exported(app))).toEqual(content(after));
    // So does the backup taken before the change: its stale values are migrated and reported too.
    const old = await api(app, 'POST', '/api/show/import', backup);
    expect(old.status, JSON.stringify(old.body)).toBe(200);
    expect(app.store.get().walls.main!.params.speed).toBe('slow');
    expect((await notices(app)).some((n) => n.startsWith("import: wall 'main': param 'speed'"))).toBe(true);
    // The cues run on the new version.
    await command(app, { type: 'cue.go', cueId: 'open' });
    await command(app, { type: 'wall.play', wallId: 'main', installationId: 'tuner', preset: 'calm' });

    // The migration was saved: the next start has nothing left to migrate.
    const version = app.store.get().version;
    await stop(app);
    app = await server({ dataDir, installationsDir });
    expect(app.store.get().version).toBe(version);
    expect(await notices(app)).toEqual([]);
  });
});

describe('an uploaded piece whose new version changes a param', () => {
  it('migrates the presets and cues to the new version, keeps the wall on the version it plays, and the export imports again', async () => {
    const bundle = readBundle(await packFixture('fixture-glow'));
    const app = await server({ pieceLimits: { maxBundleBytes: 1024 * 1024, maxFileBytes: 512 * 1024 } });
    expect((await upload(app, bundle, ARTIST)).status).toBe(201);
    await command(app, { type: 'wall.play', wallId: 'main', installationId: 'fixture-glow', params: { hue: 0.9 } });
    await command(app, { type: 'preset.save', installationId: 'fixture-glow', name: 'dusk', params: { hue: 0.2 } });
    await command(app, { type: 'cue.save', cueId: 'glow', name: 'Glow', commands: [{ type: 'wall.play', wallId: 'canopy', installationId: 'fixture-glow', params: { hue: 0.8 } }] });

    const hue = { type: 'select', options: ['warm', 'cold'], default: 'warm' };
    const next = rebundle(bundle, { version: '1.1.0', manifest: (m) => ({ ...m, params: { ...(m.params as object), hue } }) });
    const res = await upload(app, next, ARTIST);
    expect(res.status, JSON.stringify(res.body)).toBe(201);

    await until(() => app.store.get().presets['fixture-glow']?.dusk?.hue === 'warm', 'the preset to be migrated');
    expect(app.store.get().cues[0]!.commands[0]).toMatchObject({ params: { hue: 'warm' } });
    // The wall plays 1.0.0 until its next wall.play: its value still fits that version.
    expect(app.store.get().walls.main!.params.hue).toBe(0.9);
    const said = (await notices(app)).join('\n');
    expect(said).toContain("after a piece changed: preset 'dusk' of 'fixture-glow': param 'hue' of 'fixture-glow' 1.1.0 was 0.2");
    expect(said).toContain("cue 'glow' (command 1, wall.play)");

    const after = await exported(app);
    const back = await api(app, 'POST', '/api/show/import', after);
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(content(await exported(app))).toEqual(content(after));
    await command(app, { type: 'cue.go', cueId: 'glow' });
  });
});
