import type { StageDiag, StagePreview } from '../../protocol';
import { pausedAt, pieceTimeAt, resumedAt } from '../host';
import { localNow } from '../core/now';
import { StageLink } from '../shared/stage-link';
import { createPreviewStore, type PreviewState, type PreviewStore } from './store';
import { FakeVisitors } from './visitors';

/** Everything the preview page runs on: made once, in main.tsx, and handed down. */
export interface PreviewPage {
  store: PreviewStore;
  visitors: FakeVisitors;
  /** The stage's last diagnostics (the piece runs there, in the sandbox), and who listens. */
  stage: { link: StageLink | null; diag: StageDiag | null; errors: NonNullable<StageDiag['errors']>; listeners: Set<() => void> };
}

/** What the stage needs of the page's state. */
export function stageStateOf(s: PreviewState): StagePreview {
  const p = s.piece;
  return {
    piece: p ? { id: p.id, version: p.version, moduleUrl: p.moduleUrl } : null,
    params: s.params,
    run: s.run,
    timing: s.timing,
    quality: s.quality,
    span: s.span,
    sound: s.sound === 'on',
  };
}

/**
 * The preview page: the piece runs in the stage frame (the sandbox, on the stage origin), on the
 * page's clock (show time is local time). The page picks the piece, its params and timing, and
 * drives fake visitors; it never loads the piece's code itself, so a previewed piece never gets
 * the rights of whoever is signed in.
 */
export function startPreview(): PreviewPage {
  const store = createPreviewStore(localNow(), new URLSearchParams(location.search).has('span'));
  const stage: PreviewPage['stage'] = { link: null, diag: null, errors: [], listeners: new Set() };
  const visitors = new FakeVisitors({ receive: (frame) => stage.link?.send({ t: 'visitors', frame }) }, () => {
    const s = store.getState();
    return s.piece ? pieceTimeAt(s.timing, localNow()) : null;
  });
  store.subscribe((s, prev) => {
    if (s.piece !== prev.piece || s.params !== prev.params || s.run !== prev.run || s.timing !== prev.timing || s.quality !== prev.quality || s.span !== prev.span || s.sound !== prev.sound)
      stage.link?.send({ t: 'preview', state: stageStateOf(s) });
  });
  const step = () => {
    visitors.step();
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
  return { store, visitors, stage };
}

/** Opens the bridge to the stage frame at `origin` (the frame attaches itself). */
export function connectStage(page: PreviewPage, origin: string): StageLink {
  const { stage, store } = page;
  stage.link?.close();
  const link = new StageLink(origin, {
    open: () => {
      link.send({ t: 'start', mode: 'preview', screenId: null });
      link.send({ t: 'preview', state: stageStateOf(store.getState()) });
    },
    message: (m) => {
      if (m.t === 'ping') return link.send({ t: 'clock', clock: { t0: m.t0, at: localNow(), offsetMs: 0, rttMs: 0, uncertaintyMs: 0, synced: true } });
      if (m.t !== 'diag') return;
      stage.diag = m.diag;
      if (m.diag.errors) stage.errors = m.diag.errors;
      for (const fn of stage.listeners) fn();
    },
  });
  stage.link = link;
  return link;
}

/** Starts the piece again from t = 0 (paused if the page is paused); a failed piece gets another go. */
export function restart({ store }: PreviewPage): void {
  const now = localNow();
  store.setState((s) => ({ run: s.run + 1, timing: { startedAt: now, pausedAt: s.paused ? now : null, heldMs: 0 } }));
}

export function setPaused({ store }: PreviewPage, paused: boolean): void {
  const now = localNow();
  store.setState((s) => ({ paused, timing: paused ? pausedAt(s.timing, now) : resumedAt(s.timing, now) }));
}

/** Sound on: the stage starts Tone.js (the frame is allowed to autoplay; the click that asks is this page's). */
export function startSound({ store }: PreviewPage): void {
  store.setState({ sound: 'on' });
}

export function stopSound({ store }: PreviewPage): void {
  store.setState({ sound: 'off' });
}
