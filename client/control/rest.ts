import type { WireError } from '../../protocol';

export type Reply<T> = ({ ok: true } & T) | { ok: false; error: WireError };

/** Technician-only REST with the session cookie (artists, backups: things that are never on the socket). */
export async function call<T extends object>(method: string, url: string, body?: unknown): Promise<Reply<T>> {
  try {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      body: body !== undefined ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
    });
    const json = (await res.json().catch(() => null)) as Reply<T> | null;
    return json ?? { ok: false, error: { code: 'internal', message: `the server answered HTTP ${res.status}` } };
  } catch {
    return { ok: false, error: { code: 'internal', message: 'the server cannot be reached; check that it runs' } };
  }
}
