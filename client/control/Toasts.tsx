import { dismissToast, useControl } from './store';

export function Toasts() {
  const toasts = useControl((s) => s.toasts);
  return (
    <div className="toasts" aria-live="assertive">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${t.kind}`}>
          <div className="toast-body">
            <strong>{t.title}</strong>
            {t.message && <span>{t.message}</span>}
          </div>
          <button type="button" className="ghost" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
