import { Color } from 'three';

/** A colour from a hue in [0, 1), at the given saturation and lightness. */
export function hueColor(hue: number, saturation = 0.85, lightness = 0.6): Color {
  return new Color().setHSL(((hue % 1) + 1) % 1, saturation, lightness);
}

/** The colour every screen and the visitor's own phone use for a visitor. */
export function visitorColor(visitor: { hue: number }): Color {
  return hueColor(visitor.hue, 0.9, 0.62);
}
