import { COMMAND_FIELDS, DEEP, NASTY_STRINGS, deepArray, deepObject, encode, fuzzAddress, garbageCommand, junkJson, type Rng } from './fuzz-random';

/*
 * Malformed HTTP for the fuzz suite: every REST route, page and file route with broken paths,
 * queries, cookies, credentials, origins, forwarded addresses, content types and bodies (deep,
 * oversize, not JSON). Generated up front from the seed, so the same seed sends the same requests.
 */

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** A page route: 503 is its honest answer while the client is not built. */
  page: boolean;
}

export interface Credentials {
  admin: string;
  artist: string;
}

/** A path segment that is broken in one of the ways URLs break. */
function segment(rng: Rng): string {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(['%', '%zz', '%E0%A4%A', '%00', '%2e%2e', '..%2f..%2f', '%c0%af', '%ff%fe', '%u0041']);
    case 1:
      return rng.pick(['constructor', '__proto__', 'prototype', 'main-1', 'canopy', '1.0.0', '..', '.', '~']);
    case 2:
      return 'a'.repeat(rng.pick([300, 5000, 20_000]));
    default:
      return encode(rng.pick(NASTY_STRINGS));
  }
}

/** Route templates; `:x` is replaced by a broken segment, `*` by one or more. */
const ROUTES: ReadonlyArray<{ method: string; path: string; page?: boolean }> = [
  { method: 'GET', path: '/api/health' },
  { method: 'GET', path: '/api/installations' },
  { method: 'GET', path: '/api/show' },
  { method: 'GET', path: '/api/show/export' },
  { method: 'POST', path: '/api/show/import' },
  { method: 'GET', path: '/api/walls/:x/visitors' },
  { method: 'POST', path: '/api/commands' },
  { method: 'GET', path: '/api/session' },
  { method: 'POST', path: '/api/session' },
  { method: 'DELETE', path: '/api/session' },
  { method: 'POST', path: '/api/pieces' },
  { method: 'GET', path: '/api/pieces' },
  { method: 'GET', path: '/api/pieces/:x/versions' },
  { method: 'POST', path: '/api/pieces/:x/rollback' },
  { method: 'GET', path: '/api/artists' },
  { method: 'POST', path: '/api/artists' },
  { method: 'DELETE', path: '/api/artists/:x' },
  { method: 'GET', path: '/pieces/:x/:x/*' },
  { method: 'GET', path: '/assets/manifest.json' },
  { method: 'GET', path: '/assets/*' },
  { method: 'GET', path: '/static/*', page: true },
  { method: 'GET', path: '/', page: true },
  { method: 'GET', path: '/display', page: true },
  { method: 'GET', path: '/control', page: true },
  { method: 'GET', path: '/preview', page: true },
  { method: 'GET', path: '/visit/:x', page: true },
  { method: 'GET', path: '/preview/:x', page: true },
  { method: 'GET', path: '/:x' },
  { method: 'GET', path: '/socket.io/' },
  { method: 'POST', path: '/socket.io/' },
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/octet-stream',
  'application/x-pavilion-piece',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json; boundary=%',
  ';;;',
  '*/*',
];

function query(rng: Rng): string {
  if (rng.chance(0.6)) return '';
  return `?${rng.pick([
    'EIO=4&transport=polling',
    'EIO=3&transport=polling',
    'EIO=4&transport=websocket',
    'EIO=4&transport=polling&sid=%',
    `sid=${segment(rng)}`,
    'a=1&a=2&a[b]=3&__proto__[x]=1&constructor[prototype][x]=1',
    `screen=${segment(rng)}&key=${segment(rng)}`,
    '%',
    '&&&==',
    `x=${'y'.repeat(8000)}`,
  ])}`;
}

/** A header value the HTTP client will send (printable ASCII); raw bytes go through rawTcp instead. */
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '');

