import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { exited, startChild } from '../support/child';
import { Rng, fuzzAddress } from '../support/fuzz-random';
import { fuzzRequest, knownCrashers, rawRequests } from '../support/fuzz-http';
import { NAMESPACES, brokenFrames, connectAuth, eventFrame, unknownEvent, type Namespace } from '../support/fuzz-frames';
import { ackFrame, joinNamespace, openRaw, packet, rawTcp, request, type RawSocket } from '../support/fuzz-wire';

/*
 * Nothing a client sends can stop the process (issue 11). The server runs as a child process, as
 * `npm start` runs it, so a crash is a real exit that this suite sees. A seeded generator replays
 * a few thousand malformed inputs over every route and namespace; afterwards the process is alive,
 * /api/health answers, the show's version and walls are what they were, and the log holds no
 * error (a handler that threw and was caught is still a bug). PAVILION_FUZZ_SEED picks another seed.
 */

const SEED = Number(process.env.PAVILION_FUZZ_SEED ?? 0x9a7111);
const ADMIN = 'fuzz-admin-token-0123456789abcdef';
const ARTIST = 'fuzz-artist-token-0123456789abcdef';
/** The suite's own checks come from this address, which the fuzz never uses (its failures never count here). */
const HOME = { 'x-forwarded-for': '192.0.2.1' };
/** Technician sockets come from these: they never present a wrong credential, so never hit the limiter. */
const technicianAddress = (rng: Rng) => `203.0.113.${1 + rng.int(254)}`;

let child: ChildProcess;
let base = '';
let output: () => string = () => '';
let before: ShowExport;
let screenIds: string[] = [];
/** Screen keys from the export, so that some raw sockets pair and reach the paired screen's handlers. */
let screenKeys: Record<string, string | undefined> = {};
let wallIds: string[] = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

interface ShowExport {
  version: number;
  walls: Record<string, unknown>;
  screens: Record<string, unknown>;
}

