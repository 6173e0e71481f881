import { useMemo } from 'react';
import { Color } from 'three';

/**
 * Named palettes: each name (an option of the piece's palette param) to its colours, as CSS
 * colour strings ('#ffd39a'). Keep them as data, e.g. in a palettes.json beside manifest.json.
 */
export type Palettes = Readonly<Record<string, readonly string[]>>;

/**
 * The colours of the palette called `name`, or of `fallback` when there is none by that name, as
 * new three.js Colors (read as sRGB, like a colour picker's). Pure.
 */
export function paletteColors<P extends Palettes>(palettes: P, name: string, fallback: keyof P & string): Color[] {
  const list = palettes[name] ?? palettes[fallback];
  if (!list) throw new Error(`no palette '${name}' and no fallback palette '${fallback}': palettes are ${Object.keys(palettes).join(', ') || 'none'}`);
  return list.map((c) => new Color(c));
}

/**
 * The colours of palette `name` (usually a select param), or of `fallback`: made once per name,
 * so the same Color objects come back every render until the palette changes.
 *   import palettes from './palettes.json';
 *   const [ink, glow, room] = usePalette(palettes, params.palette, 'ember');
 */
export function usePalette<P extends Palettes>(palettes: P, name: string, fallback: keyof P & string): Color[] {
  return useMemo(() => paletteColors(palettes, name, fallback), [palettes, name, fallback]);
}
