import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ParamValues, PieceSummary, Quality } from '../../protocol';
import type { Timing } from '../host';

export interface PreviewState {
  piece: PieceSummary | null;
  /** Why the page cannot show the piece at all (unknown id, no such version…). */
  problem: string | null;
  params: ParamValues;
  span: boolean;
  /** Changes to start the piece again from t = 0 (restart, retry). */
  run: number;
  /** The run's start and pause state, on this page's clock (the preview's show time). */
  timing: Timing;
  paused: boolean;
  /** The host's quality setting for the simulated screens, as a wall's `quality`. */
  quality: Quality;
  sound: 'off' | 'on';
  /** Where the stage frame loads from (GET /api/stage), once known. */
  stageOrigin: string | null;
}

export type PreviewStore = StoreApi<PreviewState>;

/** The preview page's own state (zustand vanilla). One per page, made in page.ts. */
export function createPreviewStore(now: number, span: boolean): PreviewStore {
  return createStore<PreviewState>(() => ({
    piece: null,
    problem: null,
    params: {},
    span,
    run: 0,
    timing: { startedAt: now, pausedAt: null, heldMs: 0 },
    paused: false,
    quality: 'auto',
    sound: 'off',
    stageOrigin: null,
  }));
}
