import type { CueCommand, Show, WarmAheadPiece } from '../../protocol';
import { eventsOf, localTime } from './scheduler';

/** Pieces a wall's screens warm ahead at most: the screens' warm cache keeps 3 (client/host/warm-cache.ts). */
export const WARM_AHEAD_MAX = 2;

/**
 * The pieces a wall will play next, which its screens warm in the background (issue 13, "ahead of
 * time"): those the cue list's standby cue (what GO fires next) plays on the wall, then the one the
 * schedule's next event plays there (the next entry's cue, or the opening's attract piece), after
 * `now`'s time of day in the schedule's zone. Not the piece on the wall now; at most WARM_AHEAD_MAX.
 * Pure; the view is rebuilt whenever the show changes (a GO, a scheduled event), so it follows.
 */
export function warmAheadOf(
  show: Show,
  wallId: string,
  now: number,
  summary: (installationId: string, version?: string | null) => { version: string; moduleUrl: string | null } | undefined,
): WarmAheadPiece[] {
  const ids: string[] = [];
  const add = (id: string | undefined) => {
    if (id && id !== show.walls[wallId]?.installationId && !ids.includes(id)) ids.push(id);
  };
  const playsOf = (commands: readonly CueCommand[] | undefined) => {
    for (const c of commands ?? []) if (c.type === 'wall.play' && c.wallId === wallId) add(c.installationId);
  };
  playsOf(show.cues[show.cueStandby]?.commands);
  const next = nextScheduled(show, now);
  if (next?.kind === 'opening') add(show.schedule.attract[wallId]);
  else if (next?.kind === 'cue') playsOf(show.cues.find((c) => c.id === next.cueId)?.commands);
  const out: WarmAheadPiece[] = [];
  for (const id of ids.slice(0, WARM_AHEAD_MAX)) {
    // The version a wall.play would start now: an uploaded piece's current one (show.pieces), else the bundled one.
    const s = summary(id, show.pieces?.[id]?.version ?? null);
    if (s) out.push({ installationId: id, version: s.version, moduleUrl: s.moduleUrl });
  }
  return out;
}

/** The schedule's next event today after `now` (its day and time of day in the schedule's zone, with that day's hours), or null. */
function nextScheduled(show: Show, now: number) {
  if (!show.schedule.enabled) return null;
  let here: { day: string; time: string };
  try {
    here = localTime(now, show.schedule.timezone);
  } catch {
    return null; // a zone this runtime does not know: the scheduler reports it
  }
  // Today's hours (a weekday's own or a dated exception), as the scheduler fires them; a closed day has none.
  return eventsOf(show.schedule, here.day).find((e) => e.time > here.time && e.kind !== 'closing') ?? null;
}
