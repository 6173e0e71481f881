import type { PieceSummary, WallStatus } from '../../../protocol';

export type RawCommand = Record<string, unknown>;

/** Command types the cue builder has a form for; anything else is edited as JSON. */
export const BUILDER_TYPES = [
  { type: 'wall.play', label: 'Play a piece on a wall' },
  { type: 'wall.params', label: 'Set params on a wall' },
  { type: 'wall.stop', label: 'Stop a wall' },
  { type: 'wall.pause', label: 'Pause a wall' },
  { type: 'wall.resume', label: 'Resume a wall' },
  { type: 'show.blackout', label: 'Master blackout' },
  { type: 'screen.blackout', label: 'Black out one screen' },
  { type: 'show.volume', label: 'Master volume' },
  { type: 'wall.visitors', label: 'Visitor settings of a wall' },
] as const;

export function defaultCommand(type: string, walls: WallStatus[], pieces: PieceSummary[], screens: string[]): RawCommand {
  const wallId = walls[0]?.id ?? '';
  switch (type) {
    case 'wall.play':
      return { type, wallId, installationId: walls[0]?.installationId ?? pieces[0]?.id ?? '' };
    case 'wall.params':
      return { type, wallId, params: { ...(walls[0]?.params ?? {}) } };
    case 'wall.stop':
    case 'wall.pause':
    case 'wall.resume':
      return { type, wallId };
    case 'show.blackout':
      return { type, on: true };
    case 'screen.blackout':
      return { type, screenId: screens[0] ?? '', on: true };
    case 'show.volume':
      return { type, volume: 0.8 };
    case 'wall.visitors':
      return { type, wallId, showQr: true };
    default:
      return { type };
  }
}

/** One line per command, for the cue list. */
export function describe(c: RawCommand, pieces: PieceSummary[]): string {
  const title = (id: unknown) => pieces.find((p) => p.id === id)?.title ?? String(id);
  switch (c.type) {
    case 'wall.play':
      return `${String(c.wallId)} ▶ ${title(c.installationId)}${c.preset ? ` (${String(c.preset)})` : ''}`;
    case 'wall.params':
      return `${String(c.wallId)} params ${Object.entries((c.params as Record<string, unknown>) ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`;
    case 'wall.stop':
      return `${String(c.wallId)} ■ stop`;
    case 'wall.pause':
      return `${String(c.wallId)} ❚❚ pause`;
    case 'wall.resume':
      return `${String(c.wallId)} resume`;
    case 'show.blackout':
      return c.on ? 'blackout ON' : 'blackout off';
    case 'screen.blackout':
      return `${String(c.screenId)} ${c.on ? 'black' : 'unblack'}`;
    case 'show.volume':
      return `volume ${Math.round(Number(c.volume) * 100)}%`;
    default:
      return String(c.type);
  }
}
