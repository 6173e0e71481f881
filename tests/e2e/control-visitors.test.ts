import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { ADMIN, api, ask, client, connected, startServer, until } from '../support/server';
import { launch, openPage } from '../support/browser';
import type { App } from '../../server/app';
import type { VisitorView } from '../../protocol';

const STATIC = process.env.PAVILION_STATIC_DIR ? path.resolve(process.env.PAVILION_STATIC_DIR) : path.resolve(import.meta.dirname, '../../dist/client');

type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

let app: App;
let browser: Browser;
let panel: Awaited<ReturnType<typeof openPage>>;
let control: Page;
const sockets: Socket[] = [];

/** A real phone-less visitor: socket.io-client on /visitor, joined to the wall. */
async function visitor(wallId = 'main') {
  const socket = client(app, '/visitor');
  sockets.push(socket);
  await connected(socket);
  const secret = `e2e-${Math.random().toString(36).slice(2, 14)}`;
  const res = await ask<Ack<{ view: VisitorView }>>(socket, 'visitor:join', { wallId, visitorId: secret });
  if (!res.ok) throw new Error(`join refused: ${res.error.message}`);
  return { socket, secret, view: res.view, id: res.view.visitorId };
}

const row = (id: string) => control.getByTestId(`visitor-${id}`);

beforeAll(async () => {
  app = await startServer({ staticDir: STATIC });
  expect((await api(app, 'POST', '/api/commands', { type: 'wall.visitors', wallId: 'main', cap: 2, input: true })).body.ok).toBe(true);
  browser = await launch();
  panel = await openPage(browser, `${app.url}/control`, { width: 1100, height: 900 });
  control = panel.page;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await browser?.close();
  await app?.close();
});

describe('control panel: the wall’s visitors, and removing one', () => {
  it('shows the empty state before anyone joins', async () => {
    await control.getByTestId('signin-token').fill(ADMIN);
    await control.getByTestId('signin-token').press('Enter');
    await control.getByTestId('tab-walls').click();
    await control.getByTestId('pick-wall-main').click();
    const empty = control.getByTestId('visitor-list-empty');
    await empty.waitFor();
    expect(await empty.innerText()).toMatch(/No visitors yet.*QR code/);
  });

  it('lists joined visitors (playing and queued); Remove kicks one: its socket is told and dropped, its row goes', async () => {
    const victim = await visitor();
    const other = await visitor();
    const waiting = await visitor(); // cap 2: third in line
    expect(victim.view.status).toBe('playing');
    expect(waiting.view.status).toBe('queued');

    await row(victim.id).waitFor();
    await row(other.id).waitFor();
    await control.locator(`[data-testid="visitor-${waiting.id}"][data-status="queued"]`).waitFor();
    expect(await row(waiting.id).innerText()).toMatch(/queued #1/i);
    expect(await row(victim.id).innerText()).toMatch(/playing/i);
    expect(await control.getByTestId('visitor-list-empty').count()).toBe(0);
    // The panel shows public ids only, never the secret the phone keeps.
    const listText = await control.getByTestId('visitor-list').innerText();
    expect(listText).not.toContain(victim.secret);
    expect(listText).toMatch(/2 playing, 1 queued/);
    expect(listText).toMatch(/keeps that visitor out for 10 min/); // the server's ban time, sent with the list

    const told: Array<{ message: string; reason: string }> = [];
    victim.socket.on('visitor:kicked', (p: { message: string; reason: string }) => told.push(p));
    let dropped: string | null = null;
    victim.socket.once('disconnect', (why) => (dropped = why));

    // The first press only arms the button; nothing is sent yet.
    const button = control.getByTestId(`kick-${victim.id}`);
    await button.click();
    await control.locator(`[data-testid="kick-${victim.id}"].armed`).waitFor();
    expect(await button.innerText()).toBe('Remove?');
    expect(app.visitors.list('main').some((v) => v.id === victim.id)).toBe(true);
    expect(victim.socket.connected).toBe(true);

    // The second press removes them.
    await button.click();
    await until(() => told.length > 0, 'the visitor socket to receive visitor:kicked');
    expect(told).toEqual([{ reason: 'kick', message: expect.stringMatching(/staff/) }]);
    expect(await until(() => dropped, 'the server to disconnect the visitor socket')).toBe('io server disconnect');
    await row(victim.id).waitFor({ state: 'detached' });
    await control.getByTestId('toast-ok').filter({ hasText: `Visitor ${victim.id} removed` }).waitFor();

    // The others stay; the one in line takes the freed place, and the list says so.
    await control.locator(`[data-testid="visitor-${waiting.id}"][data-status="playing"]`).waitFor();
    expect(await row(other.id).count()).toBe(1);
    await until(() => !app.visitors.list('main').some((v) => v.id === victim.id), 'the server to forget the kicked visitor');
    expect(app.visitors.list('main').map((v) => v.id).sort()).toEqual([other.id, waiting.id].sort());

    // And the kicked visitor cannot come straight back.
    const back = client(app, '/visitor');
    sockets.push(back);
    await connected(back);
    expect(await ask<Ack>(back, 'visitor:join', { wallId: 'main', visitorId: victim.secret })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('warns that tilt needs HTTPS on a plain-HTTP server, only for a piece that reads tilt', async () => {
    const withTilt = app.catalog.list().find((p) => p.inputs.some((i) => i.type === 'tilt'));
    const without = app.catalog.list().find((p) => !p.inputs.some((i) => i.type === 'tilt'));
    expect(withTilt && without).toBeTruthy();
    const play = (installationId: string) => api(app, 'POST', '/api/commands', { type: 'wall.play', wallId: 'main', installationId });
    await play(without!.id);
    await control.getByTestId('visitor-list').waitFor();
    expect(await control.getByTestId('tilt-needs-https').count()).toBe(0);
    await play(withTilt!.id);
    const note = control.getByTestId('tilt-needs-https');
    await note.waitFor();
    expect(await note.innerText()).toMatch(/HTTPS.*PAVILION_TLS_CERT/s);
    await play(without!.id);
    await note.waitFor({ state: 'detached' });
  });

  it('left no errors in the control page console', () => {
    expect(panel.consoleErrors).toEqual([]);
    expect(panel.external).toEqual([]);
  });
});
