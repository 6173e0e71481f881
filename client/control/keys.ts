import { useEffect, useState } from 'react';

/**
 * The panel's show-control keys (docs/operations.md, "Cues"), as QLab has them: the GO key (Space
 * by default, configurable, kept in localStorage), ↑/↓ move the standby, Esc stops every running
 * wait. They never fire while someone types in a field, with a modifier held, or on key repeat.
 */
export const GO_KEYS = [
  { code: 'Space', label: 'Space' },
  { code: 'Enter', label: 'Enter' },
  { code: 'KeyG', label: 'G' },
  { code: 'NumpadEnter', label: 'Keypad Enter' },
] as const;
export type GoKey = (typeof GO_KEYS)[number]['code'];

const STORAGE_KEY = 'pavilion.control.goKey';

export function loadGoKey(): GoKey {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    const found = GO_KEYS.find((k) => k.code === saved);
    if (found) return found.code;
  } catch {
    /* storage refused (private mode): the default */
  }
  return 'Space';
}

/** The GO key, and a setter that remembers it in this browser. */
export function useGoKey(): [GoKey, (key: GoKey) => void] {
  const [key, setKey] = useState<GoKey>(loadGoKey);
  return [
    key,
    (next) => {
      setKey(next);
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        /* kept for this page only */
      }
    },
  ];
}

/** Whether a key event comes from somewhere the user types: an input, a textarea, a select, or editable content. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  return el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null;
}

export interface CueKeyActions {
  go(): void;
  up(): void;
  down(): void;
  stop(): void;
}

/** Listens on the window while mounted (the Cues view). */
export function useCueKeys(goKey: GoKey, actions: CueKeyActions): void {
  useEffect(() => {
    const ours = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target);
    const down = (e: KeyboardEvent) => {
      if (!ours(e)) return;
      const action = e.code === goKey ? actions.go : e.code === 'ArrowUp' ? actions.up : e.code === 'ArrowDown' ? actions.down : e.code === 'Escape' ? actions.stop : null;
      if (!action) return;
      e.preventDefault(); // no scrolling, and no click on a focused button
      if (!e.repeat) action();
    };
    // A focused button clicks on Space/Enter's keyup: the GO key must not also press it.
    const up = (e: KeyboardEvent) => {
      if (ours(e) && e.code === goKey) e.preventDefault();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [goKey, actions]);
}

/**
 * The GO key everywhere else in the panel (a QLab workspace's GO is not tied to one view), unless
 * a button or link has the focus there; Esc stops the waits too. The arrows stay with the Cues view, where they move the standby, since other
 * views use them (a layout nudge, a slider).
 */
export function useGlobalGo(active: boolean, actions: Pick<CueKeyActions, 'go' | 'stop'>): void {
  useEffect(() => {
    if (!active) return;
    // Outside the Cues view a focused control keeps its own keys (Space presses a button there).
    const onControl = (t: EventTarget | null) => typeof (t as Element | null)?.closest === 'function' && (t as Element).closest('button, a, label, summary, [role="button"], [role="switch"], [role="tab"]') !== null;
    const ours = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target) && !onControl(e.target);
    const down = (e: KeyboardEvent) => {
      if (!ours(e)) return;
      const goKey = loadGoKey();
      const action = e.code === goKey ? actions.go : e.code === 'Escape' ? actions.stop : null;
      if (!action) return;
      e.preventDefault();
      if (!e.repeat) action();
    };
    const up = (e: KeyboardEvent) => {
      if (ours(e) && e.code === loadGoKey()) e.preventDefault();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [active, actions]);
}
