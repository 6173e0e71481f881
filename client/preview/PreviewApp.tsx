import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { StageDiag } from '../../protocol';
import { ParamPanel } from './ParamPanel';
import { FakeVisitor } from './FakeVisitor';
import { Uploader } from './Uploader';
import { QualitySelect } from '../shared/QualitySelect';
import { findStageOrigin } from '../shared/stage-origin';
import { StageIframe } from '../shared/StageIframe';
import { usePreview } from './context';
import { loadPreview } from './load';
import { connectStage, restart, setPaused, startSound, stopSound, type PreviewPage } from './page';

/** The stage's last diagnostics, re-rendering on each. */
export function useStageDiag(page: PreviewPage): StageDiag | null {
  return useSyncExternalStore(
    (fn) => {
      page.stage.listeners.add(fn);
      return () => void page.stage.listeners.delete(fn);
    },
    () => page.stage.diag,
  );
}

export function PreviewApp({ id, version }: { id: string; version: string | null }) {
  const page = usePreview();
  const { store } = page;
  const s = useStore(store);
  const diag = useStageDiag(page);

  useEffect(() => void loadPreview(page, id, version), [page, id, version]);
  useEffect(() => {
    let stop = false;
    const locate = (): void =>
      void findStageOrigin().then((origin) => {
        if (stop) return;
        if (origin) return store.setState({ stageOrigin: origin });
        setTimeout(locate, 2000);
      });
    locate();
    return () => void (stop = true);
  }, [store]);

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
          <button type="button" onClick={() => (s.sound === 'on' ? stopSound(page) : startSound(page))}>
            {s.sound === 'on' ? 'Sound off' : 'Sound on'}
          </button>
        </div>
      </header>
      <main className={`stages ${s.span ? 'span' : 'single'}`}>
        {s.stageOrigin && <StageFrame page={page} origin={s.stageOrigin} />}
        {diag?.progress && diag.progress.progress < 1 && (
          <div className="progress" aria-label="loading assets">
            <div style={{ width: `${Math.round(diag.progress.progress * 100)}%` }} />
          </div>
        )}
        {diag?.failed && <p className="failed-note">The piece failed and the calm fallback replaced it, as on a screen. Fix it and save, or press Restart.</p>}
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

/** The stage frame: the piece runs there, sandboxed on the stage origin (docs/security.md). */
function StageFrame({ page, origin }: { page: PreviewPage; origin: string }) {
  const span = useStore(page.store, (s) => s.span);
  const link = useCallback(() => (page.stage.link?.origin === origin ? page.stage.link : connectStage(page, origin)), [page, origin]);
  return <StageIframe origin={origin} link={link} className="stage-frame" title="piece preview" style={{ aspectRatio: span ? '48 / 9' : '16 / 9' }} />;
}

function Errors() {
  const page = usePreview();
  const diag = useStageDiag(page);
  const errors = diag ? page.stage.errors : [];
  return (
    <section className="panel" aria-label="Errors">
      <header>
        <h2>Errors</h2>
        {errors.length > 0 && (
          <button type="button" onClick={() => page.stage.link?.send({ t: 'errors-clear' })}>
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
  const diag = useStageDiag(usePreview());
  const m = diag?.screenMemory?.['preview-1'] ?? null;
  return (
    <section className="panel" aria-label="GPU">
      <header>
        <h2>GPU (screen 1)</h2>
      </header>
      <p className="muted">{m ? `${m.geometries} geometries · ${m.textures} textures · ${m.programs} programs` : '—'}</p>
    </section>
  );
}
