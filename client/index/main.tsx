import { createRoot } from 'react-dom/client';
import { useEffect, useState } from 'react';
import type { ScreenStatus } from '../../protocol';
import '../shared/base.css';
import './index.css';

interface Piece { id: string; title: string; artist: string; description: string }
/** GET /api/walls (server/http/landing.ts). */
interface PublicWall { id: string; name: string; visit: string; visitorInput: boolean; screens: number }
/** The screens' part of GET /api/show, which only a signed-in technician gets. */
interface TechnicianView { screens: ScreenStatus[] }

const getJson = async <T,>(url: string): Promise<T | null> => {
  try {
    const r = await fetch(url, { credentials: 'same-origin' });
    return r.ok ? ((await r.json()) as T) : null;
  } catch {
    return null;
  }
};

/** The show's own walls and, for a signed-in technician, its screens' addresses: never the demo's names hard-coded. */
function Landing() {
  const [pieces, setPieces] = useState<Piece[]>([]);
  const [walls, setWalls] = useState<PublicWall[] | null>(null);
  const [screens, setScreens] = useState<ScreenStatus[] | null>(null);
  const [role, setRole] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    void getJson<Piece[]>('/api/installations').then((p) => setPieces(p ?? []));
    void getJson<PublicWall[]>('/api/walls').then((w) => setWalls(w ?? []));
    void getJson<{ role: string | null }>('/api/session').then(async (s) => {
      setRole(s?.role ?? null);
      if (s?.role === 'technician') setScreens((await getJson<TechnicianView>('/api/show'))?.screens ?? null);
    });
  }, []);
  const paired = (screens ?? []).filter((s) => s.displayUrl);
  return (
    <main className="landing">
      <h1>Pavilion</h1>
      <p className="lede">A runtime for interactive exhibitions: many screens, one clock, visitors' phones.</p>
      <section>
        <h2>Run the show</h2>
        <a className="big" href="/control">Control panel →</a>
        <p>Sign in with the technician token printed at the first start (also in <code>data/secrets.json</code>).</p>
      </section>
      <section data-testid="screens">
        <h2>Screens</h2>
        {role === 'technician' ? (
          paired.length > 0 ? (
            <>
              <ul className="links">
                {paired.map((s) => (
                  <li key={s.id}><a href={s.displayUrl!}>{s.id}</a>{s.wallId ? <span> · {s.wallId}</span> : <span> · no wall</span>}{s.connected ? <span> · online</span> : null}</li>
                ))}
              </ul>
              <p>Open each in its own browser on its own machine, full screen (F11). Each link holds that screen's key: treat it as a password.</p>
            </>
          ) : (
            <p>No paired screen yet. Open <code>/display?screen=&lt;name&gt;</code> on a screen machine and approve its code in the control panel.</p>
          )
        ) : role === undefined ? null : (
          <p>Screen addresses carry their pairing key: <a href="/control">sign in to the control panel</a>, then come back here, or copy them from the panel's Screens view.</p>
        )}
      </section>
      <section data-testid="walls">
        <h2>Visitors</h2>
        {walls === null ? null : walls.length === 0 ? (
          <p>The show has no wall yet: create one in the control panel.</p>
        ) : (
          <ul className="links">
            {walls.map((w) => (
              <li key={w.id}>
                <a href={w.visit}>{w.name}</a> <span>{w.visit}</span>
                {!w.visitorInput ? <span> · phones off</span> : null}
                {w.screens === 0 ? <span> · no screen yet</span> : null}
              </li>
            ))}
          </ul>
        )}
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
