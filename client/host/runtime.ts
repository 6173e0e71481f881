import type { PieceRuntime, ShowTime, SoundRuntime, VisitorsFrame, WallGeometry } from 'pavilion/sdk';
import type { ManifestInput, ParamValues } from '../../protocol';
import type { ActivePiece } from './switcher';
import type { QualityLevel } from './quality';

type Phase = Parameters<PieceRuntime['reportError']>[0];

/** What one run of a piece shares across every screen a host draws: its live time and visitors, its seed, its reports. */
export interface RunShared {
  time: ShowTime;
  visitors: VisitorsFrame;
  reportProgress(loaded: number, total: number): void;
  reportError(phase: Phase, error: unknown): void;
  /** Reports the error and takes this run off (the fallback replaces it). */
  fail(phase: Phase, error: unknown): void;
}

/** What differs per screen: its part of the wall, and how it renders and sounds. */
export interface StageSettings {
  wall: WallGeometry;
  params: ParamValues;
  quality: QualityLevel;
  sound: SoundRuntime | null;
}

/** The manifest a piece that failed to load stands in with. */
export function placeholderManifest(installationId: string): ManifestInput {
  return { id: installationId, title: installationId, artist: '', description: '', params: {} };
}

/**
 * The PieceRuntime the SDK hooks read, for one run on one screen. A fresh object for every change
 * of settings (so React context consumers update), sharing the run's live `time` and `visitors`.
 */
export function buildRuntime(run: ActivePiece, shared: RunShared, stage: StageSettings): PieceRuntime {
  return {
    installationId: run.installationId,
    manifest: run.module?.manifest ?? placeholderManifest(run.installationId),
    time: shared.time,
    wall: stage.wall,
    params: stage.params,
    visitors: shared.visitors,
    seed: run.seed,
    quality: stage.quality,
    sound: stage.sound,
    reportProgress: shared.reportProgress,
    reportError: shared.reportError,
    fail: shared.fail,
  };
}
