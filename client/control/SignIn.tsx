import { useState } from 'react';
import { signIn } from './session';
import { openLink } from './link';
import { useControl } from './store';

/** The first thing /control shows: nothing of the show until the token is accepted. */
export function SignIn() {
  const note = useControl((s) => s.signInNote);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="signin">
      <form
        className="signin-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (!token.trim()) return setError('Enter the technician token.');
          setBusy(true);
          setError(null);
          void signIn(token.trim()).then((res) => {
            setBusy(false);
            if (!res.ok) return setError(res.message);
            setToken('');
            useControl.setState({ phase: 'signed-in', signInNote: null });
            openLink();
          });
        }}
      >
        <h1>Pavilion</h1>
        <p className="muted">Control panel. Sign in with the technician token: it was printed when the server first started, and it is in <code>data/secrets.json</code> (or <code>PAVILION_ADMIN_TOKEN</code>).</p>
        {note && <p className="note" role="status">{note}</p>}
        <label className="field">
          <span>Technician token</span>
          <input
            type="password"
            name="token"
            autoComplete="current-password"
            autoFocus
            value={token}
            onChange={(e) => setToken(e.target.value)}
            data-testid="signin-token"
          />
        </label>
        {error && (
          <p className="form-error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy} data-testid="signin-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
