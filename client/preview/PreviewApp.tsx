import { useEffect, useMemo, useState } from 'react';
import { addEffect } from '@react-three/fiber';
import { useStore } from 'zustand';
import { Manifest, defaultParams, describeIssues, type PieceSummary } from '../../protocol';
import { loadPiece } from '../display/pieces';
import { frame } from '../display/frame';
import { readMemory } from '../display/diagnostics';
import { describeStray, isStrayEngineError } from '../display/stray';
import { Stage, renderers, type SimWall } from './Stage';
import { ParamPanel } from './ParamPanel';
import { FakeVisitor } from './FakeVisitor';
import { Uploader } from './Uploader';
import { soundRuntime, startSound, stopSound } from './sound';
import { advanceTime, advanceVisitors, previewStore, reportPreviewError, restartClock, setPaused } from './state';

const SINGLE: SimWall = { width: 1920, height: 1080, screens: [{ id: 'preview-1', x: 0, y: 0, w: 1920, h: 1080 }] };
const SPAN: SimWall = {
  width: 5760,
  height: 1080,
  screens: [0, 1, 2].map((i) => ({ id: `preview-${i + 1}`, x: i * 1920, y: 0, w: 1920, h: 1080 })),
};

/** Finds the piece (the server's catalog, a stored version, or a bundled module the server has not seen yet) and loads it. */
async function load(id: string, version: string | null): Promise<void> {
  let piece: PieceSummary | undefined;
  try {
    const list = (await (await fetch('/api/installations')).json()) as PieceSummary[];
    piece = list.find((p) => p.id === id);
  } catch {
    /* no server (static preview): try the bundled module below */
  }
  if (version) {
    const res = await fetch(`/pieces/${id}/${version}/manifest.json`);
    if (!res.ok) return void previewStore.setState({ problem: `there is no stored version ${version} of '${id}'; GET /api/pieces/${id}/versions lists them` });
    const m = Manifest.parse(await res.json());
    piece = { ...m, moduleUrl: `/pieces/${id}/${version}/module.js`, source: 'uploaded' };
  }
  try {
    const module = await loadPiece(id, piece?.moduleUrl ?? null);
    if (!piece) {
      // A folder created since the server started: the app has it, the catalog not yet.
      const m = Manifest.safeParse(module.manifest);
      if (!m.success) throw new Error(`manifest.json of '${id}' is not valid: ${describeIssues(m.error.issues)}`);
      piece = { ...m.data, moduleUrl: null, source: 'bundled' };
    }
    previewStore.setState({ piece, module, params: defaultParams(piece), problem: null });
  } catch (e) {
    if (!piece) {
      previewStore.setState({
        problem: `there is no piece '${id}' here. Bundled pieces are folders in installations/ (npm run new-piece -- ${id} makes one); uploaded ones are listed at /preview.`,
      });
      return;
    }
    previewStore.setState({ piece, params: defaultParams(piece) });
    reportPreviewError('preview-1', 'load', e);
  }
}

export function PreviewApp({ id, version }: { id: string; version: string | null }) {
  const s = useStore(previewStore);
  const wall = s.span ? SPAN : SINGLE;
  const sound = useMemo(() => soundRuntime(), [s.sound]);

  useEffect(() => void load(id, version), [id, version]);

  // One frame clock for every simulated screen: the same show time, the same visitor events.
  useEffect(
    () =>
      addEffect((timestamp) => {
        const now = performance.timeOrigin + timestamp;
        advanceTime(now);
        advanceVisitors();
        frame.showTime = now;
        frame.timestamp = timestamp;
        frame.count++;
      }),
    [],
  );

  // As on a screen: an uncaught error while the piece plays (useFrame, timers, promises) is its own.
  useEffect(() => {
    const fail = (error: unknown) => {
      if (!previewStore.getState().module) return;
      if (isStrayEngineError(error)) reportPreviewError('preview-1', 'audio', describeStray(error), false);
      else reportPreviewError('preview-1', 'frame', error);
    };
    const onError = (e: ErrorEvent) => fail(e.error ?? e.message);
    const onRejection = (e: PromiseRejectionEvent) => fail(e.reason);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    return () => {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    };
  }, []);

  const restart = () => {
    restartClock();
    previewStore.setState((st) => ({ run: st.run + 1, failed: false }));
  };

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
          <button type="button" onClick={restart}>
            Restart
          </button>
          <button type="button" onClick={() => setPaused(!s.paused)}>
            {s.paused ? 'Resume' : 'Pause'}
          </button>
          <label className="inline">
            <input type="checkbox" checked={s.span} onChange={(e) => previewStore.setState({ span: e.target.checked })} /> span a 3×1 wall
          </label>
          <button type="button" onClick={() => void (s.sound === 'on' ? stopSound() : startSound())}>
            {s.sound === 'on' ? 'Sound off' : s.sound === 'starting' ? 'Starting sound…' : 'Sound on'}
          </button>
        </div>
      </header>
      <main className={`stages ${s.span ? 'span' : 'single'}`}>
        {wall.screens.map((screen, i) => (
          <Stage key={screen.id} wall={wall} screen={screen} sound={i === 0 ? sound : null} />
        ))}
        {s.progress !== null && (
          <div className="progress" aria-label="loading assets">
            <div style={{ width: `${Math.round(s.progress * 100)}%` }} />
          </div>
        )}
        {s.failed && <p className="failed-note">The piece failed and the calm fallback replaced it, as on a screen. Fix it and save, or press Restart.</p>}
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
  const errors = useStore(previewStore, (s) => s.errors);
  return (
    <section className="panel" aria-label="Errors">
      <header>
        <h2>Errors</h2>
        {errors.length > 0 && (
          <button type="button" onClick={() => previewStore.setState({ errors: [] })}>
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
  const [m, setM] = useState<{ geometries: number; textures: number; programs: number } | null>(null);
  useEffect(() => {
    const t = setInterval(() => {
      const r = renderers.get('preview-1');
      setM(r ? readMemory(r) : null);
    }, 500);
    return () => clearInterval(t);
  }, []);
  return (
    <section className="panel" aria-label="GPU">
      <header>
        <h2>GPU (screen 1)</h2>
      </header>
      <p className="muted">{m ? `${m.geometries} geometries · ${m.textures} textures · ${m.programs} programs` : '—'}</p>
    </section>
  );
}
