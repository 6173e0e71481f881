/** Backups in the panel (server/http/backups.ts): what an import or a restore would change, and restore points. */

/** What changes in one part of the show: ids added, removed, and kept but changed. */
export interface PartDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/** What replacing the running show with another would change. */
export interface ShowDiff {
  walls: PartDiff;
  screens: PartDiff;
  cues: PartDiff;
  /** Uploaded pieces the show records (owner, version the next play starts). */
  pieces: PartDiff;
  /** Presets, as `<piece>/<name>`. */
  presets: PartDiff;
  /** Other settings that differ: 'schedule', 'blackout', 'volume', 'cue order', 'dmx'. */
  settings: string[];
  /** Nothing differs. */
  same: boolean;
}

/** A show's size in a line. */
export interface ShowSummary {
  version: number;
  walls: number;
  screens: number;
  cues: number;
  pieces: number;
}

/** Why a restore point was taken. */
export type RestoreReason = 'hourly' | 'before-import' | 'before-restore' | 'manual';

/** One restore point, as the panel lists it. */
export interface RestorePoint {
  id: string;
  /** Show time it was taken. */
  at: number;
  reason: RestoreReason;
  summary: ShowSummary;
}

/** POST /api/show/import/preview and GET /api/restore-points/:id/preview. */
export interface ShowChangePreview {
  diff: ShowDiff;
  incoming: ShowSummary;
  current: ShowSummary;
}
