import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStorage } from '../../server/persistence/journal';
import { demoShow } from '../../server/show/demo';
import type { Show } from '../../protocol';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-journal-'));
  dirs.push(d);
  return d;
};
const realWriteSync = fs.writeSync;
afterEach(() => {
  fs.writeSync = realWriteSync;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const base = demoShow(1_700_000_000_000, () => null);
const version = (v: number, extra = ''): Show => ({ ...base, version: v, walls: { ...base.walls, [`w${v}${extra}`]: { ...Object.values(base.walls)[0]!, id: `w${v}${extra}`, name: `Wall ${v}` } } });

/** Makes fs.writeSync write at most `room` more bytes in all, then report 0 written (a full disk). */
function fillDiskAfter(room: number): void {
  let left = room;
  fs.writeSync = ((fd: number, buf: Buffer, offset?: number, length?: number, position?: number | null) => {
    const want = Math.min(length ?? buf.length - (offset ?? 0), left);
    if (want <= 0) return 0;
    left -= want;
    return realWriteSync(fd, buf, offset ?? 0, want, position ?? null);
  }) as typeof fs.writeSync;
}

describe('the show journal', () => {
  it('cuts a torn last line back off on load, logs it, and the next record survives', () => {
    const dir = tmp();
    const a = createFileStorage(dir);
    a.save(version(1));
    a.save(version(2));
    a.close();
    const journal = path.join(dir, 'show.journal');
    const good = fs.readFileSync(journal);
    const torn = `${JSON.stringify(version(3))}`.slice(0, 40);
    fs.appendFileSync(journal, torn);

    const warnings: Array<Record<string, unknown>> = [];
    const b = createFileStorage(dir, { log: { warn: (f) => void warnings.push(f) } });
    expect(b.load()?.version).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ cutBytes: torn.length, keptBytes: good.length, keptRecords: 2 });
    expect(fs.readFileSync(journal).equals(good)).toBe(true);
    b.save(version(4));
    b.close();
    expect(createFileStorage(dir).load()?.version).toBe(4);
  });

  it('repairs a tail torn at every byte offset of the last record', () => {
    const dir = tmp();
    const a = createFileStorage(dir);
    a.save(version(1));
    a.close();
    const journal = path.join(dir, 'show.journal');
    const good = fs.readFileSync(journal);
    const last = Buffer.from(`${JSON.stringify(version(2))}\n`);
    for (let cut = 1; cut < last.length; cut += Math.max(1, Math.floor(last.length / 97))) {
      fs.writeFileSync(journal, Buffer.concat([good, last.subarray(0, cut)]));
      const s = createFileStorage(dir);
      expect(s.load()?.version).toBe(1);
      s.save(version(5));
      s.close();
      expect(createFileStorage(dir).load()?.version).toBe(5);
      fs.writeFileSync(journal, good);
    }
  });

  it('refuses a record the disk could only take in part, and leaves no fragment behind', () => {
    const dir = tmp();
    const s = createFileStorage(dir);
    s.save(version(1));
    const before = fs.readFileSync(path.join(dir, 'show.journal'));
    fillDiskAfter(100);
    expect(() => s.save(version(2))).toThrow(/no room/);
    fs.writeSync = realWriteSync;
    expect(fs.readFileSync(path.join(dir, 'show.journal')).equals(before)).toBe(true);
    s.save(version(3));
    s.close();
    expect(createFileStorage(dir).load()?.version).toBe(3);
  });

  it('keeps the old snapshot and the journal when compaction runs out of disk', () => {
    const dir = tmp();
    const s = createFileStorage(dir, { compactBytes: 1 });
    s.save(version(1)); // compacts: show.json holds version 1, the journal is empty
    const snapshot = fs.readFileSync(path.join(dir, 'show.json'));
    const line = Buffer.byteLength(`${JSON.stringify(version(2))}\n`);
    fillDiskAfter(line + 200); // the journal line fits; the snapshot does not
    s.save(version(2));
    fs.writeSync = realWriteSync;
    expect(fs.readFileSync(path.join(dir, 'show.json')).equals(snapshot)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    s.close();
    expect(createFileStorage(dir).load()?.version).toBe(2);
  });

  it('says what to do when the snapshot is not readable', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'show.json'), '{"version": 3, "walls": {"a');
    expect(() => createFileStorage(dir).load()).toThrow(/not readable JSON.*restore it from an export/);
  });
});
