import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer } from '../support/server';
import { inverseOf } from '../../client/control/undo';
import type { ActivityEntry, CommandInput, ShowView } from '../../protocol';

/*
 * Undo (issue 19, guard rails): the panel computes each command's inverse from the show as the
 * server last sent it, and sends it as a command of its own. Through a real server: the inverse
 * brings the show back, and the activity log shows both.
 */

let app: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  app = await startServer();
});
afterAll(async () => {
  await app?.close();
});

const view = async () => (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
const send = async (c: CommandInput) => {
  const res = await api(app, 'POST', '/api/commands', c);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};
/** What undo must restore: the technician's setup, without the clock fields every play rewrites. */
const setup = (v: ShowView) => ({
  blackout: v.blackout,
  volume: v.volume,
  walls: v.walls.map((w) => ({ id: w.id, name: w.name, installationId: w.installationId, params: w.params, paused: w.pausedAt !== null, quality: w.quality, visitorCap: w.visitorCap })),
  screens: v.screens.map((s) => ({ id: s.id, ownBlackout: s.ownBlackout, wallId: s.wallId })),
  cues: v.cues.map((q) => q.id),
  presets: v.presets,
});

describe('undo through the server', () => {
  it('each command with an inverse, then its inverse, leaves the show as it was', async () => {
    expect((await api(app, 'POST', '/api/commands', { type: 'cue.save', cueId: 'intro', name: 'Intro', commands: [{ type: 'show.blackout', on: false }] })).status).toBe(200);
    const wall = (await view()).walls.find((w) => w.installationId)!;
    const commands: CommandInput[] = [
      { type: 'show.blackout', on: true },
      { type: 'show.volume', volume: 0.2 },
      { type: 'wall.stop', wallId: wall.id },
      { type: 'wall.pause', wallId: wall.id },
      { type: 'wall.quality', wallId: wall.id, quality: 'low' },
      { type: 'wall.rename', wallId: wall.id, name: 'Renamed' },
      { type: 'wall.visitors', wallId: wall.id, cap: 3 },
      { type: 'screen.blackout', screenId: wall.screens[0]!, on: true },
      { type: 'cue.delete', cueId: 'intro' },
    ];
    for (const c of commands) {
      const before = await view();
      const inverse = inverseOf(c, before);
      expect(inverse, `${c.type} has an inverse`).not.toBeNull();
      await send(c);
      expect(setup(await view()), `${c.type} changed something`).not.toEqual(setup(before));
      await send(inverse!);
      const after = await view();
      // A stopped piece comes back from its start (a piece cannot rewind its own state): compare the setup only.
      expect(setup(after), `${c.type}, then its undo`).toEqual(setup(before));
    }
    const log = (await api(app, 'GET', '/api/log?source=rest&limit=1000')).body.entries as ActivityEntry[];
    expect(log.filter((e) => e.type === 'show.blackout').map((e) => e.text).slice(-2)).toEqual(['show.blackout on', 'show.blackout off']);
  });
});
