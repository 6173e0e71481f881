import { describe, expect, it } from 'vitest';
import { insecureOrigins, kioskArgs, pageUrl, stageOriginOf } from '../../scripts/lib/kiosk';

// npm run screen: both of a screen's origins (its page's and its stage's) get a secure context,
// so each can register its service worker. No browser and no network: fetch is a fake.
const FLAG = '--unsafely-treat-insecure-origin-as-secure=';
const page = pageUrl('http://pavilion.lan:8080/display?screen=left');

const noFetch = (async () => {
  throw new Error('fetch must not be called');
}) as unknown as typeof fetch;
const answering = (status: number, body: unknown) => {
  const asked: string[] = [];
  const f = (async (input: URL | string) => {
    asked.push(String(input));
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { f, asked };
};

describe('kiosk launcher: the stage origin', () => {
  it('treats the page origin and the stage origin as secure, in one flag', () => {
    const args = kioskArgs({ url: page.href, userDataDir: '/tmp/p', stageOrigin: 'http://pavilion.lan:8081' });
    expect(args.filter((a) => a.startsWith(FLAG))).toEqual([`${FLAG}http://pavilion.lan:8080,http://pavilion.lan:8081`]);
    expect(insecureOrigins(pageUrl('https://pavilion.lan/display'), 'https://pavilion.lan:8443')).toEqual([]);
    expect(insecureOrigins(pageUrl('http://localhost:8080/display'), 'http://localhost:8081')).toEqual([]);
    expect(insecureOrigins(pageUrl('https://pavilion.lan/display'), 'http://pavilion.lan:8081')).toEqual(['http://pavilion.lan:8081']);
  });

  it('takes --stage-origin, then PAVILION_STAGE_ORIGIN, then PAVILION_STAGE_PORT on the page host', async () => {
    const env = { PAVILION_STAGE_ORIGIN: 'http://stage.lan:9000/ignored/path', PAVILION_STAGE_PORT: '9100' };
    expect(await stageOriginOf(page, { option: 'http://10.0.0.5:9200', env, fetch: noFetch })).toEqual({ origin: 'http://10.0.0.5:9200', from: '--stage-origin' });
    expect(await stageOriginOf(page, { env, fetch: noFetch })).toEqual({ origin: 'http://stage.lan:9000', from: 'PAVILION_STAGE_ORIGIN' });
    expect(await stageOriginOf(page, { env: { PAVILION_STAGE_PORT: '9100' }, fetch: noFetch })).toEqual({ origin: 'http://pavilion.lan:9100', from: 'PAVILION_STAGE_PORT' });
    await expect(stageOriginOf(page, { env: { PAVILION_STAGE_PORT: '70000' }, fetch: noFetch })).rejects.toThrow(/PAVILION_STAGE_PORT '70000' is not a port/);
    await expect(stageOriginOf(page, { option: 'stage', env: {}, fetch: noFetch })).rejects.toThrow(/--stage-origin 'stage' is not an http\(s\) origin/);
  });

  it('asks the server (GET /api/stage), and falls back to the default port + 1 when it cannot', async () => {
    const ok = answering(200, { ok: true, origin: 'http://pavilion.lan:8181' });
    expect(await stageOriginOf(page, { env: {}, fetch: ok.f })).toEqual({ origin: 'http://pavilion.lan:8181', from: 'the server' });
    expect(ok.asked).toEqual(['http://pavilion.lan:8080/api/stage']);

    const down = await stageOriginOf(page, { env: {}, fetch: noFetch });
    expect(down).toMatchObject({ origin: 'http://pavilion.lan:8081', from: 'the default' });
    expect(down.note).toMatch(/GET \/api\/stage failed \(fetch must not be called\); assuming the server's default stage port 8081/);

    const starting = await stageOriginOf(pageUrl('https://pavilion.lan/display'), { env: {}, fetch: answering(503, { ok: false }).f });
    expect(starting).toMatchObject({ origin: 'https://pavilion.lan:444', from: 'the default' });
    expect(starting.note).toMatch(/answered 503/);
  });
});
