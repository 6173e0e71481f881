import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { ADMIN, startServer } from '../support/server';
import { loadSecrets } from '../../server/http/secrets';

// Trust on a venue network (issue 11, limits): wrong credentials share one budget per address,
// the session cookie only works from this server's own pages, and it is Secure over TLS.
let app: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  app = await startServer();
});
afterAll(async () => {
  await app.close();
});

const signIn = async (origin?: string) => {
  const res = await fetch(`${app.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify({ token: ADMIN }),
  });
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, setCookie: res.headers.get('set-cookie') ?? '' };
};

describe('the session cookie and Origin', () => {
  it('is HttpOnly and SameSite=Strict', async () => {
    const s = await signIn(app.url);
    expect(s.status).toBe(200);
    expect(s.setCookie).toMatch(/HttpOnly/i);
    expect(s.setCookie).toMatch(/SameSite=Strict/i);
    expect(s.setCookie).not.toMatch(/Secure/i); // plain HTTP here; see the TLS test below
  });

  it('works from the server\'s own pages and from tools without an Origin, never from another site\'s page', async () => {
    const { cookie } = await signIn(app.url);
    const get = (origin?: string) => fetch(`${app.url}/api/show`, { headers: { cookie, ...(origin ? { origin } : {}) } });
    expect((await get(app.url)).status).toBe(200);
    expect((await get()).status).toBe(200);
    const foreign = await get('http://evil.example');
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toMatch(/another site/);
    expect((await get('null')).status).toBe(403); // an opaque origin: a sandboxed frame
    const post = await fetch(`${app.url}/api/commands`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'show.blackout', on: true }),
    });
    expect(post.status).toBe(403);
    expect(app.store.get().blackout).toBe(false);
  });

  it('refuses a sign-in posted from another site\'s page', async () => {
    expect((await signIn('http://evil.example')).status).toBe(403);
  });

  it('refuses the /control socket from another site\'s page with the cookie', async () => {
    const { cookie } = await signIn(app.url);
    const connect = (origin: string) =>
      new Promise<string>((resolve) => {
        const s = io(`${app.url}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie, origin } });
        s.on('connect', () => (s.close(), resolve('connected')));
        s.on('connect_error', (e) => (s.close(), resolve(String((e as Error & { data?: { code?: string } }).data?.code))));
      });
    expect(await connect(app.url)).toBe('connected');
    expect(await connect('http://evil.example')).toBe('forbidden');
  });
});

describe('wrong credentials from one address', () => {
  it('get 401 twenty times in a minute, then 429 with Retry-After for every credential, on REST, sign-in and sockets alike', async () => {
    const other = await startServer();
    try {
      const bearer = (token: string) => fetch(`${other.url}/api/show`, { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 10; i++) expect((await bearer(`wrong-guess-${i}-xxxxxxxxxxxxxxxx`)).status).toBe(401);
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${other.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: `guess-${i}` }) });
        expect(res.status).toBe(401);
      }
      const limited = await bearer('one-more-guess-xxxxxxxxxxxxxxxxx');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      expect((await bearer(ADMIN)).status).toBe(429); // guessing right now proves nothing
      const code = await new Promise<string>((resolve) => {
        const s = io(`${other.url}/control`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: ADMIN } });
        s.on('connect', () => (s.close(), resolve('connected')));
        s.on('connect_error', (e) => (s.close(), resolve(String((e as Error & { data?: { code?: string } }).data?.code))));
      });
      expect(code).toBe('rate_limited');
      // Requests without any credential are not guesses, and public routes still answer.
      expect((await fetch(`${other.url}/api/health`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('tokens and TLS', () => {
  it('refuses a token shorter than 24 characters from the environment, saying how to make one', () => {
    const dir = fs.mkdtempSync(path.join(app.dataDir, 'short-'));
    expect(() => loadSecrets(dir, { admin: 'short-token' })).toThrow(/PAVILION_ADMIN_TOKEN is 11 characters long; a token must have at least 24.*openssl rand/);
    expect(() => loadSecrets(dir, { artist: 'x'.repeat(23) })).toThrow(/PAVILION_ARTIST_TOKEN/);
    expect(loadSecrets(dir, { admin: 'x'.repeat(24) }).adminToken).toBe('x'.repeat(24));
  });

  it('marks the session cookie Secure when the server speaks TLS', async () => {
    const dir = path.resolve(import.meta.dirname, '..', 'fixtures', 'tls');
    const ca = fs.readFileSync(path.join(dir, 'localhost.crt'), 'utf8');
    const tlsApp = await startServer({ tls: { cert: fs.readFileSync(path.join(dir, 'localhost.crt')), key: fs.readFileSync(path.join(dir, 'localhost.key')) } });
    try {
      const port = new URL(tlsApp.url).port;
      const setCookie = await new Promise<string>((resolve, reject) => {
        const req = https.request(
          { host: 'localhost', port, path: '/api/session', method: 'POST', ca, headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(String(res.headers['set-cookie'] ?? ''));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ token: ADMIN }));
      });
      expect(setCookie).toMatch(/Secure/);
      expect(setCookie).toMatch(/HttpOnly/i);
    } finally {
      await tlsApp.close();
    }
  });
});
