import { useStore } from 'zustand';
import { defaultParams, type ParamSpec, type ParamValue } from '../../protocol';
import { usePreview } from './context';

const labelOf = (key: string, spec: ParamSpec) => (typeof spec.label === 'string' ? spec.label : (spec.label?.en ?? key));

/** Controls generated from the manifest's params, as the control panel draws them. */
export function ParamPanel() {
  const { store } = usePreview();
  const piece = useStore(store, (s) => s.piece);
  const params = useStore(store, (s) => s.params);
  if (!piece) return null;
  const entries = Object.entries(piece.params);
  const set = (key: string, value: ParamValue) => store.setState((s) => ({ params: { ...s.params, [key]: value } }));
  return (
    <section className="panel" aria-label="Params">
      <header>
        <h2>Params</h2>
        <button type="button" onClick={() => store.setState({ params: defaultParams(piece) })} disabled={!entries.length}>
          Reset
        </button>
      </header>
      {!entries.length && <p className="muted">This piece declares no params in its manifest.</p>}
      {entries.map(([key, spec]) => (
        <label key={key} className="field" title={spec.description}>
          <span>{labelOf(key, spec)}</span>
          <Control spec={spec} value={params[key] ?? spec.default} onChange={(v) => set(key, v)} />
        </label>
      ))}
    </section>
  );
}

function Control({ spec, value, onChange }: { spec: ParamSpec; value: ParamValue; onChange: (v: ParamValue) => void }) {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const step = spec.step ?? (spec.type === 'integer' ? 1 : (spec.max - spec.min) / 100);
      return (
        <span className="range">
          <input type="range" min={spec.min} max={spec.max} step={step} value={Number(value)} onChange={(e) => onChange(Number(e.target.value))} />
          <output>{Number(value).toFixed(spec.type === 'integer' ? 0 : 2)}</output>
        </span>
      );
    }
    case 'color':
      return <input type="color" value={String(value)} onChange={(e) => onChange(e.target.value)} />;
    case 'boolean':
      return <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'select':
      return (
        <select value={String(value)} onChange={(e) => onChange(e.target.value)}>
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
  }
}
