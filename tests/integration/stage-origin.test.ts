import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { ADMIN, ARTIST, startServer } from '../support/server';
import { packFixture, upload } from '../support/pieces';

/** A built client of our own: the pages, the stage page, a hashed file and a runtime module. */
function fakeBuild(withStage = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-stage-build-'));
  for (const page of ['index', 'display', 'control', 'visit', 'preview']) fs.writeFileSync(path.join(dir, `${page}.html`), `<!doctype html><title>${page}</title>`);
  if (withStage) fs.writeFileSync(path.join(dir, 'stage.html'), '<!doctype html><title>stage</title>');
  fs.mkdirSync(path.join(dir, 'static'));
  fs.writeFileSync(path.join(dir, 'static', 'stage-abc123.js'), 'export const stage = 1;\n');
  fs.mkdirSync(path.join(dir, 'runtime'));
  fs.writeFileSync(path.join(dir, 'runtime', 'three.js'), 'export const three = 1;\n');
  return dir;
}

/** A GET with headers fetch will not send (Host). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

const directives = (csp: string | null | undefined) =>
  new Map(
    String(csp ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values.join(' ')] as const;
      }),
  );

let app: Awaited<ReturnType<typeof startServer>>;
let stage: string;
let cookie: string;

beforeAll(async () => {
  const bundle = fs.readFileSync(await packFixture('fixture-glow'));
  app = await startServer({ staticDir: fakeBuild(), trustProxy: 1 });
  stage = `http://127.0.0.1:${app.stagePort}`;
  expect((await upload(app, bundle, ARTIST)).status).toBe(201);
  const signIn = await fetch(`${app.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN }) });
  cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('pavilion_session='))!.split(';')[0]!;
}, 120_000);
afterAll(async () => {
  await app?.close();
});

describe('the stage origin: a second listener that serves pieces, and nothing privileged', () => {
  it('listens on its own port, and says so', () => {
    expect(app.stagePort).toBeGreaterThan(0);
    expect(app.stagePort).not.toBe(app.port);
    expect(app.stageUrl).toBe(`http://localhost:${app.stagePort}`);
  });

  it('serves /stage with the tight CSP, framed only by the main origin', async () => {
    const res = await fetch(`${stage}/stage`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>stage</title>');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('connect-src')).toBe("'self' data: blob:");
    expect(csp.get('script-src')).toBe("'self' 'wasm-unsafe-eval' blob:"); // blob: for pieces' blob workers (troika)
    expect(csp.get('frame-src')).toBe("'none'");
    expect(csp.get('form-action')).toBe("'none'");
    // The main origin, and the public URL's (startServer's publicUrl is http://127.0.0.1): nobody else.
    expect(csp.get('frame-ancestors')?.split(' ')).toEqual([`http://127.0.0.1:${app.port}`, 'http://127.0.0.1']);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('permissions-policy')).toContain('camera=()');
    expect(res.headers.get('permissions-policy')).toContain('display-capture=()');
    expect(res.headers.get('permissions-policy')).not.toContain('autoplay');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-site');
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('frame-ancestors names the main port on the host name the browser used', async () => {
    const res = await get(`${stage}/stage`, { host: `pavilion.local:${app.stagePort}` });
    expect(directives(res.headers['content-security-policy'] as string).get('frame-ancestors')?.split(' ')[0]).toBe(`http://pavilion.local:${app.port}`);
  });

  it('serves the built files, the shared assets and an uploaded piece', async () => {
    const hashed = await fetch(`${stage}/static/stage-abc123.js`);
    expect(hashed.status).toBe(200);
    expect(hashed.headers.get('cache-control')).toContain('immutable');
    expect(hashed.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${stage}/runtime/three.js`)).status).toBe(200);
    expect((await fetch(`${stage}/assets/manifest.json`)).status).toBe(200);
    const mod = await fetch(`${stage}/pieces/fixture-glow/1.0.0/module.js`);
    expect(mod.status).toBe(200);
    expect(mod.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(await mod.text()).toContain('/runtime/three.js');
  });

  it('answers no API, no socket and no other page, even with a technician cookie and token', async () => {
    const creds = { cookie, authorization: `Bearer ${ADMIN}` };
    for (const route of ['/api/show', '/api/session', '/api/stage', '/api/health', '/socket.io/?EIO=4&transport=polling', '/display', '/control', '/display.html', '/', '/stage/x']) {
      const res = await fetch(`${stage}${route}`, { headers: creds });
      expect(res.status, route).toBe(404);
      expect(res.headers.get('set-cookie'), route).toBeNull();
    }
    const cmd = await fetch(`${stage}/api/commands`, { method: 'POST', headers: { ...creds, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'show.blackout', on: true }) });
    expect(cmd.status).toBe(404);
    expect(app.store.get().blackout).toBe(false);
    const socket = io(`${stage}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: creds });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', () => resolve('refused'));
    });
    socket.close();
    expect(outcome).toBe('refused');
  });
});

describe('the main origin points at the stage', () => {
  it('GET /api/stage gives the stage origin on the host name the page was loaded from', async () => {
    const res = await fetch(`${app.url.replace('localhost', '127.0.0.1')}/api/stage`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.json()).toEqual({ ok: true, origin: stage });
    const v6 = await get(`${app.url}/api/stage`, { host: `[::1]:${app.port}` });
    expect(JSON.parse(v6.body)).toEqual({ ok: true, origin: `http://[::1]:${app.stagePort}` });
    // Behind a trusted proxy, the scheme and host name the browser used.
    const proxied = await get(`${app.url}/api/stage`, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'Pavilion.Example', 'x-forwarded-for': '10.0.0.7' });
    expect(JSON.parse(proxied.body)).toEqual({ ok: true, origin: `https://pavilion.example:${app.stagePort}` });
    const junk = await get(`${app.url}/api/stage`, { host: 'a;b' });
    expect(junk.status).toBe(400);
  });

  it('pages connect to their own origin and the clock responder only, and frame the stage only', async () => {
    const res = await get(`${app.url}/display`, { host: `127.0.0.1:${app.port}` });
    expect(res.status).toBe(200);
    const csp = directives(res.headers['content-security-policy'] as string);
    expect(csp.get('connect-src')).toBe(`'self' ws://127.0.0.1:${app.clock!.port}`);
    expect(csp.get('frame-src')).toBe(stage);
    const junk = await get(`${app.url}/display`, { host: 'a;b' });
    expect(junk.status).toBe(200);
    expect(directives(junk.headers['content-security-policy'] as string).get('frame-src')).toBe("'none'");
    expect(directives(junk.headers['content-security-policy'] as string).get('connect-src')).toBe("'self'");
  });

  it('does not serve the stage page itself: a piece never runs on the main origin', async () => {
    for (const route of ['/stage', '/stage.html', '/stage%2ehtml', '/./stage.html']) expect((await fetch(`${app.url}${route}`)).status, route).toBe(404);
  });
});

describe('a session cookie planted by a piece (cookie tossing)', () => {
  it('does not hide the real session: any valid pavilion_session counts', async () => {
    const planted = `pavilion_session=junk; pavilion_session=${'x'.repeat(8)}.1.2.3; ${cookie}; pavilion_session=%`;
    const res = await fetch(`${app.url}/api/show`, { headers: { cookie: planted } });
    expect(res.status).toBe(200);
    const only = await fetch(`${app.url}/api/show`, { headers: { cookie: 'pavilion_session=junk; pavilion_session=more-junk' } });
    expect(only.status).toBe(401);
  });

  it('does not keep the panel\'s socket out either', async () => {
    const socket = io(`${app.url}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: `pavilion_session=junk; ${cookie}` } });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (e) => resolve(`refused: ${e.message}`));
    });
    socket.close();
    expect(outcome).toBe('connected');
  });
});

describe('an explicit stage origin (behind a reverse proxy)', () => {
  let proxied: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    proxied = await startServer({ staticDir: fakeBuild(false), stageOrigin: 'https://stage.pavilion.example', publicUrl: 'https://pavilion.example' });
  });
  afterAll(async () => {
    await proxied?.close();
  });

  it('is what /api/stage and frame-src give, and the public URL may frame it', async () => {
    expect(await (await fetch(`${proxied.url}/api/stage`)).json()).toEqual({ ok: true, origin: 'https://stage.pavilion.example' });
    expect(directives((await fetch(`${proxied.url}/display`)).headers.get('content-security-policy')).get('frame-src')).toBe('https://stage.pavilion.example');
    const page = await fetch(`${proxied.stageUrl}/stage`);
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/npm run build/);
    expect(directives(page.headers.get('content-security-policy')).get('frame-ancestors')).toBe('https://pavilion.example');
  });
});

describe('a stage served elsewhere on the same host (npm run dev: Vite’s stage port)', () => {
  let dev: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    dev = await startServer({ staticDir: fakeBuild(), stagePublicPort: 5999 });
  });
  afterAll(async () => {
    await dev?.close();
  });

  it('pages load the stage from that port, on the host name they were loaded from', async () => {
    expect(JSON.parse((await get(`${dev.url}/api/stage`, { host: 'devbox.local:5173' })).body)).toEqual({ ok: true, origin: 'http://devbox.local:5999' });
    expect(directives((await get(`${dev.url}/display`, { host: 'localhost:5173' })).headers['content-security-policy'] as string).get('frame-src')).toBe('http://localhost:5999');
  });
});
