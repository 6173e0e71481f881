import { checkParams, type Cue, type CueCommand, type Manifest, type Show } from '../../protocol';

/** A piece's manifest by id; with `version`, that kept version of an uploaded piece (the reducer's lookup). */
export type CuePieceLookup = (id: string, version?: string) => (Pick<Manifest, 'id' | 'params'> & { version?: string }) | undefined;

/**
 * What is wrong with a cue's commands, found before GO (docs/operations.md, "Cues"):
 * - `manifest`: the cue names a piece that is not installed, a preset it does not have, or a param
 *   the piece does not take or a value it refuses (the same check wall.params gets). cue.save
 *   refuses these; the panel flags a stored cue that a piece upgrade made so.
 * - `show`: the cue names a wall or screen the show does not have (now). Saving is allowed (a
 *   cue may be written before the wall is), but the panel flags it.
 */
export interface CueIssue {
  kind: 'manifest' | 'show';
  /** 1-based, as the panel numbers the commands. */
  command: number;
  type: CueCommand['type'];
  message: string;
}

/** One line: `command 2 (wall.params): param 'palette' must be one of dusk, dawn`. */
export function describeIssue(i: CueIssue): string {
  return `command ${i.command} (${i.type}): ${i.message}`;
}

/** Which piece each wall plays, as far as the cue list says: the id, null (stopped), or absent (as the show has it now). */
type Playing = Map<string, string | null>;

/** The manifest a wall.play of `id` starts: the version the show names for an uploaded piece, as the reducer picks it. */
function manifestOf(show: Show, piece: CuePieceLookup, id: string) {
  const want = show.pieces?.[id]?.version;
  return (want !== undefined ? piece(id, want) : undefined) ?? piece(id);
}

/** What each wall plays after the cues before `upTo` ran in order (their wall.play and wall.stop). */
export function playingBefore(show: Show, upTo: number): Playing {
  const playing: Playing = new Map();
  for (const cue of show.cues.slice(0, upTo)) follow(playing, cue.commands);
  return playing;
}

function follow(playing: Playing, commands: readonly CueCommand[]): void {
  for (const c of commands) {
    if (c.type === 'wall.play') playing.set(c.wallId, c.installationId);
    else if (c.type === 'wall.stop') playing.set(c.wallId, null);
  }
}

/**
 * The issues of a cue's commands (at most one per command), in order. `before` says what the cues
 * before it leave each wall playing (playingBefore): a wall.params is checked against the piece the
 * wall plays by then (this cue's own wall.play, an earlier cue's, else the wall's piece now).
 */
export function cueIssues(show: Show, commands: readonly CueCommand[], piece: CuePieceLookup, before: Playing = new Map()): CueIssue[] {
  const walls = new Set(Object.keys(show.walls));
  const screens = new Set(Object.keys(show.screens));
  const playing: Playing = new Map(before);
  const found: CueIssue[] = [];
  for (const [i, c] of commands.entries()) {
    const issue = (kind: CueIssue['kind'], message: string) => void found.push({ kind, command: i + 1, type: c.type, message });
    const noWall = (id: string) => issue('show', `there is no wall '${id}'; create it or pick another wall`);
    switch (c.type) {
      case 'wall.create':
        walls.add(c.wallId);
        break;
      case 'wall.delete':
        if (!walls.has(c.wallId)) noWall(c.wallId);
        walls.delete(c.wallId);
        break;
      case 'wall.play': {
        playing.set(c.wallId, c.installationId);
        const m = manifestOf(show, piece, c.installationId);
        const checked = m ? checkParams(m, c.params ?? {}) : null;
        if (!m) issue('manifest', `there is no piece '${c.installationId}'; pick an installed piece`);
        else if (c.preset && !show.presets[c.installationId]?.[c.preset]) issue('manifest', `piece '${c.installationId}' has no preset '${c.preset}'`);
        else if (checked && !checked.ok) issue('manifest', checked.message);
        else if (!walls.has(c.wallId)) noWall(c.wallId);
        break;
      }
      case 'wall.stop':
        playing.set(c.wallId, null);
        if (!walls.has(c.wallId)) noWall(c.wallId);
        break;
      case 'wall.params': {
        const wall = show.walls[c.wallId];
        const id = playing.has(c.wallId) ? playing.get(c.wallId) : wall?.installationId;
        // The version the wall plays now when it keeps playing the same piece, else what a wall.play would start.
        const m = id ? ((wall?.installationId === id && wall.version ? piece(id, wall.version) : undefined) ?? manifestOf(show, piece, id)) : undefined;
        const checked = m ? checkParams(m, c.params) : null;
        if (id && !m) issue('manifest', `wall '${c.wallId}' plays '${id}' by then, which is not installed`);
        else if (checked && !checked.ok) issue('manifest', checked.message);
        else if (!walls.has(c.wallId)) noWall(c.wallId);
        break;
      }
      case 'preset.save': {
        const m = piece(c.installationId);
        const checked = m ? checkParams(m, c.params) : null;
        if (!m) issue('manifest', `there is no piece '${c.installationId}'`);
        else if (checked && !checked.ok) issue('manifest', checked.message);
        break;
      }
      case 'screen.assign':
        if (c.wallId !== null && !walls.has(c.wallId)) noWall(c.wallId);
        screens.add(c.screenId);
        break;
      case 'screen.forget':
      case 'screen.blackout':
        if (!screens.has(c.screenId)) issue('show', `there is no screen '${c.screenId}' in the show`);
        if (c.type === 'screen.forget') screens.delete(c.screenId);
        break;
      default:
        if (c.type.startsWith('wall.') && 'wallId' in c && typeof c.wallId === 'string' && !walls.has(c.wallId)) noWall(c.wallId);
    }
  }
  return found;
}

/** Every stored cue's first issue, in words, by cue id (the panel's flags). One pass over the list. */
export function cueProblems(show: Show, piece: CuePieceLookup): Record<string, string> {
  const out: Record<string, string> = {};
  const playing: Playing = new Map();
  for (const cue of show.cues) {
    const issue = cueIssues(show, cue.commands, piece, playing)[0];
    if (issue) out[cue.id] = describeIssue(issue);
    follow(playing, cue.commands);
  }
  return out;
}

/** A cue's settings with their defaults (every field is optional in a stored show). */
export function cueSettings(cue: Cue): { preWaitMs: number; postWaitMs: number; continue: NonNullable<Cue['continue']>; notes: string } {
  return { preWaitMs: cue.preWaitMs ?? 0, postWaitMs: cue.postWaitMs ?? 0, continue: cue.continue ?? 'none', notes: cue.notes ?? '' };
}
