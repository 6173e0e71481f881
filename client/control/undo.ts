import type { CommandInput, ShowView } from '../../protocol';

/**
 * The command that undoes `command`, computed from the show as it was just before it was sent;
 * null when it has none (identify, reload, pairing, a delete that cannot be rebuilt, a GO).
 * Undo is itself a command: it goes through the same path and the activity log shows both.
 */
export function inverseOf(command: CommandInput, before: ShowView): CommandInput | null {
  const wallOf = (id: string) => before.walls.find((w) => w.id === id);
  switch (command.type) {
    case 'show.blackout':
      return before.blackout === command.on ? null : { type: 'show.blackout', on: before.blackout };
    case 'show.volume':
      return before.volume === command.volume ? null : { type: 'show.volume', volume: before.volume };
    case 'screen.blackout': {
      const s = before.screens.find((x) => x.id === command.screenId);
      return s && s.ownBlackout !== command.on ? { type: 'screen.blackout', screenId: s.id, on: s.ownBlackout } : null;
    }
    case 'wall.play':
    case 'wall.stop': {
      const w = wallOf(command.wallId);
      if (!w) return null;
      // Back to what played: the piece, its params, from its start again (a piece cannot rewind its own state).
      return w.installationId ? { type: 'wall.play', wallId: w.id, installationId: w.installationId, params: w.params } : { type: 'wall.stop', wallId: w.id };
    }
    case 'wall.pause': {
      const w = wallOf(command.wallId);
      return w && w.pausedAt === null ? { type: 'wall.resume', wallId: w.id } : null;
    }
    case 'wall.resume': {
      const w = wallOf(command.wallId);
      return w && w.pausedAt !== null ? { type: 'wall.pause', wallId: w.id } : null;
    }
    case 'wall.params': {
      const w = wallOf(command.wallId);
      if (!w) return null;
      const params = Object.fromEntries(Object.keys(command.params).filter((k) => k in w.params).map((k) => [k, w.params[k]!]));
      return Object.keys(params).length ? { type: 'wall.params', wallId: w.id, params } : null;
    }
    case 'wall.quality': {
      const w = wallOf(command.wallId);
      return w && w.quality !== command.quality ? { type: 'wall.quality', wallId: w.id, quality: w.quality } : null;
    }
    case 'wall.rename': {
      const w = wallOf(command.wallId);
      return w && w.name !== command.name ? { type: 'wall.rename', wallId: w.id, name: w.name } : null;
    }
    case 'wall.visitors': {
      const w = wallOf(command.wallId);
      return w ? { type: 'wall.visitors', wallId: w.id, cap: w.visitorCap, input: w.visitorInput, showQr: w.showQr } : null;
    }
    case 'wall.audio': {
      const w = wallOf(command.wallId);
      return w ? { type: 'wall.audio', wallId: w.id, screenIds: w.audioScreens } : null;
    }
    case 'screen.assign': {
      const s = before.screens.find((x) => x.id === command.screenId);
      return s ? { type: 'screen.assign', screenId: s.id, wallId: s.wallId, ...(s.rect ? { rect: s.rect } : {}) } : null;
    }
    case 'cue.delete': {
      const i = before.cues.findIndex((q) => q.id === command.cueId);
      const q = before.cues[i];
      if (!q) return null;
      const { id, ...rest } = q; // every field the cue has (waits, notes, …), as it was saved
      return { type: 'cue.save', cueId: id, ...rest, index: i } as CommandInput;
    }
    case 'preset.delete': {
      const params = before.presets[command.installationId]?.[command.name];
      return params ? { type: 'preset.save', installationId: command.installationId, name: command.name, params } : null;
    }
    default:
      return null;
  }
}

/** What an undo button says for it. */
export function undoLabel(command: CommandInput): string {
  switch (command.type) {
    case 'show.blackout':
      return command.on ? 'Blackout on' : 'Blackout off';
    case 'wall.stop':
      return `Stopped ${command.wallId}`;
    case 'wall.play':
      return `Playing ${command.installationId} on ${command.wallId}`;
    default:
      return command.type;
  }
}
