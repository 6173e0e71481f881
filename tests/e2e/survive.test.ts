import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { exited, startChild } from '../support/child';
import { launch, openPage, waitFrames } from '../support/browser';
import { ADMIN, api, until } from '../support/server';
import { diag, playOn, STATIC_DIR } from '../support/stage';
import type { ScreenStatus } from '../../protocol';

/**
 * Issue 12, end to end: a screen plays through a dead server. The server runs as `npm start` runs
 * it (a child process, its own data directory, fixed ports for the page and the stage origin), is
 * killed with SIGKILL while a screen plays, and started again on the same ports.
 */
const SCREEN = 'main-1';
const WALL = 'main';

/** A port nobody listens on right now (the OS's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

let browser: Browser;
let server: { child: ChildProcess; url: string; output: () => string } | null = null;
let env: Record<string, string>;
let page: Page;
let consoleErrors: string[];

const start = async () => {
  server = await startChild(env);
  return server;
};
const screenStatus = async (): Promise<ScreenStatus | undefined> => {
  const res = await api(server!, 'GET', '/api/show');
  return (res.body.screens as ScreenStatus[] | undefined)?.find((s) => s.id === SCREEN);
};
const pageConnected = () => page.evaluate(() => (window as unknown as { __pavilion: { connected: boolean } }).__pavilion.connected);

beforeAll(async () => {
  const port = await freePort();
  let stagePort = await freePort();
  while (stagePort === port) stagePort = await freePort();
  env = {
    PORT: String(port),
    PAVILION_STAGE_PORT: String(stagePort),
    PAVILION_DATA: fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-survive-')),
    PAVILION_ADMIN_TOKEN: ADMIN,
    PAVILION_STATIC_DIR: STATIC_DIR,
  };
  await start();
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await exited(server.child);
  }
});

describe('a screen through a dead server', () => {
  it('keeps rendering, with nothing technical on screen, while the server is killed; reconnects when it is back on the same port, and a wall.play reaches it', async () => {
    const url = (await until(screenStatus, `${SCREEN} in GET /api/show`))?.displayUrl;
    expect(url, 'the paired screen has an address with its key').toMatch(/\/display\?.*key=/);
    // The printed address is the server's public one (PAVILION_PUBLIC_URL, else HOST's); tests talk to the server's own URL.
    const local = new URL(url!);
    local.host = new URL(server!.url).host;
    const opened = await openPage(browser, local.href);
    page = opened.page;
    consoleErrors = opened.consoleErrors;
    await waitFrames(page, 20, 120_000);
    const first = await until(async () => (await diag(page)).installationId, `${SCREEN} to play its wall's piece`, 60_000);

    // Kill the server outright: no goodbye on any socket.
    server!.child.kill('SIGKILL');
    await exited(server!.child);
    await until(async () => !(await pageConnected()), 'the page to notice the server is gone');
    const framesAtKill = (await diag(page)).framesRendered;
    // Give the page the time the old "reconnecting…" note took to appear (2 s), and more, while it
    // draws its 30 frames (both, side by side).
    await Promise.all([new Promise((r) => setTimeout(r, 3500)), waitFrames(page, 30, 120_000)]);
    const offline = await diag(page);
    expect(offline.framesRendered, 'the screen kept rendering').toBeGreaterThan(framesAtKill + 30);
    expect(offline.installationId, 'the same piece plays on').toBe(first);
    expect(offline.errors).toEqual([]);
    expect(await page.locator('[role="alert"]').count(), 'no error overlay').toBe(0);
    const text = await page.evaluate(() => document.body.innerText);
    expect(text, 'nothing technical on the public screen').not.toMatch(/reconnect|server/i);

    // Back on the same ports, with the same data.
    await start();
    await until(pageConnected, 'the page to reconnect', 60_000);
    await until(async () => (await screenStatus())?.connected, 'the server to list the screen connected', 60_000);
    await waitFrames(page, 10, 120_000);
    expect((await diag(page)).errors).toEqual([]);

    const pieces = (await api(server!, 'GET', '/api/installations')).body as unknown as Array<{ id: string }>;
    const other = pieces.map((p) => p.id).find((id) => id !== first);
    expect(other, 'a second bundled piece to switch to').toBeDefined();
    await playOn(server!, page, WALL, other!, 5);
    expect((await diag(page)).installationId).toBe(other);
    expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/i.test(e))).toEqual([]);
  }, 240_000);
});
