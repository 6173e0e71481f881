/** What bench:switch and its profiler ask of the server over REST: a command, and a wait on a condition. */

/** POSTs one command as the technician; throws with the server's answer when it is refused. */
export async function postCommand(url: string, token: string, c: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(c) });
  const body = (await res.json()) as { ok: boolean };
  if (!body.ok) throw new Error(`${String(c.type)}: ${JSON.stringify(body)}`);
}

export { poll } from '../lib/child';
