import { checkParams, type CueCommand, type Manifest, type ParamValue, type Show } from '../../protocol';

/**
 * Stored param values after a piece's manifest changed (a new uploaded version, a bundled piece
 * changed across a restart): each value is kept if the piece still accepts it, otherwise reset to
 * the param's default; values of params the piece no longer declares are dropped. Walls' params,
 * presets and the params of cue commands (`wall.play`, `wall.params`) are all migrated, so the
 * show stays valid and its export imports again.
 *
 * Pure: returns a new show that shares every object it did not change (the journal records only
 * what changed), and the list of changes to report. Pieces that are not installed are left alone.
 */

type Params = Record<string, ParamValue>;
type Report = (param: string, from: unknown, action: ParamChange['action'], to: ParamValue | null, why: string) => void;
/** A piece's manifest by id; with `version`, that kept version of an uploaded piece (as the reducer's lookup). */
export type PieceLookup = (id: string, version?: string) => (Pick<Manifest, 'id' | 'params'> & { version?: string }) | undefined;

export interface ParamChange {
  kind: 'wall' | 'preset' | 'cue';
  /** Where the value is stored, in words: `wall 'main'`, `preset 'calm' of 'canopy'`, `cue 'intro' (command 2, wall.play)`. */
  where: string;
  installationId: string;
  /** The piece's version the value was checked against, when known. */
  version?: string;
  param: string;
  from: unknown;
  /** reset: to the param's default; dropped: the piece no longer declares it; rounded: to a whole number. */
  action: 'reset' | 'dropped' | 'rounded';
  /** The value now stored, or null when the param was dropped. */
  to: ParamValue | null;
  /** Why the stored value could not stay (the piece's own check). */
  why: string;
}

export interface Migration {
  show: Show;
  changes: ParamChange[];
}

/** One line a technician reads: where, which param, what it was, what it is now, and why. */
export function describeChange(c: ParamChange): string {
  const head = `${c.where}: param '${c.param}' of '${c.installationId}'${c.version ? ` ${c.version}` : ''} was ${JSON.stringify(c.from)}`;
  if (c.action === 'dropped') return `${head}; dropped: ${c.why}`;
  if (c.action === 'rounded') return `${head}; now ${JSON.stringify(c.to)}: ${c.why}`;
  return `${head}, which the piece no longer accepts (${c.why}); reset to its default ${JSON.stringify(c.to)}`;
}

/** Migrates one set of values against a manifest. Returns the new values, or null when every value stands. */
function migrateValues(values: Params, m: Pick<Manifest, 'id' | 'params'>, report: Report): Params | null {
  let out: Params | null = null;
  for (const [key, value] of Object.entries(values)) {
    const spec = m.params[key];
    if (!spec) {
      out ??= { ...values };
      delete out[key];
      report(key, value, 'dropped', null, `the piece no longer has it`);
      continue;
    }
    const checked = checkParams(m, { [key]: value });
    if (checked.ok) {
      const kept = checked.params[key] ?? spec.default;
      if (kept === value) continue;
      out ??= { ...values };
      out[key] = kept;
      report(key, value, 'rounded', kept, 'the piece now takes a whole number');
      continue;
    }
    out ??= { ...values };
    out[key] = spec.default;
    report(key, value, 'reset', spec.default, checked.message);
  }
  return out;
}

export function migrateParams(show: Show, piece: PieceLookup): Migration {
  const changes: ParamChange[] = [];
  const reporter = (kind: ParamChange['kind'], where: string, m: { id: string; version?: string }): Report => (param, from, action, to, why) =>
    void changes.push({ kind, where, installationId: m.id, ...(m.version ? { version: m.version } : {}), param, from, action, to, why });
  /** What a wall plays: the version it names (an uploaded piece), else the piece's current one, as the reducer does. */
  const played = (id: string, version: string | null | undefined) => (version ? piece(id, version) : undefined) ?? piece(id);

  let walls: Show['walls'] | null = null;
  for (const [id, w] of Object.entries(show.walls)) {
    const m = w.installationId ? played(w.installationId, w.version) : undefined;
    if (!m) continue;
    const params = migrateValues(w.params, m, reporter('wall', `wall '${id}'`, m));
    if (params) (walls ??= { ...show.walls })[id] = { ...w, params };
  }

  let presets: Show['presets'] | null = null;
  for (const [pieceId, byName] of Object.entries(show.presets)) {
    const m = piece(pieceId);
    if (!m) continue; // kept as they are until the piece is installed again
    let next: Record<string, Params> | null = null;
    for (const [name, values] of Object.entries(byName)) {
      const params = migrateValues(values, m, reporter('preset', `preset '${name}' of '${pieceId}'`, m));
      if (params) (next ??= { ...byName })[name] = params;
    }
    if (next) (presets ??= { ...show.presets })[pieceId] = next;
  }

  let cues: Show['cues'] | null = null;
  for (const [ci, cue] of show.cues.entries()) {
    /** What each wall plays by this point of the cue (its own wall.play / wall.stop). */
    const playing = new Map<string, string | null>();
    let commands: CueCommand[] | null = null;
    for (const [i, c] of cue.commands.entries()) {
      const where = `cue '${cue.id}' (command ${i + 1}, ${c.type})`;
      let next: CueCommand | null = null;
      if (c.type === 'wall.play') {
        playing.set(c.wallId, c.installationId);
        const m = piece(c.installationId);
        const params = m && c.params ? migrateValues(c.params, m, reporter('cue', where, m)) : null;
        if (params) next = { ...c, params };
      } else if (c.type === 'wall.stop') {
        playing.set(c.wallId, null);
      } else if (c.type === 'wall.params') {
        // Aimed at whatever the wall plays then: the cue's own wall.play, else what it plays now.
        const wall = show.walls[c.wallId];
        const own = playing.get(c.wallId);
        const m = playing.has(c.wallId) ? (own ? piece(own) : undefined) : wall?.installationId ? played(wall.installationId, wall.version) : undefined;
        const params = m ? migrateValues(c.params, m, reporter('cue', where, m)) : null;
        if (params) next = { ...c, params };
      }
      if (next) (commands ??= [...cue.commands])[i] = next;
    }
    if (commands) (cues ??= [...show.cues])[ci] = { ...cue, commands };
  }

  if (!walls && !presets && !cues) return { show, changes };
  return { show: { ...show, ...(walls ? { walls } : {}), ...(presets ? { presets } : {}), ...(cues ? { cues } : {}) }, changes };
}
