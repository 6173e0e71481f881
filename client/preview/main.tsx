import '../shared/zod-config';
import { createRoot } from 'react-dom/client';
import { useEffect, useState } from 'react';
import type { PieceSummary } from '../../protocol';
import { ID_PATTERN } from '../../protocol/ids';
import { previewMirror } from './mirror';
import { PreviewApp } from './PreviewApp';
import { Uploader } from './Uploader';
import { PreviewContext } from './context';
import { startPreview } from './page';
import '../shared/base.css';
import './preview.css';

const root = createRoot(document.getElementById('root')!);
const id = /^\/preview\/([^/]+)\/?$/.exec(location.pathname)?.[1] ?? null;
const version = new URLSearchParams(location.search).get('version');

if (id && ID_PATTERN.test(id) && (!version || /^\d+\.\d+\.\d+$/.test(version))) {
  document.title = `Preview · ${id}`;
  const page = startPreview();
  // window.__pavilionPreview: read-only state of the page, for tests and curious artists.
  if (!('__pavilionPreview' in window))
    Object.defineProperty(window, '__pavilionPreview', { value: previewMirror(page), configurable: false, writable: false });
  root.render(
    <PreviewContext.Provider value={page}>
      <PreviewApp id={id} version={version} />
    </PreviewContext.Provider>,
  );
} else {
  root.render(<PieceList bad={id} />);
}

/** /preview: every piece this server knows, and the upload form. */
function PieceList({ bad }: { bad: string | null }) {
  const [pieces, setPieces] = useState<PieceSummary[] | null>(null);
  useEffect(() => {
    fetch('/api/installations').then((r) => r.json()).then(setPieces, () => setPieces([]));
  }, []);
  return (
    <main className="preview-list">
      <h1>Preview a piece</h1>
      {bad && <p className="bad">“{decodeURIComponent(bad)}” is not a piece id: ids use lower-case letters, digits and dashes.</p>}
      <p className="muted">
        Each piece alone, with its params, a fake visitor and a simulated 3×1 wall. New piece: <code>npm run new-piece -- my-piece</code>.
      </p>
      <ul>
        {(pieces ?? []).map((p) => (
          <li key={p.id}>
            <a href={`/preview/${p.id}`}>{p.title}</a> <span className="muted">{p.artist} · {p.version} · {p.source}</span>
          </li>
        ))}
      </ul>
      {pieces && !pieces.length && <p className="muted">No pieces yet.</p>}
      <Uploader />
    </main>
  );
}
