import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DisplayPairing, DisplayView } from '../../protocol';

export interface DisplayState {
  screenId: string | null;
  connected: boolean;
  /** Set once the server answered display:hello. */
  view: DisplayView | null;
  /** A message the screen shows instead of the picture (bad URL, refused hello). */
  problem: string | null;
  /** Not paired: the code this page shows until a technician approves it. */
  pairing: DisplayPairing | null;
  identifyUntil: number;
  /** Where the stage frame loads from (GET /api/stage), once known. */
  stageOrigin: string | null;
}

export type DisplayStore = StoreApi<DisplayState>;

/** The screen page's own state, outside React (zustand vanilla). One per page, made in main.tsx. */
export function createDisplayStore(screenId: string | null, problem: string | null = null): DisplayStore {
  return createStore<DisplayState>(() => ({
    screenId,
    connected: false,
    view: null,
    problem,
    pairing: null,
    identifyUntil: 0,
    stageOrigin: null,
  }));
}
