import crypto from 'node:crypto';

/**
 * Screen keys: the per-screen credential of a /display page (docs/display.md, pairing). A key is
 * 32 random bytes (256 bits) from the OS's CSPRNG, base64url: 43 characters, URL-safe, and
 * unguessable. Keys live in the show (ScreenConfig.key), so that an approval, a revocation or a
 * new key is one command, journaled and fsync'd like every other change.
 */
export function newScreenKey(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * Whether `given` is `expected`, in constant time: both are hashed to 32 bytes first, so the
 * comparison takes as long whatever their lengths and wherever they differ.
 */
export function keyMatches(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** The address of a screen's page with its key, on `base` (the server's public URL). */
export function displayUrlOf(base: string, screenId: string, key: string): string {
  return `${base}/display?screen=${encodeURIComponent(screenId)}&key=${encodeURIComponent(key)}`;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // 32 symbols: no 0/O, no 1/I

/** A short pairing code (6 of 32 symbols, ~30 bits): readable across a room, not a secret. */
export function newPairingCode(): string {
  const bytes = crypto.randomBytes(6);
  let code = '';
  for (const b of bytes) code += CODE_ALPHABET.charAt(b & 31);
  return code;
}

/** A waiting page's claim on its code across reconnects: a secret only that page holds. */
export function newClaim(): string {
  return crypto.randomBytes(18).toString('base64url');
}
