import displayUrl from '@fontsource/space-grotesk/files/space-grotesk-latin-500-normal.woff?url';
import lightUrl from '@fontsource/space-grotesk/files/space-grotesk-latin-300-normal.woff?url';
import boldUrl from '@fontsource/space-grotesk/files/space-grotesk-latin-700-normal.woff?url';

/**
 * Font files served by Pavilion itself. Always pass one to drei's <Text font={fonts.display}>:
 * its default font comes from a CDN, which an offline pavilion cannot reach.
 */
export const fonts = { display: displayUrl, light: lightUrl, bold: boldUrl } as const;
