import type { Transition } from '../../../protocol';
import { describeTransition } from './transition';
import { NumberInput } from '../ui';

/** How long a fade or crossfade lasts when the technician first picks one. */
export const DEFAULT_TRANSITION_MS = 2000;
const TYPES: Array<{ value: Transition['type']; label: string }> = [
  { value: 'cut', label: 'Cut' },
  { value: 'fade', label: 'Fade through black' },
  { value: 'crossfade', label: 'Crossfade' },
];


/**
 * Picks how a piece comes in (docs/display.md, "Transitions"): a cut, a fade through black or a
 * crossfade, and its length. With `fallback`, a first choice "Wall default (…)" stands for no
 * transition of its own (value undefined): the wall's default then applies.
 */
export function TransitionPicker({
  value,
  onChange,
  fallback,
  testId,
}: {
  value: Transition | undefined;
  onChange: (t: Transition | undefined) => void;
  /** The wall's default, when "no transition of its own" is a choice. */
  fallback?: Transition | undefined | null;
  testId?: string;
}) {
  const type = value?.type ?? (fallback === undefined ? 'cut' : 'default');
  const ms = value?.ms ?? DEFAULT_TRANSITION_MS;
  return (
    <span className="row transition-picker">
      <select
        value={type}
        aria-label="Transition"
        data-testid={testId}
        onChange={(e) => {
          const t = e.target.value;
          if (t === 'default') return onChange(undefined);
          onChange(t === 'cut' ? { type: 'cut', ms: 0 } : { type: t as Transition['type'], ms: value && value.ms > 0 ? value.ms : DEFAULT_TRANSITION_MS });
        }}
      >
        {fallback !== undefined && <option value="default">Wall default ({describeTransition(fallback)})</option>}
        {TYPES.map((t) => (
          <option key={t.value} value={t.value}>
            {t.label}
          </option>
        ))}
      </select>
      {value && value.type !== 'cut' && (
        <label className="row">
          <NumberInput
            label="Transition length (seconds)"
            testId={testId ? `${testId}-s` : undefined}
            className="short"
            min={0.1}
            max={60}
            step={0.1}
            value={ms / 1000}
            onCommit={(s) => onChange({ type: value.type, ms: Math.min(60_000, Math.max(100, Math.round(s * 1000))) })}
          />
          <span className="muted small">s</span>
        </label>
      )}
    </span>
  );
}
