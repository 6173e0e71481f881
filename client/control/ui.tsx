import { useEffect, useRef, useState, type ReactNode } from 'react';

export function Toggle({ checked, onChange, label, disabled, testId }: { checked: boolean; onChange: (on: boolean) => void; label: string; disabled?: boolean; testId?: string }) {
  return (
    <label className={`toggle${disabled ? ' disabled' : ''}`}>
      <input type="checkbox" role="switch" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      <span className="track" aria-hidden="true" />
      <span>{label}</span>
    </label>
  );
}

/** A button that asks "sure?" on the first press and acts on the second (within 4 s). */
export function ConfirmButton({ onConfirm, children, confirm = 'Press again to confirm', className = 'danger', testId }: { onConfirm: () => void; children: ReactNode; confirm?: string; className?: string; testId?: string }) {
  const [armed, setArmed] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return (
    <button
      type="button"
      className={`${className}${armed ? ' armed' : ''}`}
      data-testid={testId}
      onClick={() => {
        if (armed) {
          setArmed(false);
          onConfirm();
          return;
        }
        setArmed(true);
        timer.current = setTimeout(() => setArmed(false), 4000);
      }}
    >
      {armed ? confirm : children}
    </button>
  );
}

/** A number input that commits on Enter or blur, not on every keystroke. */
export function NumberInput({ value, onCommit, min, max, step, label, testId, className }: { value: number; onCommit: (n: number) => void; min?: number; max?: number; step?: number | 'any'; label: string; testId?: string; className?: string }) {
  const [text, setText] = useState(String(value));
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setText(String(value));
  }, [value, editing]);
  const commit = () => {
    setEditing(false);
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) return setText(String(value));
    const clamped = Math.min(max ?? Infinity, Math.max(min ?? -Infinity, n));
    setText(String(clamped));
    if (clamped !== value) onCommit(clamped);
  };
  return (
    <input
      type="number"
      inputMode="decimal"
      aria-label={label}
      className={className}
      value={text}
      min={min}
      max={max}
      step={step ?? 'any'}
      data-testid={testId}
      onFocus={() => setEditing(true)}
      onChange={(e) => {
        setEditing(true);
        setText(e.target.value);
      }}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
      }}
    />
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Section({ title, children, actions, testId }: { title: ReactNode; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="section" data-testid={testId}>
      <header className="section-head">
        <h2>{title}</h2>
        {actions && <div className="section-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
