import type { Cue, CueContinue, CueInput } from '../../../protocol';

/** A cue's show-control settings as the editor holds them (seconds as typed). */
export interface CueSettings {
  number: string;
  preWaitS: string;
  postWaitS: string;
  continue: CueContinue;
  notes: string;
}

export function settingsOf(cue: Cue | undefined): CueSettings {
  return {
    number: cue?.number ?? '',
    preWaitS: String((cue?.preWaitMs ?? 0) / 1000),
    postWaitS: String((cue?.postWaitMs ?? 0) / 1000),
    continue: cue?.continue ?? 'none',
    notes: cue?.notes ?? '',
  };
}

/** The settings as cue.save takes them, or what is wrong with a field. */
export function settingsToSave(s: CueSettings): { ok: true; value: Pick<CueInput, 'number' | 'preWaitMs' | 'postWaitMs' | 'continue' | 'notes'> } | { ok: false; problem: string } {
  const ms = (text: string, what: string): number | string => {
    const n = Number(text.trim() === '' ? '0' : text.replace(',', '.'));
    if (!Number.isFinite(n) || n < 0 || n > 3600) return `${what} must be a number of seconds between 0 and 3600`;
    return Math.round(n * 1000);
  };
  const pre = ms(s.preWaitS, 'the pre-wait');
  if (typeof pre === 'string') return { ok: false, problem: pre };
  const post = ms(s.postWaitS, 'the post-wait');
  if (typeof post === 'string') return { ok: false, problem: post };
  return { ok: true, value: { number: s.number.trim() || undefined, preWaitMs: pre, postWaitMs: post, continue: s.continue, notes: s.notes.trim() || undefined } };
}

export const CONTINUE_LABELS: Record<CueContinue, string> = {
  none: 'Do not continue',
  'auto-continue': 'Auto-continue (after the post-wait)',
  'auto-follow': 'Auto-follow (when this cue ends)',
};

/** Number, pre-wait, post-wait, continue mode and notes, in QLab's words. */
export function CueSettingsFields({ value: s, onChange }: { value: CueSettings; onChange: (s: CueSettings) => void }) {
  return (
    <div className="cue-settings">
      <div className="row wrap">
        <label className="field">
          <span>Number</span>
          <input value={s.number} maxLength={16} size={5} onChange={(e) => onChange({ ...s, number: e.target.value })} placeholder="auto" data-testid="cue-number" />
        </label>
        <label className="field">
          <span>Pre-wait (s)</span>
          <input inputMode="decimal" size={6} value={s.preWaitS} onChange={(e) => onChange({ ...s, preWaitS: e.target.value })} data-testid="cue-prewait" />
        </label>
        <label className="field">
          <span>Post-wait (s)</span>
          <input inputMode="decimal" size={6} value={s.postWaitS} onChange={(e) => onChange({ ...s, postWaitS: e.target.value })} data-testid="cue-postwait" />
        </label>
        <label className="field">
          <span>Continue</span>
          <select value={s.continue} onChange={(e) => onChange({ ...s, continue: e.target.value as CueContinue })} data-testid="cue-continue">
            {(Object.keys(CONTINUE_LABELS) as CueContinue[]).map((c) => (
              <option key={c} value={c}>
                {CONTINUE_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        <span>Notes</span>
        <textarea rows={2} maxLength={2000} value={s.notes} onChange={(e) => onChange({ ...s, notes: e.target.value })} placeholder="What the operator should know: cue lines, who to wait for…" data-testid="cue-notes" />
      </label>
    </div>
  );
}
