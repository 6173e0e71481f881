import { fail, type Command, type Cue, type CueCommand, type Show } from '../../protocol';
import type { ReduceContext, ReduceResult } from './reducer';
import { cueIssues, describeIssue, playingBefore } from './cue-checks';

type CueListCommand = Extract<Command, { type: 'cue.save' | 'cue.standby' | 'cue.stop' | 'cue.record' }>;

/**
 * The cue list's own commands (pure, like the reducer that calls them; docs/operations.md, "Cues"):
 * - cue.save: stores a cue, refused when a command names a piece, preset or param value the
 *   pieces' manifests do not take (the field named in the error), so that it fails at save, not at GO;
 * - cue.record: a new cue from the current state of some walls;
 * - cue.standby: puts a cue on standby;
 * - cue.stop: changes nothing here: the cue sequencer (cue-sequencer.ts) stops its waits.
 */
export function reduceCue(show: Show, c: CueListCommand, ctx: ReduceContext): ReduceResult {
  switch (c.type) {
    case 'cue.save': {
      const { type: _t, cueId, index, ...rest } = c;
      return saveCue(show, { ...rest, id: cueId }, index, ctx);
    }
    case 'cue.record': {
      const commands: CueCommand[] = [];
      for (const wallId of new Set(c.wallIds)) {
        const wall = show.walls[wallId];
        if (!wall) return fail('unknown_wall', `there is no wall '${wallId}' to record; pick one of: ${Object.keys(show.walls).join(', ') || '(none)'}`);
        if (wall.installationId) {
          commands.push({ type: 'wall.play', wallId, installationId: wall.installationId, params: { ...wall.params }, ...(wall.transition ? { transition: { ...wall.transition } } : {}) });
          if (wall.pausedAt !== null) commands.push({ type: 'wall.pause', wallId });
        } else commands.push({ type: 'wall.stop', wallId });
        for (const s of Object.values(show.screens).sort((a, b) => a.id.localeCompare(b.id)))
          if (s.wallId === wallId) commands.push({ type: 'screen.blackout', screenId: s.id, on: s.blackout });
      }
      commands.push({ type: 'show.blackout', on: show.blackout });
      if (commands.length > 32) return fail('bad_request', `recording these walls makes ${commands.length} commands, more than a cue holds (32); record fewer walls per cue`);
      if (show.cues.some((q) => q.id === c.cueId)) return fail('conflict', `cue '${c.cueId}' exists already; record under another id`);
      return saveCue(show, { id: c.cueId, name: c.name, commands }, c.index, ctx);
    }
    case 'cue.standby': {
      const index = c.cueId === null ? show.cues.length : show.cues.findIndex((q) => q.id === c.cueId);
      if (index < 0) return fail('unknown_cue', `there is no cue '${c.cueId}'`);
      return { ok: true, show: { ...show, cueStandby: index }, changed: index !== show.cueStandby, effects: [] };
    }
    case 'cue.stop':
      return { ok: true, show, changed: false, effects: [] };
  }
}

/** Puts a cue in the list (replacing one with its id), after checking its commands against the manifests. */
function saveCue(show: Show, cue: Cue, at: number | undefined, ctx: ReduceContext): ReduceResult {
  const cues = show.cues.filter((q) => q.id !== cue.id);
  const existing = show.cues.findIndex((q) => q.id === cue.id);
  const index = Math.min(at ?? (existing >= 0 ? existing : cues.length), cues.length);
  // Checked where it will stand: a wall.params aims at what the cues before it leave the wall playing.
  const issue = cueIssues(show, cue.commands, ctx.piece, playingBefore({ ...show, cues }, index)).find((i) => i.kind === 'manifest');
  if (issue) return fail('bad_request', `cue '${cue.id}' was not saved: ${describeIssue(issue)}`);
  const stored: Cue = { id: cue.id, name: cue.name, commands: cue.commands };
  // Settings at their defaults are left out: the stored cue reads as before they existed.
  const defaults = { number: '', preWaitMs: 0, postWaitMs: 0, continue: 'none', notes: '' } as const;
  for (const key of Object.keys(defaults) as Array<keyof typeof defaults>) if (cue[key] !== undefined && cue[key] !== defaults[key]) Object.assign(stored, { [key]: cue[key] });
  cues.splice(index, 0, stored);
  return { ok: true, show: { ...show, cues }, changed: true, effects: [] };
}
