import { createHash } from 'node:crypto';

/**
 * Visitors are anonymous. A phone keeps a random secret id in its storage; the server derives a
 * public id from it (a one-way hash) for screens, the control panel and kicks. Screens never see
 * the secret, so nobody who watches the frames can take over a visitor's place.
 */
export function publicIdOf(secret: string): string {
  return 'v' + createHash('sha256').update('pavilion.visitor/1:').update(secret).digest('base64url').slice(0, 15);
}

/** A stable hue in [0, 1) from an id (FNV-1a), so every screen and the phone draw the same colour. */
export function hueOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // floor, not round: a hash in the top 1/20,000 of the range would round to 1, outside [0, 1)
  return Math.floor(((h >>> 0) / 4294967296) * 10000) / 10000;
}
