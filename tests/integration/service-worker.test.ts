import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerServiceWorker } from '../../server/http/service-worker';

// GET /sw.js (server/http/service-worker.ts), as both listeners register it: uncached, scope '/'.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-sw-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('GET /sw.js', () => {
  it('serves the built worker with no-cache and Service-Worker-Allowed: /, read at each request', async () => {
    fs.writeFileSync(path.join(dir, 'sw.js'), 'self.one = 1;');
    const app = Fastify();
    registerServiceWorker(app, dir);
    const res = await app.inject('/sw.js?page=stage');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['service-worker-allowed']).toBe('/');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toBe('self.one = 1;');
    // A new build while the server runs: the next check gets it.
    fs.writeFileSync(path.join(dir, 'sw.js'), 'self.two = 2;');
    expect((await app.inject('/sw.js')).body).toBe('self.two = 2;');
    await app.close();
  });

  it('answers 404 saying to build when there is no worker', async () => {
    const app = Fastify();
    registerServiceWorker(app, path.join(dir, 'nothing-built'));
    const res = await app.inject('/sw.js');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(res.json().error.message).toMatch(/no service worker in .*run `npm run build`/);
    await app.close();
  });
});
