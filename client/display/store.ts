import { createStore } from 'zustand/vanilla';
import type { DisplayView, PieceError, VisitorFrame } from '../../protocol';

export interface DisplayState {
  screenId: string | null;
  connected: boolean;
  /** Set once the server answered display:hello. */
  view: DisplayView | null;
  /** A message the screen shows instead of the picture (bad URL, refused hello). */
  problem: string | null;
  identifyUntil: number;
  errors: PieceError[];
  /** Progress of the piece being preloaded, 0..1, or null. */
  preload: { installationId: string; progress: number } | null;
  visitorFrame: VisitorFrame | null;
  soundBlocked: boolean;
}

/** The screen's state, outside React (zustand vanilla), so the frame loop can read it. */
export const displayStore = createStore<DisplayState>(() => ({
  screenId: null,
  connected: false,
  view: null,
  problem: null,
  identifyUntil: 0,
  errors: [],
  preload: null,
  visitorFrame: null,
  soundBlocked: false,
}));

export function pushError(err: PieceError): void {
  displayStore.setState((s) => ({ errors: [...s.errors.slice(-49), err] }));
}
