import type { CommandSource } from './commands';

/** What an activity entry records (server/activity/log.ts). */
export type ActivityKind = 'command' | 'show-replaced' | 'screen' | 'piece-error' | 'sign-in';

/** One line of the activity log: GET /api/log, and the panel's Log view. */
export interface ActivityEntry {
  /** Increasing for ever (across restarts): `since` takes it. */
  seq: number;
  /** Show time. */
  at: number;
  kind: ActivityKind;
  /** Where a command came from. */
  source?: CommandSource;
  /** Who or what did it: `panel 3f9a1c` (a session), `REST`, `schedule: closing at 20:00`, `artist alice`. */
  by?: string;
  /** The command's type, for commands. */
  type?: string;
  /** `ok`, an error code, or for screens `online`/`offline`. */
  result: string;
  /** One readable line. */
  text: string;
}

/** GET /api/log?since=<seq>&limit=<n>: entries after `since`, oldest first; `last` is the newest seq. */
export interface ActivityPage {
  entries: ActivityEntry[];
  last: number;
}
