import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest, checkParams, defaultParams } from '../../protocol';
import { discoverPieces } from '../../server/pieces/catalog';

const good = {
  id: 'canopy', title: 'Canopy', artist: 'Studio', description: 'Leaves.',
  params: { speed: { type: 'number', min: 0, max: 2, default: 1 }, tint: { type: 'color', default: '#88ffcc' } },
};

describe('manifest', () => {
  it('accepts a good manifest and fills defaults', () => {
    const m = Manifest.parse(good);
    expect(m.version).toBe('1.0.0');
    expect(m.inputs).toEqual([]);
    expect(defaultParams(m)).toEqual({ speed: 1, tint: '#88ffcc' });
  });

  it.each([
    ['a bad id', { ...good, id: 'Canopy!' }, 'id'],
    ['no title', { ...good, title: undefined }, 'title'],
    ['a default outside min..max', { ...good, params: { speed: { type: 'number', min: 0, max: 1, default: 3 } } }, 'params'],
    ['min above max', { ...good, params: { speed: { type: 'number', min: 2, max: 1, default: 1 } } }, 'params'],
    ['an unknown param type', { ...good, params: { x: { type: 'vector', default: 1 } } }, 'params'],
  ])('refuses %s, naming the field', (_name, raw, field) => {
    const res = Manifest.safeParse(raw);
    expect(res.success).toBe(false);
    expect(res.error!.issues.some((i) => i.path[0] === field)).toBe(true);
  });

  it('checks param values against their specs', () => {
    const m = Manifest.parse(good);
    expect(checkParams(m, { speed: 1.5 })).toEqual({ ok: true, params: { speed: 1.5 } });
    expect(checkParams(m, { speed: 3 }).ok).toBe(false);
    expect(checkParams(m, { tint: 'red' }).ok).toBe(false);
    expect(checkParams(m, { nope: 1 }).ok).toBe(false);
  });

  it('discovery skips invalid pieces with a line naming the file and field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pieces-'));
    fs.mkdirSync(path.join(dir, 'canopy'));
    fs.writeFileSync(path.join(dir, 'canopy', 'manifest.json'), JSON.stringify(good));
    fs.mkdirSync(path.join(dir, 'broken'));
    fs.writeFileSync(path.join(dir, 'broken', 'manifest.json'), JSON.stringify({ ...good, id: 'broken', title: '' }));
    fs.mkdirSync(path.join(dir, 'mismatch'));
    fs.writeFileSync(path.join(dir, 'mismatch', 'manifest.json'), JSON.stringify(good));
    const warnings: string[] = [];
    const pieces = discoverPieces(dir, { warn: (m: string) => warnings.push(m), info: () => {} } as never);
    expect(pieces.map((p) => p.id)).toEqual(['canopy']);
    expect(warnings.some((w) => w.includes(path.join(dir, 'broken', 'manifest.json')) && w.includes('title'))).toBe(true);
    expect(warnings.some((w) => w.includes('mismatch') && w.includes('folder'))).toBe(true);
  });

  it('every bundled piece has a valid manifest', () => {
    const warnings: string[] = [];
    const pieces = discoverPieces(path.resolve(import.meta.dirname, '../../installations'), { warn: (m: string) => warnings.push(m), info: () => {} } as never);
    expect(warnings).toEqual([]);
    expect(pieces.length).toBeGreaterThanOrEqual(2);
  });
});
