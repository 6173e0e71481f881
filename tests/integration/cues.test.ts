import { afterAll, describe, expect, it } from 'vitest';
import { ARTIST, api, startServer, until } from '../support/server';
import { packFixture, readBundle, rebundle, upload } from '../support/pieces';
import type { App } from '../../server/app';
import type { ShowView } from '../../protocol';

// Cues against the pieces' manifests (validated at save, flagged in the panel's view when a piece
// upgrade changes them), and the cue sequencer through the real server: a GO over REST starts its
// pre-wait, which survives a restart, and cue.stop stops it.
type TestApp = App & { dataDir: string };
const apps: TestApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});
async function server(opts: Parameters<typeof startServer>[0] = {}): Promise<TestApp> {
  const app = await startServer(opts);
  apps.push(app);
  return app;
}
async function command(app: TestApp, c: unknown) {
  return api(app, 'POST', '/api/commands', c);
}
async function must(app: TestApp, c: unknown): Promise<void> {
  const res = await command(app, c);
  expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
}
const view = async (app: TestApp) => (await api(app, 'GET', '/api/show')).body as unknown as ShowView;

describe('cues and the pieces they play', () => {
  let app: TestApp;
  let bundle: ReturnType<typeof readBundle>;

  it('refuses at save a cue whose param does not fit its piece, naming the command and the param', async () => {
    bundle = readBundle(await packFixture('fixture-glow'));
    app = await server({ pieceLimits: { maxBundleBytes: 1024 * 1024, maxFileBytes: 512 * 1024 } });
    expect((await upload(app, bundle, ARTIST)).status).toBe(201);
    const play = { type: 'wall.play', wallId: 'canopy', installationId: 'fixture-glow' };

    const wrongType = await command(app, { type: 'cue.save', cueId: 'bad', name: 'Bad', commands: [play, { type: 'wall.params', wallId: 'canopy', params: { hue: 'red' } }] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error?.message).toBe("cue 'bad' was not saved: command 2 (wall.params): param 'hue' must be a number");
    const unknown = await command(app, { type: 'cue.save', cueId: 'bad', name: 'Bad', commands: [{ ...play, params: { glow: 1 } }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toContain("command 1 (wall.play): piece 'fixture-glow' has no param 'glow'");
    const noPiece = await command(app, { type: 'cue.save', cueId: 'bad', name: 'Bad', commands: [{ ...play, installationId: 'ghost' }] });
    expect(noPiece.body.error?.message).toContain("there is no piece 'ghost'");
    expect((await view(app)).cues).toEqual([]);

    // A cue that fits saves, with its settings; one naming a wall the show lacks saves too, flagged.
    await must(app, { type: 'cue.save', cueId: 'glow', name: 'Glow', commands: [{ ...play, params: { hue: 0.8 } }], preWaitMs: 0, continue: 'auto-follow', notes: 'after the speech' });
    await must(app, { type: 'cue.save', cueId: 'later', name: 'Later', commands: [{ type: 'wall.stop', wallId: 'annex' }] });
    const v = await view(app);
    expect(v.cues[0]).toEqual({ id: 'glow', name: 'Glow', commands: [{ ...play, params: { hue: 0.8 } }], continue: 'auto-follow', notes: 'after the speech' });
    expect(v.cueProblems).toEqual({ later: "command 1 (wall.stop): there is no wall 'annex'; create it or pick another wall" });
  });

  it('flags a cue in the view at once when a new version of its piece changes it, until it is saved again', async () => {
    const hue = { type: 'select', options: ['warm', 'cold'], default: 'warm' };
    const next = rebundle(bundle, { version: '1.1.0', manifest: (m) => ({ ...m, params: { ...(m.params as object), hue } }) });
    expect((await upload(app, next, ARTIST)).status).toBe(201);
    const flagged = await until(async () => (await view(app)).cueProblems.glow, "cue 'glow' to be flagged");
    expect(flagged).toMatch(/^a piece changed, so this cue was changed to fit it: cue 'glow' \(command 1, wall\.play\): param 'hue' of 'fixture-glow' 1\.1\.0 was 0\.8.*reset to its default "warm"\. Check it, then save it to clear this$/);
    const cue = (await view(app)).cues[0]!;
    // The old value no longer saves; the technician picks one the new version takes.
    const stale = await command(app, { type: 'cue.save', cueId: 'glow', name: 'Glow', commands: [{ type: 'wall.play', wallId: 'canopy', installationId: 'fixture-glow', params: { hue: 0.8 } }] });
    expect(stale.body.error?.message).toContain("param 'hue' must be one of warm, cold");
    expect((await view(app)).cueProblems.glow).toBe(flagged);
    await must(app, { type: 'cue.save', cueId: 'glow', name: cue.name, commands: [{ type: 'wall.play', wallId: 'canopy', installationId: 'fixture-glow', params: { hue: 'cold' } }] });
    expect((await view(app)).cueProblems.glow).toBeUndefined();
  });
});

describe('the cue sequencer in the server', () => {
  it('runs a GO from REST through the pre-wait, keeps it across a restart, and cue.stop stops it', async () => {
    let app = await server();
    const dataDir = app.dataDir;
    await must(app, { type: 'cue.save', cueId: 'slow', name: 'Slow', preWaitMs: 3_600_000, commands: [{ type: 'show.volume', volume: 0.3 }] });
    await must(app, { type: 'cue.save', cueId: 'after', name: 'After', commands: [{ type: 'show.volume', volume: 0.6 }] });
    await must(app, { type: 'cue.go' });
    let v = await view(app);
    expect(v.cueWaits).toMatchObject([{ cueId: 'slow', phase: 'pre-wait' }]);
    expect(v.cuePosition).toBe(-1); // not fired: it waits
    expect(v.cues[v.cueStandby]!.id).toBe('after'); // the standby moved at GO
    const due = v.cueWaits[0]!.dueAt;

    apps.splice(apps.indexOf(app), 1);
    await app.close();
    app = await server({ dataDir });
    v = await view(app);
    expect(v.cueWaits).toMatchObject([{ cueId: 'slow', phase: 'pre-wait', dueAt: due }]);
    expect(v.notices.map((n) => n.message).join('\n')).toMatch(/cue sequence resumed after a restart: cue 'slow' \(pre-wait/);

    await must(app, { type: 'cue.stop' });
    v = await view(app);
    expect(v.cueWaits).toEqual([]);
    expect(v.volume).not.toBe(0.3);
  });
});
