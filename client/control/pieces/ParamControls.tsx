import { useEffect, useMemo, useState } from 'react';
import type { ParamSpec, ParamValue, PieceSummary, WallStatus } from '../../../protocol';
import { send } from '../link';
import { label, throttle } from '../format';

/**
 * The piece's params as controls generated from its manifest. Changes apply live to every screen
 * of the wall (`wall.params`); a drag sends at most ~10 updates a second, always ending on the
 * value where it stopped. Local values show until the server confirms them.
 */
export function ParamControls({ wall, piece }: { wall: WallStatus; piece: PieceSummary }) {
  const [overrides, setOverrides] = useState<Record<string, ParamValue>>({});
  const push = useMemo(() => {
    let batch: Record<string, ParamValue> = {};
    const flush = throttle(() => {
      const params = batch;
      batch = {};
      const drop = () => setOverrides((o) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !(k in params) || params[k] !== v)));
      void send({ type: 'wall.params', wallId: wall.id, params }, `${piece.title} params`).then((ok) => {
        // Refused: show the server's values again. Applied: the mirror confirms it within ~250 ms;
        // if someone else changed it meanwhile, theirs shows after a moment.
        if (!ok) drop();
        else setTimeout(drop, 1500);
      });
    }, 100);
    return (key: string, value: ParamValue) => {
      batch[key] = value;
      flush();
    };
  }, [wall.id, piece.title]);

  // Drop local values once the server's state shows them.
  useEffect(() => {
    setOverrides((o) => {
      const left = Object.fromEntries(Object.entries(o).filter(([k, v]) => wall.params[k] !== v));
      return Object.keys(left).length === Object.keys(o).length ? o : left;
    });
  }, [wall.params]);

  const entries = Object.entries(piece.params);
  if (!entries.length) return <p className="empty">This piece has no params.</p>;
  return (
    <div className="params" data-testid="params">
      {entries.map(([key, spec]) => {
        const value = key in overrides ? overrides[key]! : (wall.params[key] ?? spec.default);
        const change = (v: ParamValue) => {
          setOverrides((o) => ({ ...o, [key]: v }));
          push(key, v);
        };
        return <ParamControl key={key} id={key} spec={spec} value={value} onChange={change} />;
      })}
    </div>
  );
}

/** One param's control, generated from its spec (also the cue editor's: client/control/cues/CueParamsEditor.tsx). `idPrefix` keeps ids unique when several show at once. */
export function ParamControl({ id, spec, value, onChange, idPrefix = 'param' }: { id: string; spec: ParamSpec; value: ParamValue; onChange: (v: ParamValue) => void; idPrefix?: string }) {
  const name = label(spec.label, id);
  const testId = `${idPrefix}-${id}`;
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const step = spec.step ?? (spec.type === 'integer' ? 1 : niceStep(spec.max - spec.min));
      const n = typeof value === 'number' ? value : spec.default;
      const set = (raw: number) => {
        if (!Number.isFinite(raw)) return;
        const v = Math.min(spec.max, Math.max(spec.min, spec.type === 'integer' ? Math.round(raw) : raw));
        onChange(v);
      };
      return (
        <div className="param" title={spec.description}>
          <label htmlFor={testId}>{name}</label>
          <div className="row">
            <input id={testId} type="range" min={spec.min} max={spec.max} step={step} value={n} onChange={(e) => set(Number(e.target.value))} data-testid={testId} />
            <input
              type="number"
              className="num-input"
              aria-label={`${name} value`}
              min={spec.min}
              max={spec.max}
              step={step}
              value={n}
              onChange={(e) => e.target.value !== '' && set(Number(e.target.value))}
              data-testid={`${testId}-number`}
            />
          </div>
        </div>
      );
    }
    case 'color':
      return (
        <div className="param" title={spec.description}>
          <label htmlFor={testId}>{name}</label>
          <div className="row">
            <input id={testId} type="color" value={typeof value === 'string' ? value : spec.default} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
            <span className="mono small">{String(value)}</span>
          </div>
        </div>
      );
    case 'boolean':
      return (
        <div className="param" title={spec.description}>
          <label className="toggle">
            <input type="checkbox" role="switch" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
            <span className="track" aria-hidden="true" />
            <span>{name}</span>
          </label>
        </div>
      );
    case 'select':
      return (
        <div className="param" title={spec.description}>
          <label htmlFor={testId}>{name}</label>
          <select id={testId} value={String(value)} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
            {spec.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </div>
      );
  }
}

/** A round step giving ~100–200 positions across the range. */
function niceStep(range: number): number {
  const raw = range / 100;
  const p = 10 ** Math.floor(Math.log10(raw));
  return raw / p >= 5 ? 5 * p : raw / p >= 2 ? 2 * p : p;
}
