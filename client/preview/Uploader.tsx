import { useState } from 'react';

const TOKEN_KEY = 'pavilion.artistToken';

interface Answer {
  ok: boolean;
  id?: string;
  version?: string;
  previewUrl?: string;
  previous?: string | null;
  warnings?: string[];
  error?: { code: string; message: string };
}

/**
 * Uploads a .pavilion bundle (from `npm run pack-piece`) to this server: POST /api/pieces with the
 * file as the raw body. The artist (or technician) token is kept for this tab only.
 */
export function Uploader() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);

  const send = async () => {
    if (!file) return;
    setBusy(true);
    setAnswer(null);
    sessionStorage.setItem(TOKEN_KEY, token);
    try {
      const res = await fetch('/api/pieces', {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token.trim()}` } : {}) },
        body: file,
      });
      setAnswer((await res.json()) as Answer);
    } catch (e) {
      setAnswer({ ok: false, error: { code: 'network', message: `the upload did not reach the server (${(e as Error).message}); check the connection and try again` } });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-label="Upload">
      <header>
        <h2>Upload to this show</h2>
      </header>
      <p className="muted">
        Pack first: <code>npm run pack-piece -- installations/&lt;id&gt;</code>. The piece is listed at once; screens load it on the next play.
      </p>
      <label className="field">
        <span>Artist token</span>
        <input type="password" value={token} onChange={(e) => setToken(e.target.value)} placeholder="PAVILION_ARTIST_TOKEN" autoComplete="off" />
      </label>
      <label className="field">
        <span>Bundle (.pavilion)</span>
        <input type="file" accept=".pavilion" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <button type="button" onClick={() => void send()} disabled={!file || busy}>
        {busy ? 'Uploading…' : 'Upload'}
      </button>
      {answer?.ok && (
        <p className="good" role="status">
          Uploaded {answer.id} {answer.version}
          {answer.previous ? ` (was ${answer.previous})` : ''}. <a href={answer.previewUrl}>Preview it</a>
          {answer.warnings?.map((w) => (
            <span key={w} className="warn-line">
              {w}
            </span>
          ))}
        </p>
      )}
      {answer && !answer.ok && (
        <p className="bad" role="alert">
          {answer.error?.message ?? 'the server refused the upload'}
        </p>
      )}
    </section>
  );
}
