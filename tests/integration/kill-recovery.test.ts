import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { exited, startChild } from '../support/child';
import { io } from 'socket.io-client';
import { ADMIN, screenKey, startServer, until } from '../support/server';
import { RECONNECT, steadyBackoff } from '../../client/core/reconnect';
import type { App } from '../../server/app';
import type { DisplayView, Show } from '../../protocol';

/**
 * Issue 12, proofs: a journal torn at every byte offset of its last record, under a whole server.
 * tests/unit/journal.test.ts tears records against the storage alone; here the whole start-up,
 * its log and the next acknowledged command go through it.
 *
 * Every offset, in-process: what a kill leaves is what was written when the command was
 * acknowledged, so the data directory is copied right after the acknowledgement (the running
 * server never gets to close it), torn, and a fresh server starts on the copy. A few offsets
 * again with `server/main.ts` as a child process (as `npm start` runs it) and a real SIGKILL:
 * starting a child per offset would cost minutes of `npm test`.
 */
const TOKEN = 'kill-recovery-admin-token-xyz';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function start(dataDir: string) {
  const c = await startChild({ PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: TOKEN });
  children.push(c.child);
  return c;
}

async function kill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await exited(child);
}

async function command(url: string, body: Record<string, unknown>, token = TOKEN): Promise<void> {
  const res = await fetch(`${url}/api/commands`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { ok: boolean };
  if (res.status !== 200 || !json.ok) throw new Error(`${String(body.type)} refused: ${res.status} ${JSON.stringify(json)}`);
}

async function exported(url: string, token = TOKEN): Promise<Show> {
  const res = await fetch(`${url}/api/show/export`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Show;
}

/** Byte offset where the journal's last record (line) starts. */
function lastRecordStart(bytes: Buffer): number {
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) throw new Error('the journal should end with a whole record after an acknowledged command');
  return bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
}

/** The volume change each round tears: a short record (about 50 bytes). */
const tornVolume = (volume: number) => (volume === 0.5 ? 0.25 : 0.5);

/** Cuts the journal inside its last record, `offset` bytes into it; returns that record's length. */
function tear(journal: string, offset: number): number {
  const bytes = fs.readFileSync(journal);
  const from = lastRecordStart(bytes);
  expect(bytes.subarray(from).toString('utf8'), 'the last record is the volume change').toContain('"volume"');
  fs.truncateSync(journal, from + offset);
  return bytes.length - from;
}

const repairLogged = (log: string, offset: number) => new RegExp(`torn or corrupt record \\(${offset} bytes`).test(log);

describe('a journal torn at every byte offset of its last record', () => {
  it('in-process, every offset: the server starts, logs the repair, loses no earlier record, and the next acknowledged command survives', async () => {
    const apps: App[] = [];
    const boot = async (dataDir: string) => {
      let log = '';
      const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((log += chunk.toString()), done()) });
      const app = await startServer({ dataDir, logger: pino({ level: 'warn' }, sink) });
      apps.push(app);
      return { app, log: () => log };
    };
    try {
      let dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-torn-'));
      let { app } = await boot(dir);
      const volume = (await exported(app.url, ADMIN)).volume;
      const kept: string[] = [];
      let length = Infinity;
      for (let offset = 1; offset < length; offset++) {
        const keep = `kept-${offset}`;
        await command(app.url, { type: 'wall.create', wallId: keep, name: `Kept ${offset}` }, ADMIN);
        kept.push(keep);
        await command(app.url, { type: 'show.volume', volume: tornVolume(volume) }, ADMIN);
        // What a kill at this instant leaves on disk: a copy, taken before this server closes anything.
        const next = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-torn-'));
        fs.cpSync(dir, next, { recursive: true });
        length = Math.min(length, tear(path.join(next, 'show', 'show.journal'), offset));
        await app.close();
        fs.rmSync(dir, { recursive: true, force: true });
        dir = next;
        const booted = await boot(dir);
        app = booted.app;
        expect(repairLogged(booted.log(), offset), `offset ${offset}: the repair is logged:\n${booted.log()}`).toBe(true);
        const show = await exported(app.url, ADMIN);
        expect(kept.filter((id) => !show.walls[id]), `offset ${offset}: every acknowledged wall survived`).toEqual([]);
        expect(show.volume, `offset ${offset}: only the torn change is gone`).toBe(volume);
      }
      expect(kept.length, 'every offset of a whole record was tried').toBe(length - 1);
      expect(length).toBeGreaterThan(20);
    } finally {
      for (const a of apps) await a.close().catch(() => undefined);
    }
  }, 300_000);

  it('under `npm start`, killed with SIGKILL: a few offsets, through the real process', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-torn-'));
    const journal = path.join(dataDir, 'show', 'show.journal');
    let app = await start(dataDir);
    const volume = (await exported(app.url)).volume;
    const kept: string[] = [];
    // The first byte, the checksum without its space, mid-payload, and a whole record
    // but for its newline (a complete line is what says a record was written whole).
    const probes = (length: number) => [1, 9, Math.floor(length / 2), length - 1];
    let offsets: number[] | null = null;
    for (let round = 0; !offsets || round < offsets.length; round++) {
      const keep = `kept-${round}`;
      await command(app.url, { type: 'wall.create', wallId: keep, name: `Kept ${round}` });
      kept.push(keep);
      await command(app.url, { type: 'show.volume', volume: tornVolume(volume) });
      await kill(app.child);
      const length = fs.readFileSync(journal).length - lastRecordStart(fs.readFileSync(journal));
      offsets ??= probes(length);
      const offset = offsets[round]!;
      tear(journal, offset);

      app = await start(dataDir);
      expect(repairLogged(app.output(), offset), `offset ${offset}: the repair is logged:\n${app.output()}`).toBe(true);
      const show = await exported(app.url);
      expect(kept.filter((id) => !show.walls[id]), `offset ${offset}: every acknowledged wall survived`).toEqual([]);
      expect(show.volume, `offset ${offset}: only the torn change is gone`).toBe(volume);
      expect(show.walls.main, 'the demo walls are still there').toBeDefined();
    }
    // The last wall, acknowledged after a repair, survives one more SIGKILL.
    await command(app.url, { type: 'wall.create', wallId: 'after-last-repair', name: 'After' });
    await kill(app.child);
    app = await start(dataDir);
    const show = await exported(app.url);
    expect(show.walls['after-last-repair']).toBeDefined();
    expect(kept.filter((id) => !show.walls[id])).toEqual([]);
    await kill(app.child);
  }, 300_000);
});

