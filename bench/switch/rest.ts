/** What bench:switch and its profiler ask of the server over REST: a command, and a wait on a condition. */
import { sleep } from '../lib/child';

/** POSTs one command as the technician; throws with the server's answer when it is refused. */
export async function postCommand(url: string, token: string, c: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(c) });
  const body = (await res.json()) as { ok: boolean };
  if (!body.ok) throw new Error(`${String(c.type)}: ${JSON.stringify(body)}`);
}

/** Polls `fn` every 25 ms until it gives a value; throws after `timeoutMs`. */
export async function poll<T>(fn: () => Promise<T | null | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(25);
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}
