/** Where the server serves the shared fonts (assets/fonts/, served at /assets/, listed in assets/manifest.json). */
const SPACE_GROTESK = '/assets/fonts/space-grotesk/space-grotesk-latin';

/**
 * Font files served by Pavilion itself (Space Grotesk, Latin, WOFF: the format drei's <Text>
 * reads). Always pass one to drei's <Text font={fonts.display}>: its default font comes from a
 * CDN, which an offline pavilion cannot reach.
 */
export const fonts = {
  display: `${SPACE_GROTESK}-500-normal.woff`,
  light: `${SPACE_GROTESK}-300-normal.woff`,
  bold: `${SPACE_GROTESK}-700-normal.woff`,
} as const;
