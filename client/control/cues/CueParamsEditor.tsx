import type { ParamValue, PieceSummary } from '../../../protocol';
import { ParamControl } from '../pieces/ParamControls';
import { useControl } from '../store';

type Values = Record<string, ParamValue>;

/**
 * A cue command's params, edited with the controls the live params have (generated from the
 * piece's manifest), never as JSON. Only the params the cue sets are stored: the others show the
 * piece's default, greyed, until changed; "reset" takes a param out of the cue again. Values a
 * piece no longer takes are listed with the server's reason (the cue is flagged in the list).
 */
export function CueParamsEditor({ installationId, value, onChange, testId }: { installationId: string | null; value: Values; onChange: (v: Values) => void; testId: string }) {
  const pieces = useControl((s) => s.pieces);
  const piece: PieceSummary | undefined = installationId ? pieces.find((p) => p.id === installationId) : undefined;
  if (!installationId) return <p className="muted small" data-testid={testId}>This wall plays nothing here; play a piece first (in this cue or an earlier one) to set its params.</p>;
  if (!piece) return <p className="form-error small" data-testid={testId}>Piece '{installationId}' is not installed.</p>;
  const entries = Object.entries(piece.params);
  const strangers = Object.keys(value).filter((k) => !(k in piece.params));
  if (!entries.length) return <p className="muted small" data-testid={testId}>{piece.title} has no params.</p>;
  const without = (key: string) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
  return (
    <div className="params cue-params" data-testid={testId}>
      {entries.map(([key, spec]) => {
        const set = key in value;
        return (
          <div key={key} className={set ? 'cue-param set' : 'cue-param unset'} data-set={set}>
            <ParamControl id={key} spec={spec} value={set ? value[key]! : spec.default} onChange={(v) => onChange({ ...value, [key]: v })} idPrefix={`${testId}-param`} />
            {set ? (
              <button type="button" className="ghost small" onClick={() => onChange(without(key))} title="Take this param out of the cue: the piece's default (or the preset's value) applies" data-testid={`${testId}-reset-${key}`}>
                reset
              </button>
            ) : (
              <span className="muted small">default</span>
            )}
          </div>
        );
      })}
      {strangers.map((key) => (
        <p key={key} className="form-error small">
          {piece.title} has no param '{key}' any more.{' '}
          <button type="button" className="ghost small" onClick={() => onChange(without(key))}>
            Remove it
          </button>
        </p>
      ))}
    </div>
  );
}
