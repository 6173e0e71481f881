import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStorage, STORAGE_FILES } from '../../server/persistence/journal';
import type { FsLayer } from '../../server/persistence/durable';
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
    expect(() => createFileStorage(dir).load()).toThrow(/not readable JSON.*restore the show from an export/);
  });

  it('writes a patch per command, proportional to the change, not the show', () => {
    const dir = tmp();
    const big = version(1);
    for (let i = 0; i < 100; i++) big.screens[`s-${i}`] = { id: `s-${i}`, wallId: null, rect: { x: i, y: 0, w: 100, h: 100 }, blackout: false };
    const s = createFileStorage(dir);
    s.save(big);
    const journal = path.join(dir, 'show.journal');
    const afterFirst = fs.statSync(journal).size;
    const next = { ...big, version: 2, blackout: true };
    s.save(next);
    const record = fs.statSync(journal).size - afterFirst;
    expect(record).toBeLessThan(100);
    expect(afterFirst).toBeGreaterThan(10 * record);
    const moved = { ...next, version: 3, screens: { ...next.screens, 's-7': { ...next.screens['s-7']!, blackout: true } } };
    delete (moved.screens as Record<string, unknown>)['s-9'];
    s.save(moved);
    s.close();
    const back = createFileStorage(dir).load()!;
    expect(back).toEqual(moved);
  });

  it('cuts from a record whose checksum does not match, and logs it', () => {
    const dir = tmp();
    const s = createFileStorage(dir);
    s.save(version(1));
    s.save({ ...version(1), version: 2, volume: 0.5 });
    s.close();
    const journal = path.join(dir, 'show.journal');
    const text = fs.readFileSync(journal, 'utf8');
    const flipped = text.replace('{"k":"volume","v":0.5}', '{"k":"volume","v":0.7}'); // a bit flipped on disk
    expect(flipped).not.toBe(text);
    fs.writeFileSync(journal, flipped);
    const warnings: string[] = [];
    const back = createFileStorage(dir, { log: { warn: (_f, m) => void warnings.push(m) } }).load()!;
    expect(back.version).toBe(1);
    expect(warnings.join()).toMatch(/torn or corrupt/);
  });

  it('still reads a journal of whole shows written before records had checksums', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'show.journal'), `${JSON.stringify(version(1))}\n${JSON.stringify(version(2))}\n`);
    const s = createFileStorage(dir);
    expect(s.load()?.version).toBe(2);
    s.save({ ...version(2), version: 3, volume: 0.25 });
    s.close();
    expect(createFileStorage(dir).load()).toMatchObject({ version: 3, volume: 0.25 });
  });

  it('keeps the last two snapshots: an unreadable snapshot falls back to the previous one plus the journals, and says so', () => {
    const dir = tmp();
    const s = createFileStorage(dir, { compactBytes: 2000 });
    let show = version(1);
    s.save(show);
    for (let v = 2; v <= 60; v++) {
      show = { ...show, version: v, volume: (v % 10) / 10 };
      s.save(show);
    }
    s.close();
    expect(fs.existsSync(path.join(dir, STORAGE_FILES.prevSnapshot))).toBe(true);
    fs.writeFileSync(path.join(dir, STORAGE_FILES.snapshot), '{"format":"pavilion.show/1","versi');
    const warnings: string[] = [];
    const back = createFileStorage(dir, { log: { warn: (_f, m) => void warnings.push(m) } }).load();
    expect(back).toEqual(show);
    expect(warnings.join()).toMatch(/snapshot is unreadable; starting from the previous snapshot/);
  });

  it('loses nothing when compaction stops at any of its steps (injected rename failures)', () => {
    for (let failAt = 0; failAt < 4; failAt++) {
      const dir = tmp();
      let renames = 0;
      const layer: FsLayer = {
        ...fs,
        renameSync: (a: fs.PathLike, b: fs.PathLike) => {
          if (renames++ === failAt) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
          fs.renameSync(a, b);
        },
      };
      const s = createFileStorage(dir, { compactBytes: 1500, fs: layer });
      let show = version(1);
      s.save(show);
      for (let v = 2; v <= 30; v++) {
        show = { ...show, version: v, volume: (v % 10) / 10 };
        s.save(show);
      }
      s.close();
      expect(createFileStorage(dir).load(), `rename #${failAt} failing`).toEqual(show);
    }
  });

  it('refuses a command on EIO through an injected filesystem layer, and keeps every acknowledged one', () => {
    const dir = tmp();
    let broken = false;
    const layer: FsLayer = {
      ...fs,
      fsyncSync: (fd: number) => {
        if (broken) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        fs.fsyncSync(fd);
      },
    };
    const s = createFileStorage(dir, { fs: layer });
    s.save(version(1));
    s.save({ ...version(1), version: 2, volume: 0.3 });
    broken = true;
    expect(() => s.save({ ...version(1), version: 3, volume: 0.9 })).toThrow(/EIO/);
    broken = false;
    s.close();
    expect(createFileStorage(dir).load()).toMatchObject({ version: 2, volume: 0.3 });
  });
});
