import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, startServer } from '../support/server';
import { createFileStorage } from '../../server/persistence/journal';
import type { FsLayer } from '../../server/persistence/durable';
import type { App } from '../../server/app';

// A full or failing disk, injected through the storage's filesystem layer under a real server:
// the command is refused with a clear message, nothing unsaved is acknowledged, and what was
// acknowledged is all there after a restart.
const apps: App[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

describe('a disk that fills or fails under a running server', () => {
  it.each([
    ['ENOSPC', /data disk is full/],
    ['EIO', /I\/O error/],
  ])('%s: the command is refused, the show is unchanged, and every acknowledged change survives a restart', async (code, message) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-faults-'));
    let failing = false;
    const layer: FsLayer = {
      ...fs,
      writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
        if (failing) {
          if (code === 'ENOSPC') return 0; // the disk took nothing
          throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
        }
        return (fs.writeSync as (...a: unknown[]) => number)(...args);
      }) as typeof fs.writeSync,
    };
    const app = await startServer({ dataDir, storage: createFileStorage(path.join(dataDir, 'show'), { fs: layer }) });
    apps.push(app);

    const a = await api(app, 'POST', '/api/commands', { type: 'wall.create', wallId: 'kept', name: 'Kept' });
    expect(a.body.ok).toBe(true);
    const version = app.store.get().version;

    failing = true;
    const b = await api(app, 'POST', '/api/commands', { type: 'wall.create', wallId: 'lost', name: 'Lost' });
    expect(b.body.ok).toBe(false);
    expect(b.body.error?.code).toBe('internal');
    expect(b.body.error?.message).toMatch(message);
    expect(app.store.get().version).toBe(version);
    expect(app.store.get().walls.lost).toBeUndefined();
    expect((await api(app, 'GET', '/api/health', undefined, null)).status).toBe(200);

    failing = false;
    const c = await api(app, 'POST', '/api/commands', { type: 'show.volume', volume: 0.4 });
    expect(c.body.ok).toBe(true);
    await app.close();
    apps.splice(apps.indexOf(app), 1);

    const again = createFileStorage(path.join(dataDir, 'show')).load()!;
    expect(again.walls.kept).toBeDefined();
    expect(again.walls.lost).toBeUndefined();
    expect(again.volume).toBe(0.4);
    expect(again.version).toBe(version + 1);
  });
});
