import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { addEffect } from '@react-three/fiber';
import { useStore } from 'zustand';
import type { GpuMemory } from '../host';
import { Stage, type SimWall } from './Stage';
import { ParamPanel } from './ParamPanel';
import { FakeVisitor } from './FakeVisitor';
import { Uploader } from './Uploader';
import { QualitySelect } from '../shared/QualitySelect';
import { usePreview } from './context';
import { loadPreview } from './load';
import { restart, setPaused, soundFor, startSound, stopSound } from './page';

const SINGLE: SimWall = { width: 1920, height: 1080, screens: [{ id: 'preview-1', x: 0, y: 0, w: 1920, h: 1080 }] };
const SPAN: SimWall = {
  width: 5760,
  height: 1080,
  screens: [0, 1, 2].map((i) => ({ id: `preview-${i + 1}`, x: i * 1920, y: 0, w: 1920, h: 1080 })),
};

export function PreviewApp({ id, version }: { id: string; version: string | null }) {
  const page = usePreview();
  const { host, store } = page;
  const s = useStore(store);
  const snap = useSyncExternalStore(
    (fn) => host.subscribe(fn),
    () => host.snapshot(),
  );
  const wall = s.span ? SPAN : SINGLE;
  const startedAt = snap.run?.startedAt ?? null;
  const sound = useMemo(() => soundFor(page, s.sound === 'on', startedAt), [page, s.sound, startedAt]);

  useEffect(() => void loadPreview(page, id, version), [page, id, version]);

  // One frame clock for every simulated screen: the same show time, the same visitor events.
  useEffect(
    () =>
      addEffect((timestamp) => {
        page.visitors.step();
        host.frame(timestamp);
      }),
    [page, host],
  );

  if (s.problem)
    return (
      <main className="preview-problem" role="alert">
        <h1>Preview</h1>
        <p>{s.problem}</p>
        <p>
          <a href="/preview">All pieces</a>
        </p>
      </main>
    );

  return (
    <div className="preview">
      <header className="bar">
        <a href="/preview" className="home">
          Preview
        </a>
        <h1>
          {s.piece?.title ?? id} <small>{s.piece ? `${s.piece.artist} · ${s.piece.version} · ${s.piece.source}` : 'loading…'}</small>
        </h1>
        <div className="actions">
          <button type="button" onClick={() => restart(page)}>
            Restart
          </button>
          <button type="button" onClick={() => setPaused(page, !s.paused)}>
            {s.paused ? 'Resume' : 'Pause'}
          </button>
          <label className="inline">
            <input type="checkbox" checked={s.span} onChange={(e) => store.setState({ span: e.target.checked })} /> span a 3×1 wall
          </label>
          <label className="inline" title="The screens' quality setting, as a wall's: auto picks from the GPU and the canvas size">
            quality{' '}
            <QualitySelect aria-label="Quality" value={s.quality} onChange={(quality) => store.setState({ quality })} />
          </label>
          <button type="button" onClick={() => void (s.sound === 'on' ? stopSound(page) : startSound(page))}>
            {s.sound === 'on' ? 'Sound off' : s.sound === 'starting' ? 'Starting sound…' : 'Sound on'}
          </button>
        </div>
      </header>
      <main className={`stages ${s.span ? 'span' : 'single'}`}>
        {wall.screens.map((screen, i) => (
          <Stage key={screen.id} page={page} wall={wall} screen={screen} sound={i === 0 ? sound : null} />
        ))}
        {snap.progress && snap.progress.progress < 1 && (
          <div className="progress" aria-label="loading assets">
            <div style={{ width: `${Math.round(snap.progress.progress * 100)}%` }} />
          </div>
        )}
        {snap.run?.failed && <p className="failed-note">The piece failed and the calm fallback replaced it, as on a screen. Fix it and save, or press Restart.</p>}
      </main>
      <aside className="side">
        <ParamPanel />
        <FakeVisitor />
        <Errors />
        <Gpu />
        <Uploader />
      </aside>
    </div>
  );
}

function Errors() {
  const { host } = usePreview();
  const errors = useSyncExternalStore(
    (fn) => host.errors.subscribe(fn),
    () => host.errors.list(),
  );
  return (
    <section className="panel" aria-label="Errors">
      <header>
        <h2>Errors</h2>
        {errors.length > 0 && (
          <button type="button" onClick={() => host.errors.clear()}>
            Clear
          </button>
        )}
      </header>
      {!errors.length && <p className="muted">None. On a screen these go to the control panel with the piece, its version and the stack.</p>}
      {errors.map((e) => (
        <details key={`${e.at}-${e.message}`} className="error">
          <summary>
            <b>{e.phase}</b> {e.message}
          </summary>
          <pre>{e.stack ?? '(no stack)'}</pre>
        </details>
      ))}
    </section>
  );
}

/** GPU objects alive: they must come back down when the piece unmounts (Restart shows it). */
function Gpu() {
  const { host } = usePreview();
  const [m, setM] = useState<GpuMemory | null>(null);
  useEffect(() => {
    const t = setInterval(() => setM(host.screens().includes('preview-1') ? host.memory('preview-1') : null), 500);
    return () => clearInterval(t);
  }, [host]);
  return (
    <section className="panel" aria-label="GPU">
      <header>
        <h2>GPU (screen 1)</h2>
      </header>
      <p className="muted">{m ? `${m.geometries} geometries · ${m.textures} textures · ${m.programs} programs` : '—'}</p>
    </section>
  );
}
