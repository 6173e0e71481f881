/** What bench:switch and its profiler share: the demo wall's screens, and what they ask of the server over REST (a command, a wait on a condition). */

/** POSTs one command as the technician; throws with the server's answer when it is refused. */
export async function postCommand(url: string, token: string, c: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/api/commands`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(c) });
  const body = (await res.json()) as { ok: boolean };
  if (!body.ok) throw new Error(`${String(c.type)}: ${JSON.stringify(body)}`);
}

export { poll } from '../lib/child';

/** The demo wall's screens, in order (main-1 plays the wall's sound). */
export const WALL_SCREENS = ['main-1', 'main-2', 'main-3'];

/**
 * `--only <screen>`: one screen of the wall alone (the others not opened), as a wall's screen on a
 * machine of its own; null without it. Exits with a message when it names no screen of the wall.
 */
export function onlyScreen(only: string, bench: string): string | null {
  if (!only) return null;
  if (!WALL_SCREENS.includes(only)) {
    console.error(`${bench}: --only takes ${WALL_SCREENS.join(', ')}; got '${only}'`);
    process.exit(2);
  }
  return only;
}