async function exportShow(): Promise<ShowExport> {
  const res = await request(base, { method: 'GET', path: '/api/show/export', headers: { ...HOME, authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as ShowExport;
}

/** The process is running and answers /api/health. */
async function alive(): Promise<void> {
  expect(child.exitCode, `the server exited:\n${output().slice(-4000)}`).toBeNull();
  expect(child.signalCode).toBeNull();
  const health = await request(base, { method: 'GET', path: '/api/health', headers: HOME });
  expect(health.status).toBe(200);
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-fuzz-'));
  const started = await startChild({ PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: ADMIN, PAVILION_ARTIST_TOKEN: ARTIST, PAVILION_TRUST_PROXY: '1', LOG_LEVEL: 'warn' });
  child = started.child;
  output = started.output;
  base = started.url.replace('//localhost:', '//127.0.0.1:'); // tests talk to 127.0.0.1 only
  before = await exportShow();
  screenIds = Object.keys(before.screens);
  screenKeys = Object.fromEntries(Object.entries(before.screens).map(([id, s]) => [id, (s as { key?: string }).key]));
  wallIds = Object.keys(before.walls);
  expect(screenIds.length).toBeGreaterThan(0);
  expect(wallIds.length).toBeGreaterThan(0);
}, 60_000);

afterAll(async () => {
  agent.destroy();
  if (!child) return;
  child.kill('SIGTERM');
  await exited(child);
});

describe(`fuzz (seed ${SEED}): nothing a client sends stops the server`, () => {
  it('REST, pages and files: broken paths, queries, cookies, tokens, origins, bodies (deep, oversize, not JSON)', async () => {
    const rng = new Rng(SEED);
    const requests = [...knownCrashers({ admin: ADMIN, artist: ARTIST }), ...Array.from({ length: 1000 }, () => fuzzRequest(rng, { admin: ADMIN, artist: ARTIST }))];
    const problems: string[] = [];
    await pool(requests, 8, async (r) => {
      const res = await request(base, { ...r, agent, deadlineMs: 15_000 });
      if (res.status >= 500 && !(r.page && res.status === 503)) problems.push(`${r.method} ${r.path.slice(0, 120)} → ${res.status} ${res.body.slice(0, 200)}`);
    });
    await alive();
    expect(problems.slice(0, 10)).toEqual([]);
  }, 90_000);

  it('raw HTTP: broken request lines, headers and framing', async () => {
    const rng = new Rng(SEED + 1);
    const problems: string[] = [];
    await pool(rawRequests(rng, new URL(base).host), 8, async (bytes) => {
      const answer = await rawTcp(base, bytes, 2000);
      if (/^HTTP\/1\.[01] 5\d\d/.test(answer) && !answer.startsWith('HTTP/1.1 503')) problems.push(answer.slice(0, 200));
    });
    await alive();
    expect(problems).toEqual([]);
  }, 90_000);

  it('socket.io over a raw WebSocket: garbage events, unknown events with acks, broken and oversize frames, on every namespace', async () => {
    const rng = new Rng(SEED + 2);
    const problems: string[] = [];
    const plans = Array.from({ length: 300 }, (_, i) => ({ i, nsp: rng.pick<string>([...NAMESPACES, ...NAMESPACES, '/', '/nope']), broken: rng.chance(0.3), seed: rng.int(2 ** 31) }));
    let frames = 0;
    await pool(plans, 8, async (plan) => {
      const r = new Rng(plan.seed);
      const nsp = plan.nsp;
      const technician = nsp === '/control' && r.chance(0.7);
      const headers: Record<string, string> = { 'x-forwarded-for': technician ? technicianAddress(r) : fuzzAddress(r) };
      if (!technician && r.chance(0.3)) headers.cookie = r.pick(['pavilion_session=%', 'pavilion_session=technician.1.2.3', `pavilion_session=${'%'.repeat(100)}`]);
      const s = await openRaw(base, headers);
      if (!s) return void problems.push(`the WebSocket upgrade for ${nsp} was refused`);
      try {
        const joined = await joinNamespace(s, nsp, connectAuth(r, technician ? ADMIN : null));
        frames++;
        if (plan.broken || !joined || !(NAMESPACES as readonly string[]).includes(nsp)) {
          for (let k = 0, n = 1 + r.int(4); k < n; k++)
            for (const f of brokenFrames(r, nsp)) {
              s.send(f);
              frames++;
            }
          // Wait until the server has read them: it answers a connect to another namespace, or closes.
          const probe = nsp === '/display' ? '/visitor' : '/display';
          const from = s.received.length;
          s.send(packet(0, probe));
          await s.waitFor((f) => f.startsWith(`40${probe},`) || f.startsWith(`44${probe},`), { from });
          return;
        }
        const sent = await events(r, s, nsp as Namespace, plan.i, problems);
        frames += sent; // (not `frames += await …`: that reads `frames` before the await)
      } finally {
        await s.close();
      }
    });
    await alive();
    expect(problems.slice(0, 10)).toEqual([]);
    expect(frames).toBeGreaterThan(2000);
  }, 120_000);

  it('engine.io polling: broken handshakes, packets and oversize bodies', async () => {
    const rng = new Rng(SEED + 3);
    const problems: string[] = [];
    const note = (what: string, status: number, body: string) => {
      if (status >= 500) problems.push(`${what} → ${status} ${body.slice(0, 200)}`);
    };
    await pool(Array.from({ length: 60 }, () => rng.int(2 ** 31)), 4, async (seed) => {
      const r = new Rng(seed);
      const headers: Record<string, string> = { 'x-forwarded-for': fuzzAddress(r), 'content-type': 'text/plain;charset=UTF-8' };
      if (r.chance(0.5)) headers.cookie = r.pick(['pavilion_session=%', 'pavilion_session=%E0%A4%A', '=;;pavilion_session=%%']);
      const q = r.pick(['EIO=4&transport=polling', 'EIO=3&transport=polling', 'EIO=5&transport=polling', 'EIO=x&transport=polling', 'EIO=4&transport=xhr', 'EIO=4&transport=polling&sid=nope', 'EIO=4']);
      const open = await request(base, { method: 'GET', path: `/socket.io/?${q}`, headers, deadlineMs: 2000 });
      note(`GET ?${q}`, open.status, open.body);
      const sid = /"sid":"([^"]+)"/.exec(open.body)?.[1];
      if (!sid) return;
      const url = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
      for (let k = 0; k < 4; k++) {
        const body = r.pick<string | Buffer>([
          '40/control,',
          `40/control,${JSON.stringify({ token: ADMIN.slice(1) })}`,
          '40/display,\u001e42/display,1["no:such:event"]',
          '40/visitor,\u001e42/visitor,1["command",{"type":"show.blackout","on":true}]',
          `40/display,\u001e42/display,${brokenish(r)}`,
          'bAAAA',
          'b%%%',
          '\u001e\u001e\u001e',
          r.ascii(r.int(300)),
          r.bytes(r.int(300)),
          `42/control,["x","${'a'.repeat(300_000)}"]`,
        ]);
        const post = await request(base, { method: 'POST', path: url, headers, body, deadlineMs: 5000 });
        note(`POST ${JSON.stringify(String(body).slice(0, 60))}`, post.status, post.body);
        // A long poll answers at once when the server has something to say, else at its next ping: not waited for.
        const get = () => request(base, { method: 'GET', path: url, headers, deadlineMs: 500 });
        const poll = await Promise.all([get(), r.chance(0.3) ? get() : null]); // two at once: an overlap
        for (const p of poll) if (p) note('GET (poll)', p.status, p.body);
      }
    });
    await alive();
    expect(problems.slice(0, 10)).toEqual([]);
  }, 90_000);

  it('unknown events get an error ack on every namespace; known ones keep working', async () => {
    const sockets = [
      { nsp: '/display', auth: undefined, code: 'bad_request' },
      { nsp: '/control', auth: { token: ADMIN }, code: 'bad_request' },
      { nsp: '/visitor', auth: undefined, code: 'forbidden' },
    ].map((c) => ({
      ...c,
      socket: io(`${base}${c.nsp}`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: c.auth, extraHeaders: { 'x-forwarded-for': '192.0.2.2' } }),
    }));
    try {
      for (const { nsp, socket, code } of sockets) {
        for (const event of ['no:such:event', 'error', 'command', 'display:hello', '__proto__'].filter((e) => !(nsp === '/control' && e === 'command') && !(nsp === '/display' && e === 'display:hello'))) {
          const res = (await socket.timeout(10_000).emitWithAck(event, { any: 'thing' })) as { ok: boolean; error?: { code: string; message: string } };
          expect(res, `${nsp} '${event}'`).toMatchObject({ ok: false, error: { code } });
          expect(res.error!.message.length).toBeGreaterThan(10);
        }
        socket.emit('no:such:event', 1); // without an ack: nothing to answer, and the socket stays
        const pong = (await socket.timeout(10_000).emitWithAck('clock:ping', 1)) as number[];
        expect(pong[0]).toBe(1);
      }
    } finally {
      for (const { socket } of sockets) socket.close();
    }
  });

  it('afterwards: the process is alive, /api/health answers, the show is unchanged and nothing was logged as an error', async () => {
    await alive();
    const after = await exportShow();
    expect(after.version).toBe(before.version);
    expect(after.walls).toEqual(before.walls);
    expect(after.screens).toEqual(before.screens);
    const errors = output()
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line));
    expect(errors.slice(0, 5)).toEqual([]);
  });
});

