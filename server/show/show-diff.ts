import type { PartDiff, Show, ShowDiff, ShowSummary } from '../../protocol';

export type { PartDiff, ShowDiff, ShowSummary };

/**
 * JSON with every object's keys in one order: a show read back from a file (its keys in the
 * schema's order) equals the running one (its keys in the order the reducer wrote them).
 */
const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

/** Keyed parts compared by id; `view` leaves out what changes on its own (a wall's clock fields). */
function diffRecord<T>(from: Record<string, T>, to: Record<string, T>, view: (v: T) => unknown = (v) => v): PartDiff {
  const a = new Set(Object.keys(from));
  const b = new Set(Object.keys(to));
  return {
    added: [...b].filter((k) => !a.has(k)).sort(),
    removed: [...a].filter((k) => !b.has(k)).sort(),
    changed: [...a].filter((k) => b.has(k) && json(view(from[k]!)) !== json(view(to[k]!))).sort(),
  };
}

/** A wall as the technician set it up: without the timing fields every play and pause rewrites. */
const wallSetup = (w: Show['walls'][string]) => ({ ...w, startedAt: undefined, paramsAt: undefined, pausedAt: undefined, heldMs: undefined });

const presetsOf = (show: Show): Record<string, unknown> =>
  Object.fromEntries(Object.entries(show.presets).flatMap(([piece, byName]) => Object.entries(byName).map(([name, params]) => [`${piece}/${name}`, params])));

/** Compares `from` (the running show) with `to` (an import or a restore point). */
export function diffShows(from: Show, to: Show): ShowDiff {
  const settings: string[] = [];
  if (json(from.schedule) !== json(to.schedule)) settings.push('schedule');
  if (from.blackout !== to.blackout) settings.push('blackout');
  if (from.volume !== to.volume) settings.push('volume');
  if (json(from.cues.map((c) => c.id)) !== json(to.cues.map((c) => c.id))) settings.push('cue order');
  if (json(from.dmx ?? null) !== json(to.dmx ?? null)) settings.push('dmx');
  const d: Omit<ShowDiff, 'same'> = {
    walls: diffRecord(from.walls, to.walls, wallSetup),
    screens: diffRecord(from.screens, to.screens), // key included (a new key changes the screen's address); only ids leave this module
    cues: diffRecord(Object.fromEntries(from.cues.map((c) => [c.id, c])), Object.fromEntries(to.cues.map((c) => [c.id, c]))),
    pieces: diffRecord(from.pieces ?? {}, to.pieces ?? {}),
    presets: diffRecord(presetsOf(from), presetsOf(to)),
    settings,
  };
  const parts = [d.walls, d.screens, d.cues, d.pieces, d.presets];
  return { ...d, same: settings.length === 0 && parts.every((p) => !p.added.length && !p.removed.length && !p.changed.length) };
}

export const summarize = (show: Show): ShowSummary => ({
  version: show.version,
  walls: Object.keys(show.walls).length,
  screens: Object.keys(show.screens).length,
  cues: show.cues.length,
  pieces: Object.keys(show.pieces ?? {}).length,
});