function cookie(rng: Rng): string {
  return rng.pick([
    'pavilion_session=%',
    'pavilion_session=%E0%A4%A',
    'pavilion_session',
    '=; ;;pavilion_session=%%%',
    `pavilion_session=${printable(rng.pick(NASTY_STRINGS))}`,
    'pavilion_session=technician.99999999999999.abc.forged',
    'pavilion_session="unterminated',
    `pavilion_session=${'x'.repeat(6000)}`,
    Array.from({ length: 300 }, (_, i) => `c${i}=${i}`).join('; '),
    'pavilion_session=a; pavilion_session=b',
    '__proto__=1; constructor=2',
  ]);
}

function authorization(rng: Rng, c: Credentials): string | undefined {
  switch (rng.int(8)) {
    case 0:
    case 1:
      return `Bearer ${c.admin}`;
    case 2:
      return `Bearer ${c.artist}`;
    case 3:
    case 4:
      return undefined;
    default:
      return rng.pick(['Bearer', 'Bearer ', `bearer    ${c.admin}x`, 'Basic Zm9vOmJhcg==', `Bearer ${'t'.repeat(9000)}`, `Bearer ${printable(rng.pick(NASTY_STRINGS))}`, 'Bearer %', `Token ${c.admin}`]);
  }
}

function body(rng: Rng, path: string, admin: boolean): { body: string | Buffer; type: string } {
  const k = rng.int(10);
  if (path === '/api/commands' && admin && k < 5) {
    const c = rng.pick(COMMAND_FIELDS);
    return { body: garbageCommand(rng, c.type, c.fields), type: 'application/json' };
  }
  if (k === 5) return { body: rng.chance(0.5) ? deepArray(DEEP) : deepObject(DEEP), type: 'application/json' };
  // Over fastify's bodyLimit (1 MB) and, at times, over the import limit (5 MB).
  if (k === 6 && rng.chance(0.3)) return { body: `[${'1,'.repeat(rng.chance(0.8) ? 600_000 : 2_700_000)}1]`, type: rng.pick(CONTENT_TYPES) };
  if (k === 7) return { body: rng.bytes(rng.pick([0, 1, 64, 4096])), type: rng.pick(['application/octet-stream', 'application/x-pavilion-piece', 'application/json']) };
  return { body: junkJson(rng), type: rng.pick(CONTENT_TYPES) };
}

/** One malformed request, from the seed. */
export function fuzzRequest(rng: Rng, c: Credentials): FuzzRequest {
  const route = rng.pick(ROUTES);
  const method = rng.chance(0.85) ? route.method : rng.pick(METHODS);
  let path = route.path.replace(/:x/g, () => segment(rng)).replace('*', () => Array.from({ length: 1 + rng.int(3) }, () => segment(rng)).join('/'));
  path += query(rng);
  const headers: Record<string, string> = {
    'x-forwarded-for': rng.chance(0.8) ? fuzzAddress(rng) : rng.pick(['unknown', '', '198.51.100.7, ::1', '999.999.999.999', 'a'.repeat(500), '[::1]:80', ',,,', '198.51.100.9,198.51.100.10']),
  };
  const auth = authorization(rng, c);
  if (auth !== undefined) headers.authorization = auth;
  if (rng.chance(0.4)) headers.cookie = cookie(rng);
  if (rng.chance(0.3)) headers.origin = rng.pick(['null', 'http://evil.example', 'file://', '%', printable(rng.pick(NASTY_STRINGS)), 'http://127.0.0.1']);
  if (rng.chance(0.1)) headers.range = rng.pick(['bytes=999999-1', 'bytes=-', 'bytes=0-0,0-0,0-0,0-0', 'lines=1-2']);
  if (rng.chance(0.1)) headers['if-none-match'] = rng.pick(['*', '"', printable(rng.pick(NASTY_STRINGS))]);
  if (rng.chance(0.05)) headers['accept-encoding'] = rng.pick(['gzip;q=NaN', '*;q=-1', 'br,br,br']);
  const req: FuzzRequest = { method, path, headers, page: route.page ?? false };
  if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && rng.chance(0.85)) {
    const b = body(rng, route.path, auth === `Bearer ${c.admin}`);
    req.body = b.body;
    headers['content-type'] = b.type;
  }
  return req;
}