/** A socket.io event frame payload that parses but carries garbage. */
function brokenish(r: Rng): string {
  return r.pick(['1["display:hello",{"screenId":{"toString":1}}]', '2[12,[]]', '3["error",null]', `4["display:health",${'['.repeat(5000)}${']'.repeat(5000)}]`]);
}

/**
 * Sends well-framed events with garbage on a connected namespace, then checks the answers: every
 * unknown event asked for an ack got an error ack, no command was accepted, nothing answered
 * `internal`, and the connection is still open (a clock ping comes back). Returns frames sent.
 */
async function events(r: Rng, s: RawSocket, nsp: Namespace, i: number, problems: string[]): Promise<number> {
  let sent = 0;
  const asked: Array<{ id: number; unknown: boolean; command: boolean; frame: string }> = [];
  let nextId = 1;
  // Half the time, first become a screen or a visitor, so that the deeper handlers see the garbage.
  if (nsp === '/display' && r.chance(0.5)) {
    const screenId = r.pick(screenIds);
    s.send(packet(2, nsp, { id: 0, data: JSON.stringify(['display:hello', { screenId, key: r.chance(0.8) ? screenKeys[screenId] : 'not-the-key' }]) }));
  }
  if (nsp === '/visitor' && r.chance(0.5)) s.send(packet(2, nsp, { id: 0, data: JSON.stringify(['visitor:join', { wallId: r.pick(wallIds), visitorId: `fuzz-visitor-${i}-abcdef` }]) }));
  for (let k = 0, n = 8 + r.int(10); k < n; k++) {
    const id = r.chance(0.6) ? nextId++ : undefined;
    const e = eventFrame(r, nsp, id);
    s.send(e.frame);
    sent++;
    if (id !== undefined) asked.push({ id, unknown: e.unknown, command: e.command, frame: e.frame });
    if (r.chance(0.1)) s.send(packet(2, nsp, { data: JSON.stringify([unknownEvent(r, nsp), 1]) }));
  }
  const SENTINEL = 900_000;
  s.send(packet(2, nsp, { id: SENTINEL, data: '["clock:ping",1]' }));
  const pong = await ackFrame(s, nsp, SENTINEL);
  if (!pong) {
    problems.push(`${nsp}: the connection closed on well-framed events (last: ${asked.at(-1)?.frame.slice(0, 120) ?? '-'})`);
    return sent;
  }
  for (const a of asked) {
    const got = s.received.find((f) => f.startsWith(`43${nsp},${a.id}[`));
    const res = got ? ((JSON.parse(got.slice(`43${nsp},${a.id}`.length)) as unknown[])[0] as { ok?: boolean; error?: { code?: string } } | undefined) : undefined;
    if (res?.error?.code === 'internal') problems.push(`${nsp}: 'internal' for ${a.frame.slice(0, 160)}`);
    if (a.unknown && !(res && res.ok === false && res.error?.code)) problems.push(`${nsp}: no error ack for unknown event ${a.frame.slice(0, 160)} (got ${got?.slice(0, 120) ?? 'nothing'})`);
    if (a.command && res?.ok !== false) problems.push(`${nsp}: a garbage command was not refused: ${a.frame.slice(0, 160)} → ${got?.slice(0, 120) ?? 'nothing'}`);
  }
  return sent;
}
