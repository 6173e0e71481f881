import type { Cue } from '../../../protocol';
import { CONTINUE_LABELS } from './CueSettingsFields';

/** The number an operator reads: the cue's own number or label, else its place in the list. */
export function cueLabel(cue: Cue, index: number): string {
  return cue.number?.trim() || String(index + 1);
}

/** Its waits and continue in a few words, e.g. "pre 2 s · auto-continue after 1.5 s". */
export function cueTiming(cue: Cue): string {
  const parts: string[] = [];
  const s = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;
  if (cue.preWaitMs) parts.push(`pre-wait ${s(cue.preWaitMs)}`);
  const mode = cue.continue ?? 'none';
  if (mode !== 'none') parts.push(`${mode === 'auto-continue' ? 'auto-continue' : 'auto-follow'}${cue.postWaitMs ? ` after ${s(cue.postWaitMs)}` : ''}`);
  else if (cue.postWaitMs) parts.push(`post-wait ${s(cue.postWaitMs)} (${CONTINUE_LABELS.none.toLowerCase()})`);
  return parts.join(' · ');
}