describe('a screen socket across a server restart', () => {
  it('reconnects on its own (the pages\' backoff) and every display:hello, the first and after the restart, is answered with the full view', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-rehello-'));
    let app = await startServer({ dataDir });
    const port = Number(new URL(app.url).port);
    const key = screenKey(app, 'main-1');
    const socket = io(`${app.url}/display`, { transports: ['websocket'], forceNew: true, ...RECONNECT });
    steadyBackoff(socket.io);
    const views: DisplayView[] = [];
    // What client/display/session.ts does: hello on every 'connect'.
    socket.on('connect', () => {
      socket.timeout(10_000).emit('display:hello', { screenId: 'main-1', key }, (err: Error | null, res: { ok: boolean; view?: DisplayView }) => {
        if (!err && res.ok && res.view) views.push(res.view);
      });
    });
    try {
      await until(() => views.length === 1, 'the first view');
      await app.close();
      app = await startServer({ dataDir, port });
      await until(() => views.length === 2, 'the view after the restart', 30_000);
      const [before, after] = views as [DisplayView, DisplayView];
      expect(after.screen.id).toBe('main-1');
      expect(after.wall?.id).toBe('main');
      expect(after.screen.rect).toEqual(before.screen.rect);
      expect(after.wall?.installationId).toBe(before.wall?.installationId);
      expect(after.wall?.screens).toEqual(before.wall?.screens);
    } finally {
      socket.close();
      await app.close();
    }
  }, 60_000);
});
