import { z } from 'zod';

const KEY = 'pavilion.stageOrigin';
const Answer = z.object({ origin: z.string().max(300) });

/** An http(s) origin (no path), normalised as the browser writes MessageEvent.origin; else null. */
export function asOrigin(value: string): string | null {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Where pieces run: the stage origin (GET /api/stage, docs/api.md), remembered in this page's
 * storage so that a screen reloaded while the server is down still knows where its stage is.
 */
export async function findStageOrigin(fetchFn: typeof fetch = fetch): Promise<string | null> {
  try {
    const res = await fetchFn('/api/stage', { cache: 'no-store' });
    const body = Answer.safeParse(res.ok ? await res.json() : null);
    const origin = body.success ? asOrigin(body.data.origin) : null;
    if (origin) {
      try {
        localStorage.setItem(KEY, origin);
      } catch {
        /* storage blocked: known for this page's life only */
      }
      return origin;
    }
  } catch {
    /* offline: fall back on the remembered one */
  }
  try {
    const saved = localStorage.getItem(KEY);
    return saved ? asOrigin(saved) : null;
  } catch {
    return null;
  }
}
