import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Color } from 'three';
import { paletteColors } from '../../sdk/palette';

const PALETTES = { ember: ['#ff8a3d', '#1c0b14'], sea: ['#36d6ff', '#02101c'] } as const;

describe('paletteColors (pavilion/sdk)', () => {
  it('makes the named palette into three.js Colors, read like a colour picker (sRGB)', () => {
    const [a, b] = paletteColors(PALETTES, 'sea', 'ember');
    expect(a!.getHexString()).toBe('36d6ff');
    expect(b!.equals(new Color('#02101c'))).toBe(true);
  });

  it('falls back to the named fallback for a name it does not know', () => {
    expect(paletteColors(PALETTES, 'no-such', 'ember').map((c) => c.getHexString())).toEqual(['ff8a3d', '1c0b14']);
  });

  it('makes new Colors each call, so a piece may change them in place', () => {
    expect(paletteColors(PALETTES, 'sea', 'ember')[0]).not.toBe(paletteColors(PALETTES, 'sea', 'ember')[0]);
  });

  it('says which palettes there are when neither the name nor the fallback is one', () => {
    expect(() => paletteColors(PALETTES, 'x', 'y' as 'ember')).toThrow(/no palette 'x' and no fallback palette 'y': palettes are ember, sea/);
  });
});

/** Every bundled piece with a palettes.json has a palette for each option of its palette param. */
describe('installations/*/palettes.json', () => {
  const root = path.resolve(import.meta.dirname, '../../installations');
  const pieces = fs.readdirSync(root).filter((id) => fs.existsSync(path.join(root, id, 'palettes.json')));

  it('is used by some pieces', () => {
    expect(pieces.length).toBeGreaterThan(0);
  });

  it.each(pieces)('%s: one palette per option, every colour a CSS hex colour', (id) => {
    const palettes = JSON.parse(fs.readFileSync(path.join(root, id, 'palettes.json'), 'utf8')) as Record<string, string[]>;
    const manifest = JSON.parse(fs.readFileSync(path.join(root, id, 'manifest.json'), 'utf8')) as { params: { palette?: { options: string[] } } };
    expect(Object.keys(palettes).sort()).toEqual([...(manifest.params.palette?.options ?? [])].sort());
    const sizes = new Set(Object.values(palettes).map((p) => p.length));
    expect(sizes.size, 'every palette has the same number of colours').toBe(1);
    for (const list of Object.values(palettes)) for (const c of list) expect(c).toMatch(/^#[0-9a-f]{6}$/i);
  });
});
