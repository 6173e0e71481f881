import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ADMIN, api, ask, client, connected, nextEvent, startServer, until } from '../support/server';
import { createFileStorage } from '../../server/persistence/journal';
import type { FsLayer } from '../../server/persistence/durable';
import type { App } from '../../server/app';
import type { Ack, DisplayView, ServerHealth, ShowView } from '../../protocol';

// The data disk, watched: its free space faked through the injected statfs, its writes failed
// through the storage's filesystem layer, under a real server with a real panel and screen.
const MB = 1024 * 1024;
let free = 8000 * MB;
let failing = false;
let app: App & { dataDir: string };
let panel: Socket;
let screen: Socket;

const health = async () => (await api(app, 'GET', '/api/health', undefined, null)).body as unknown as ServerHealth & { version: string; uptimeS: number };
/** The panel's next mirror whose health satisfies `pred`. */
const panelSees = (pred: (h: ServerHealth) => boolean) => nextEvent<ShowView>(panel, 'control:state', (v) => pred(v.health));

beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-disk-'));
  const layer: FsLayer = {
    ...fs,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => (failing ? 0 : (fs.writeSync as (...a: unknown[]) => number)(...args))) as typeof fs.writeSync,
  };
  app = await startServer({
    dataDir,
    storage: createFileStorage(path.join(dataDir, 'show'), { fs: layer }),
    disk: { warnBytes: 500 * MB, pollMs: 20, stat: () => ({ freeBytes: free, totalBytes: 16000 * MB }) },
  });
  panel = client(app, '/control', { token: ADMIN });
  screen = client(app, '/display');
  await Promise.all([connected(panel), connected(screen)]);
  // A paired screen says hello with its key (the demo screens are paired from the start).
  const key = (app.store.get().screens['main-1'] as { key?: string } | undefined)?.key;
  const hello = await ask<Ack<{ view: DisplayView }>>(screen, 'display:hello', { screenId: 'main-1', key });
  expect(hello.ok).toBe(true);
});
afterAll(async () => {
  panel?.close();
  screen?.close();
  await app?.close();
});

describe('the data disk, watched', () => {
  it('with room to spare, the server is ok and says how much is free', async () => {
    const h = await health();
    expect(h.status).toBe('ok');
    expect(h.reasons).toEqual([]);
    expect(h.disk).toMatchObject({ state: 'ok', freeBytes: 8000 * MB, totalBytes: 16000 * MB, warnBytes: 500 * MB, writeError: null });
  });

  it('below the threshold: health says degraded with the free space, and the panel shows it', async () => {
    const seen = panelSees((h) => h.status === 'degraded');
    free = 300 * MB;
    const h = await until(async () => {
      const r = await health();
      return r.status === 'degraded' ? r : null;
    }, 'health to say degraded');
    expect(h.disk).toMatchObject({ state: 'low', freeBytes: 300 * MB });
    expect(h.reasons.join(' ')).toMatch(/300 MB free, under the 500 MB warning threshold/);
    expect((await seen).health.disk.state).toBe('low');
    // Commands still go through: only a warning.
    expect((await api(app, 'POST', '/api/commands', { type: 'show.volume', volume: 0.5 })).body.ok).toBe(true);
  });

  it('at zero: full, and the panel shows it', async () => {
    const seen = panelSees((h) => h.disk.state === 'full');
    free = 0;
    expect((await seen).health.reasons.join(' ')).toMatch(/the data disk is full .*changes are refused and screens keep playing/);
    expect((await health()).status).toBe('degraded');
  });

  it('a write that fails for want of space: the command is refused, health says full until a save succeeds, the screen stays', async () => {
    free = 8000 * MB; // statfs says there is room (quota, reserved blocks): the failed write decides
    await until(async () => (await health()).status === 'ok', 'health to be ok again');
    const version = app.store.get().version;
    failing = true;
    const seen = panelSees((h) => h.disk.writeError === 'ENOSPC');
    const res = await api(app, 'POST', '/api/commands', { type: 'wall.create', wallId: 'lost', name: 'Lost' });
    expect(res.body.ok).toBe(false);
    expect(res.body.error?.code).toBe('internal');
    expect(res.body.error?.message).toMatch(/data disk is full/);
    expect(app.store.get().version).toBe(version);
    const h = await health();
    expect(h).toMatchObject({ status: 'degraded', disk: { state: 'full', writeError: 'ENOSPC' } });
    expect((await seen).health.disk.state).toBe('full');
    expect(screen.connected).toBe(true);
    const view = (await api(app, 'GET', '/api/show')).body as unknown as ShowView;
    expect(view.screens.find((s) => s.id === 'main-1')?.connected).toBe(true);

    failing = false;
    expect((await api(app, 'POST', '/api/commands', { type: 'show.volume', volume: 0.6 })).body.ok).toBe(true);
    expect(await health()).toMatchObject({ status: 'ok', disk: { state: 'ok', writeError: null } });
  });
});