/** Inputs that once broke a parser somewhere, sent on every run whatever the seed. */
export function knownCrashers(c: Credentials): FuzzRequest[] {
  const json = (path: string, body: string, headers: Record<string, string> = {}): FuzzRequest => ({
    method: 'POST',
    path,
    headers: { 'x-forwarded-for': '198.51.100.250', 'content-type': 'application/json', authorization: `Bearer ${c.admin}`, ...headers },
    body,
    page: false,
  });
  return [
    // String() on an object whose toString is not a function throws
    json('/api/commands', '{"type":{"toString":1}}'),
    json('/api/commands', '{"type":[{"valueOf":1,"toString":1}]}'),
    json('/api/show/import', '{"format":{"toString":1},"walls":{"constructor":{}}}'),
    json('/api/session', '{"token":{"toString":1}}', { authorization: '' }),
    // the cookie that stopped the process (issue 11)
    { method: 'GET', path: '/api/show', headers: { cookie: 'pavilion_session=%' }, page: false },
    { method: 'DELETE', path: '/api/session', headers: { cookie: 'pavilion_session=%E0%A4%A' }, page: false },
  ];
}

/** Requests that no well-behaved client can send: broken request lines, headers, framing. */
export function rawRequests(rng: Rng, host: string): Array<string | Buffer> {
  const h = `Host: ${host}\r\n`;
  const fixed: Array<string | Buffer> = [
    'GET / HTTP/1.1\r\n\r\n',
    'GET /api/health HTTP/1.1\r\nHost: \u0000\r\n\r\n',
    `GET /api/show HTTP/1.1\r\n${h}Cookie: pavilion_session=\u0000%\r\n\r\n`,
    `GET /api/show HTTP/1.1\r\n${h}Authorization: Bearer \u00ff\u00fe\r\n\r\n`,
    `GET /api/health HTTP/1.1\r\n${h}X-Forwarded-For: \u0001\r\n\r\n`,
    `GET /api/health HTTP/1.1\r\n${h}${'X-Big: '.concat('a'.repeat(70_000))}\r\n\r\n`,
    `POST /api/commands HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`,
    `POST /api/commands HTTP/1.1\r\n${h}Content-Type: application/json\r\nContent-Length: 99999999\r\n\r\n{"type":`,
    `POST /api/commands HTTP/1.1\r\n${h}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`,
    `POST /api/session HTTP/1.1\r\n${h}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n${h}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n${h}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %%%\r\nSec-WebSocket-Version: 99\r\n\r\n`,
    `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n${h}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n\u0089\u0080garbage-after-upgrade`,
    `GET /%%%% HTTP/1.1\r\n${h}\r\n`,
    `GET http://evil.example/api/health HTTP/1.1\r\n${h}\r\n`,
    `GET * HTTP/1.1\r\n${h}\r\n`,
    `CONNECT example.invalid:443 HTTP/1.1\r\n${h}\r\n`,
    'GET /\r\n\r\n',
    'HTTP/1.1 200 OK\r\n\r\n',
    '\r\n\r\n\r\n',
    `GET /api/health HTTP/9.9\r\n${h}\r\n`,
    `GET /api/health HTTP/1.1\r\n${h}${h}Host: other\r\n\r\n`,
  ];
  const random = Array.from({ length: 10 }, () => (rng.chance(0.5) ? rng.bytes(1 + rng.int(2000)) : `${rng.pick(METHODS)} /${rng.ascii(rng.int(40))} HTTP/1.1\r\n${rng.ascii(rng.int(200))}\r\n\r\n`));
  return [...fixed, ...random];
}
