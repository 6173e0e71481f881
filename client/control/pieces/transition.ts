import type { Transition } from '../../../protocol';

/** "crossfade 2 s", "cut": one line for a transition (absent: a cut). */
export function describeTransition(t: Transition | undefined | null): string {
  if (!t || t.type === 'cut' || !t.ms) return 'cut';
  return `${t.type} ${t.ms % 1000 === 0 ? t.ms / 1000 : (t.ms / 1000).toFixed(1)} s`;
}
