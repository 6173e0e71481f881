import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createActivityLog } from '../../server/activity/log';
import type { ActivityEntry } from '../../protocol';

// V8's own test of two objects' hidden classes (its maps): a runtime function behind a flag.
v8.setFlagsFromString('--allow-natives-syntax');
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * The activity log keeps its last 5,000 entries in memory. Made by a spread of the five kinds of
 * partial entry, each entry got a map and descriptor array of its own (the spread goes megamorphic),
 * 438 bytes an entry instead of 142 (docs/performance.md, session 26).
 */
describe('activity log: every entry in memory shares one hidden class', () => {
  it('whatever its kind and whichever fields it leaves out', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-activity-shape-'));
    dirs.push(dir);
    const log = createActivityLog({ file: path.join(dir, 'activity.jsonl'), now: () => 1_800_000_000_000, log: pino({ level: 'silent' }) });
    const partials: Array<Omit<ActivityEntry, 'seq' | 'at'>> = [
      { kind: 'command', source: 'cue', by: 'cue', type: 'wall.play', result: 'ok', text: 'wall.play main → canopy' },
      { kind: 'screen', by: 'main-1', result: 'online', text: 'screen main-1 connected' },
      { kind: 'piece-error', by: 'main-2', result: 'frame', text: 'echo failed (frame) on main-2' },
      { kind: 'sign-in', by: 'technician', result: 'ok', text: 'technician signed in from 127.0.0.1' },
      { kind: 'show-replaced', by: 'import', result: 'ok', text: 'the whole show was replaced (an import or a restore)' },
    ];
    for (let i = 0; i < 200; i++) log.add(partials[i % partials.length]!);
    const entries = log.since(0, 1000).entries;
    expect(entries).toHaveLength(200);
    const apart = entries.filter((e) => !sameMap(e, entries[0]!));
    expect(apart.map((e) => e.kind)).toEqual([]);
    // What is written and served is unchanged: absent fields are left out of the JSON.
    const lines = fs.readFileSync(path.join(dir, 'activity.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[1]!)).toEqual({ seq: 2, at: 1_800_000_000_000, kind: 'screen', by: 'main-1', result: 'online', text: 'screen main-1 connected' });
    expect(Object.keys(JSON.parse(lines[1]!) as object)).not.toContain('source');
    log.close();
  });
});
