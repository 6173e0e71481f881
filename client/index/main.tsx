import { createRoot } from 'react-dom/client';
import { useEffect, useState } from 'react';
import '../shared/base.css';
import './index.css';

interface Piece { id: string; title: string; artist: string; description: string }

function Landing() {
  const [pieces, setPieces] = useState<Piece[]>([]);
  useEffect(() => {
    fetch('/api/installations').then((r) => r.json()).then((p: Piece[]) => setPieces(p), () => setPieces([]));
  }, []);
  return (
    <main className="landing">
      <h1>Pavilion</h1>
      <p className="lede">A runtime for interactive exhibitions: many screens, one clock, visitors' phones.</p>
      <section>
        <h2>Run the show</h2>
        <a className="big" href="/control">Control panel →</a>
        <p>Sign in with the technician token printed at the first start (also in <code>data/secrets.json</code>).</p>
      </section>
      <section>
        <h2>Demo screens</h2>
        <ul className="links">
          {['main-1', 'main-2', 'main-3', 'canopy-1'].map((id) => (
            <li key={id}><a href={`/display?screen=${id}`}>/display?screen={id}</a></li>
          ))}
        </ul>
        <p>Open each in its own window or browser, full screen (F11). The control panel lists every screen of your show.</p>
      </section>
      <section>
        <h2>Visitors</h2>
        <ul className="links">
          <li><a href="/visit/main">/visit/main</a></li>
          <li><a href="/visit/canopy">/visit/canopy</a></li>
        </ul>
      </section>
      <section>
        <h2>Pieces</h2>
        <ul className="pieces">
          {pieces.map((p) => (
            <li key={p.id}>
              <a href={`/preview/${p.id}`}><strong>{p.title}</strong></a> <span>{p.artist}</span>
              <p>{p.description}</p>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<Landing />);
