import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { exited, startChild } from '../support/child';
import type { Show } from '../../protocol';

const TOKEN = 'durability-admin-token-xyz';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function post(url: string, body: unknown): Promise<{ ok: boolean }> {
  const res = await fetch(`${url}/api/commands`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { ok: boolean };
}

describe('durability', () => {
  it('a kill -9 in the middle of a stream of commands loses no acknowledged change', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-durable-'));
    const first = await startChild({ PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: TOKEN });
    children.push(first.child);

    const acked: string[] = [];
    let stop = false;
    // Four concurrent streams of commands; each wall created is a durable change once acknowledged.
    const stream = async (lane: number) => {
      for (let i = 0; !stop; i++) {
        const wallId = `w-${lane}-${i}`;
        try {
          const res = await post(first.url, { type: 'wall.create', wallId, name: `Wall ${lane}.${i}` });
          if (res.ok) acked.push(wallId);
        } catch {
          return; // the server died mid-request: that command was not acknowledged
        }
      }
    };
    const lanes = [0, 1, 2, 3].map(stream);
    // Kill once a good number of commands have been acknowledged, while requests are in flight.
    while (acked.length < 150) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(lanes);
    await exited(first.child);

    const second = await startChild({ PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: TOKEN });
    children.push(second.child);
    const res = await fetch(`${second.url}/api/show/export`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const show = (await res.json()) as Show;
    const missing = acked.filter((id) => !show.walls[id]);
    expect(acked.length).toBeGreaterThanOrEqual(150);
    expect(missing).toEqual([]);
    // the demo walls and the play state are still there
    expect(show.walls.main).toBeDefined();
    second.child.kill('SIGTERM');
  }, 120_000); // two server processes start in it: tens of seconds on a loaded machine

  it('the show resumes where it was after a restart: pieces, params and cue position', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-resume-'));
    const a = await startChild({ PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: TOKEN });
    children.push(a.child);
    const pieces = (await (await fetch(`${a.url}/api/installations`)).json()) as Array<{ id: string }>;
    const piece = pieces[pieces.length - 1]!.id;
    expect((await post(a.url, { type: 'wall.play', wallId: 'canopy', installationId: piece })).ok).toBe(true);
    expect((await post(a.url, { type: 'cue.save', cueId: 'one', name: 'One', commands: [{ type: 'show.volume', volume: 0.25 }] })).ok).toBe(true);
    expect((await post(a.url, { type: 'cue.go' })).ok).toBe(true);
    a.child.kill('SIGKILL');
    await exited(a.child);
    const b = await startChild({ PAVILION_DATA: dataDir, PAVILION_ADMIN_TOKEN: TOKEN });
    children.push(b.child);
    const show = (await (await fetch(`${b.url}/api/show/export`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Show;
    expect(show.walls.canopy!.installationId).toBe(piece);
    expect(show.cuePosition).toBe(0);
    expect(show.volume).toBe(0.25);
    b.child.kill('SIGTERM');
  }, 120_000); // two server processes start in it: tens of seconds on a loaded machine
});
