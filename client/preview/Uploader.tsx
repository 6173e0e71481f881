import { useState } from 'react';

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
 * file as the raw body. The artist (or technician) token lives in this component's state only:
 * never in localStorage, sessionStorage or a cookie, where a piece previewed on this page could
 * read it. It is gone on reload.
 */
export function Uploader() {
  const [token, setToken] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);

  const send = async () => {
    if (!file) return;
    setBusy(true);
    setAnswer(null);
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
        <input type="password" value={token} onChange={(e) => setToken(e.target.value)} placeholder="PAVILION_ARTIST_TOKEN" autoComplete="off" aria-describedby="upload-token-note" />
        <small id="upload-token-note" className="muted">
          Kept in this page only, never stored: the field empties when the page reloads.
        </small>
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
