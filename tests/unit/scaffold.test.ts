import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { badId, scaffoldPiece, ScaffoldError } from '../../scripts/lib/scaffold';
import { readManifest } from '../../server/pieces/catalog';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pavilion-scaffold-unit-'));

describe('npm run new-piece', () => {
  it('refuses bad ids with a suggestion', () => {
    expect(badId('My Piece')).toMatch(/'My Piece' is not a valid piece id.*'my-piece'/);
    expect(badId('-x')).toMatch(/not a valid piece id/);
    expect(badId('sdk')).toMatch(/reserved/);
    expect(badId('')).toMatch(/give the piece an id/);
    expect(badId('tide-lines')).toBeNull();
  });

  it('creates a valid piece from the template, with the id, title and artist filled in', () => {
    const dir = tmp();
    const { folder, files } = scaffoldPiece('tide-lines', { dir, artist: 'Ada L.' });
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'index.tsx', 'README.md']));
    const res = readManifest(path.join(folder, 'manifest.json'), 'tide-lines');
    expect(res.ok ? res.manifest : res.message).toMatchObject({ id: 'tide-lines', title: 'Tide Lines', artist: 'Ada L.', version: '1.0.0' });
    for (const f of files) expect(fs.readFileSync(path.join(folder, f), 'utf8'), f).not.toMatch(/__(ID|TITLE|ARTIST)__/);
    expect(fs.readdirSync(dir)).toEqual(['tide-lines']); // no temp folder left behind
  });

  it('refuses an existing folder and leaves it untouched', () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'taken'));
    fs.writeFileSync(path.join(dir, 'taken', 'mine.txt'), 'keep');
    expect(() => scaffoldPiece('taken', { dir })).toThrow(ScaffoldError);
    expect(() => scaffoldPiece('taken', { dir })).toThrow(/exists already/);
    expect(fs.readdirSync(path.join(dir, 'taken'))).toEqual(['mine.txt']);
  });
});
