import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { ADMIN, api, client, connected, helloOf, ask, startServer, until } from '../support/server';
import { actingAs } from '../../server/activity/actor';
import { createActivityLog } from '../../server/activity/log';
import type { ActivityEntry, ShowView } from '../../protocol';

/* The activity log (issue 19, part 2): every command with its source, who and result; screens, sign-ins; bounded and persisted. */

let app: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  app = await startServer();
});
afterAll(async () => {
  await app?.close();
});

const entries = async (query = '') => ((await api(app, 'GET', `/api/log?limit=1000${query}`)).body.entries as ActivityEntry[]);

describe('GET /api/log', () => {
  it('records a REST command with its source and result, and a refusal with its reason', async () => {
    expect((await api(app, 'POST', '/api/commands', { type: 'show.volume', volume: 0.4 })).status).toBe(200);
    expect((await api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'nowhere', installationId: 'canopy' })).status).toBe(404);
    const log = await entries('&kind=command&source=rest');
    expect(log.at(-2)).toMatchObject({ kind: 'command', source: 'rest', by: 'REST', type: 'show.volume', result: 'ok', text: 'show.volume 40 %' });
    expect(log.at(-1)).toMatchObject({ source: 'rest', type: 'wall.play', result: 'unknown_wall' });
    expect(log.at(-1)!.text).toMatch(/wall.play nowhere → canopy: refused \(.*nowhere/);
    const refused = await entries('&refused=1');
    expect(refused.every((e) => e.result !== 'ok')).toBe(true);
    expect(refused.map((e) => e.type)).toContain('wall.play');
  });

  it('names the panel session that sent a command', async () => {
    const res = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN }) });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pavilion_session='))!.split(';')[0]!;
    const panel = io(`${app.url}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    await connected(panel);
    const ack = await ask<{ ok: boolean }>(panel, 'command', { type: 'show.blackout', on: true });
    expect(ack.ok).toBe(true);
    panel.close();
    const last = (await entries('&source=socket')).at(-1)!;
    expect(last).toMatchObject({ type: 'show.blackout', result: 'ok', text: 'show.blackout on' });
    expect(last.by).toMatch(/^panel [A-Za-z0-9_-]{6}$/);
    expect((await entries('&kind=sign-in')).at(-1)).toMatchObject({ kind: 'sign-in', by: 'technician' });
  });

  it('a change the panel did not make raises a notice with its reason', async () => {
    actingAs('schedule: closing at 20:00', () => app.store.dispatch({ type: 'show.blackout', on: false }, 'schedule'));
    const view = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
    expect(view.notices.at(-1)).toMatchObject({ kind: 'schedule', message: 'schedule: closing at 20:00: show.blackout off' });
    expect((await entries('&source=schedule')).at(-1)).toMatchObject({ by: 'schedule: closing at 20:00', result: 'ok' });
  });

  it('records screens coming and going', async () => {
    const screen = client(app, '/display');
    await connected(screen);
    await ask(screen, 'display:hello', helloOf(app, 'main-1'));
    await until(async () => (await entries('&kind=screen')).some((e) => e.by === 'main-1' && e.result === 'online'), 'main-1 online in the log');
    screen.close();
    await until(async () => (await entries('&kind=screen')).some((e) => e.by === 'main-1' && e.result === 'offline'), 'main-1 offline in the log');
  });

  it('is for the technician only, and says what it takes', async () => {
    expect((await api(app, 'GET', '/api/log', undefined, null)).status).toBe(401);
    const bad = await api(app, 'GET', '/api/log?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/limit/);
  });
});

describe('the log on disk', () => {
  it('is a bounded ring that survives a restart, skipping a torn last line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-activity-'));
    const file = path.join(dir, 'activity.jsonl');
    const log = pino({ level: 'silent' });
    const a = createActivityLog({ file, now: () => 1000, log, max: 3 });
    for (let i = 1; i <= 8; i++) a.add({ kind: 'command', result: 'ok', text: `c${i}` });
    a.close();
    expect(a.since(0, 100).entries.map((e) => e.text)).toEqual(['c6', 'c7', 'c8']);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n').length).toBeLessThanOrEqual(6);
    fs.appendFileSync(file, '{"seq":9,"at":1000,"kind":"comm'); // a power cut mid-line
    const b = createActivityLog({ file, now: () => 2000, log, max: 3 });
    expect(b.since(0, 100).entries.map((e) => e.text)).toEqual(['c6', 'c7', 'c8']);
    expect(b.add({ kind: 'command', result: 'ok', text: 'c9' }).seq, 'seq goes on after a restart').toBe(9);
    expect(b.since(8, 100).entries.map((e) => e.text)).toEqual(['c9']);
    b.close();
    const c = createActivityLog({ file, now: () => 3000, log, max: 3 });
    expect(c.since(0, 100).entries.map((e) => e.text), 'the entry after the torn line survives the next restart').toEqual(['c7', 'c8', 'c9']);
    c.close();
  });
});
