import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DisplayView } from '../../protocol';

export interface DisplayState {
  screenId: string | null;
  connected: boolean;
  /** Set once the server answered display:hello. */
  view: DisplayView | null;
  /** A message the screen shows instead of the picture (bad URL, refused hello). */
  problem: string | null;
  identifyUntil: number;
  soundBlocked: boolean;
}

export type DisplayStore = StoreApi<DisplayState>;

/** The screen page's own state, outside React (zustand vanilla). One per page, made in main.tsx. */
export function createDisplayStore(screenId: string | null, problem: string | null = null): DisplayStore {
  return createStore<DisplayState>(() => ({
    screenId,
    connected: false,
    view: null,
    problem,
    identifyUntil: 0,
    soundBlocked: false,
  }));
}
