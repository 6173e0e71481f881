/**
 * The visitor's colour as CSS: the same HSL the screens draw (sdk visitorColor: s 0.9, l 0.62).
 * Used by the phone page and the control panel's visitor list; no imports, so the phone bundle
 * stays as small as it is.
 */
export const colourOf = (hue: number) => `hsl(${Math.round(hue * 3600) / 10}, 90%, 62%)`;
