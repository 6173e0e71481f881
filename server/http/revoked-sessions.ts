import fs from 'node:fs';
import { replaceFileDurably } from '../persistence/durable';

/**
 * Sessions ended by signing out, kept until they would have expired anyway, in
 * `<data>/revoked-sessions.json` (written atomically), so that a copied session cookie stops
 * working at sign-out, also after a restart.
 */
export class RevokedSessions {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly file: string | null,
    private readonly now: () => number,
  ) {
    if (!file || !fs.existsSync(file)) return;
    try {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (raw && typeof raw === 'object')
        for (const [id, expiry] of Object.entries(raw as Record<string, unknown>)) if (typeof expiry === 'number') this.ids.set(id, expiry);
    } catch {
      // A damaged file: start empty rather than refuse to start (sessions expire in 14 days anyway).
    }
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * Ends a session; `expiry` is when it would have expired. Returns false when it could not be
   * saved to disk: it is then ended until the next restart only.
   */
  revoke(id: string, expiry: number): boolean {
    const now = this.now();
    for (const [k, e] of this.ids) if (e <= now) this.ids.delete(k);
    this.ids.set(id, expiry);
    if (!this.file) return true;
    try {
      replaceFileDurably(this.file, JSON.stringify(Object.fromEntries(this.ids)), { mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }
}
