import { create } from 'zustand';
import type { PieceSummary, ShowView, WireError } from '../../protocol';

/** Stable empties for selectors (a fresh [] or {} each call would re-render forever). */
export const NONE: readonly never[] = [];
export const NO_PRESETS: Record<string, Record<string, import('../../protocol').ParamValue>> = {};

export type Tab = 'screens' | 'walls' | 'pieces' | 'cues' | 'schedule' | 'artists' | 'backups' | 'log' | 'output' | 'dmx' | 'nodes';
export const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'screens', label: 'Screens' },
  { id: 'walls', label: 'Walls' },
  { id: 'pieces', label: 'Pieces' },
  { id: 'cues', label: 'Cues' },
  { id: 'schedule', label: 'Schedule' },
  { id: 'artists', label: 'Artists' },
  { id: 'backups', label: 'Backups' },
  { id: 'log', label: 'Log' },
  { id: 'output', label: 'Output' },
  { id: 'dmx', label: 'DMX' },
  { id: 'nodes', label: 'Nodes' },
];

export interface Toast {
  id: number;
  kind: 'error' | 'warn' | 'ok';
  title: string;
  message: string;
}

export interface ControlState {
  /** checking: asking the server whether the cookie is still good. */
  phase: 'checking' | 'signed-out' | 'signed-in';
  /** Why the sign-in form is shown again (session ended, refused). */
  signInNote: string | null;
  connected: boolean;
  /** The way this panel's own clock pings went last (the clock responder, or socket.io as the fallback); null before one. */
  clockPath: 'responder' | 'socketio' | null;
  /** The show as the server last sent it; null until the first 'control:state'. */
  show: ShowView | null;
  pieces: PieceSummary[];
  thumbs: Record<string, { dataUrl: string; at: number }>;
  toasts: Toast[];
  tab: Tab;
  /** The wall the Walls and Pieces views work on. */
  wallId: string | null;
  /** The last action the server applied, shown briefly in the header (never over the buttons, unlike a toast). */
  confirmation: { id: number; text: string; undo?: { label: string; run: () => void } } | null;
}

const initialTab = (): Tab => {
  const h = typeof location !== 'undefined' ? location.hash.slice(1) : '';
  return (TABS.find((t) => t.id === h)?.id ?? 'screens') as Tab;
};

export const useControl = create<ControlState>(() => ({
  phase: 'checking',
  signInNote: null,
  connected: false,
  clockPath: null,
  show: null,
  pieces: [],
  thumbs: {},
  toasts: [],
  tab: initialTab(),
  wallId: null,
  confirmation: null,
}));

let confirmSeq = 0;
/** Says briefly, in the header, that an action was applied (every panel action confirms its success). */
export function confirmDone(text: string, undo?: { label: string; run: () => void }): void {
  const id = ++confirmSeq;
  useControl.setState({ confirmation: { id, text, ...(undo ? { undo } : {}) } });
  // Long enough to reach for Undo; a new action replaces it at once.
  setTimeout(() => {
    if (useControl.getState().confirmation?.id === id) useControl.setState({ confirmation: null });
  }, undo ? UNDO_MS : 3000);
}

/** How long an action can be undone from the header. */
export const UNDO_MS = 8000;

let toastSeq = 0;
const recent = new Map<string, number>();

/** Shows a toast; the same text within 5 s is shown once. Errors stay 10 s, others 4 s. */
export function toast(kind: Toast['kind'], title: string, message = ''): void {
  const key = `${kind}|${title}|${message}`;
  const now = Date.now();
  if ((recent.get(key) ?? 0) > now - 5000) return;
  recent.set(key, now);
  const id = ++toastSeq;
  useControl.setState((s) => ({ toasts: [...s.toasts.slice(-4), { id, kind, title, message }] }));
  setTimeout(() => dismissToast(id), kind === 'error' ? 10_000 : 4_000);
}

export function toastError(title: string, error: WireError): void {
  toast('error', title, `${error.message} (${error.code})`);
}

export function dismissToast(id: number): void {
  useControl.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

export function setTab(tab: Tab): void {
  useControl.setState({ tab });
  if (typeof history !== 'undefined') history.replaceState(null, '', `#${tab}`);
}

/** The selected wall, falling back to the first wall of the show. */
export function useWall() {
  return useControl((s) => {
    const walls = s.show?.walls ?? [];
    return walls.find((w) => w.id === s.wallId) ?? walls[0] ?? null;
  });
}
