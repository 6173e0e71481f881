import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startServer } from '../support/server';
import type { App } from '../../server/app';

// Regression: a malformed session cookie on the /control handshake made the hand-written cookie
// parser throw out of the socket.io middleware, and the process exited (two requests, no sign-in).
let app: App;
beforeAll(async () => {
  app = await startServer();
});
afterAll(async () => {
  await app.close();
});

async function pollingHandshake(cookie: string): Promise<string> {
  const open = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`, { headers: { cookie } });
  const text = await open.text();
  const sid = (JSON.parse(text.slice(text.indexOf('{'))) as { sid: string }).sid;
  const post = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/plain;charset=UTF-8' },
    body: '40/control,',
  });
  expect(post.status).toBe(200);
  const reply = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { headers: { cookie } });
  return reply.text();
}

describe('a malformed cookie', () => {
  it.each(['pavilion_session=%', 'pavilion_session=%E0%A4%A', 'pavilion_session', '=; ;;pavilion_session=%%%'])(
    'is refused on the /control handshake and the server stays up (%s)',
    async (cookie) => {
      const before = app.store.get().version;
      const answer = await pollingHandshake(cookie);
      expect(answer).toContain('44/control,'); // a connect error, not a connection
      expect(answer).toContain('unauthorized');
      const health = await api(app, 'GET', '/api/health', undefined, null);
      expect(health.status).toBe(200);
      expect(app.store.get().version).toBe(before);
    },
  );

  it('counts as no cookie on REST routes: 401, not 500', async () => {
    const res = await fetch(`${app.url}/api/show`, { headers: { cookie: 'pavilion_session=%' } });
    expect(res.status).toBe(401);
  });
});
