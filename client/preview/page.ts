import type { SoundRuntime } from 'pavilion/sdk';
import { PieceHost, PieceLoader, SoundEngine, pausedAt, resumedAt, type Program } from '../host';
import { localNow } from '../core/now';
import { createPreviewStore, type PreviewState, type PreviewStore } from './store';
import { FakeVisitors } from './visitors';

/** Everything the preview page runs on: made once, in main.tsx, and handed down. */
export interface PreviewPage {
  store: PreviewStore;
  host: PieceHost;
  pieces: PieceLoader;
  visitors: FakeVisitors;
  sound: SoundEngine;
}

/** The preview's program: the piece from its run's start, its params at once, the page's pause and quality. */
export function previewProgram(s: PreviewState): Program {
  const p = s.piece;
  return {
    target: p
      ? { key: `${p.id}@${p.version}#${s.run}`, installationId: p.id, version: p.version, moduleUrl: p.moduleUrl, startedAt: s.timing.startedAt, seed: `preview:${p.id}:${s.run}` }
      : null,
    params: s.params,
    paramsAt: 0,
    pausedAt: s.timing.pausedAt,
    heldMs: s.timing.heldMs,
    quality: s.quality,
  };
}

/**
 * The preview: the same host as a screen, on this page's own clock (show time is local time), with
 * the piece picked by the page instead of the show, and fake visitors instead of phones.
 */
export function startPreview(): PreviewPage {
  const pieces = new PieceLoader();
  const store = createPreviewStore(localNow(), new URLSearchParams(location.search).has('span'));
  const host = new PieceHost({ toShowTime: (local) => local, pieces, label: '[pavilion preview]', errorLimit: 20 });
  const visitors = new FakeVisitors(host.visitors, () => host.snapshot().run?.shared.time ?? null);
  const sound = new SoundEngine();
  host.setProgram(previewProgram(store.getState()));
  store.subscribe((s, prev) => {
    if (s.piece !== prev.piece || s.params !== prev.params || s.run !== prev.run || s.timing !== prev.timing || s.quality !== prev.quality) host.setProgram(previewProgram(s));
  });
  host.capture(window);
  return { store, host, pieces, visitors, sound };
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

/** Starts Tone.js (needs the click that calls it: browsers block audio until a gesture). */
export async function startSound({ store, sound }: PreviewPage): Promise<void> {
  store.setState({ sound: 'starting' });
  try {
    const running = await sound.unlock();
    sound.setVolume(0.8, 0.05);
    store.setState({ sound: running ? 'on' : 'blocked' });
  } catch {
    store.setState({ sound: 'blocked' });
  }
}

export function stopSound({ store }: PreviewPage): void {
  store.setState({ sound: 'off' });
}

/** What the first simulated screen (the one that plays the wall's sound) gives the piece. */
export function soundFor({ sound }: PreviewPage, on: boolean, startedAt: number | null): SoundRuntime | null {
  return on && startedAt !== null ? sound.runtime(startedAt, (showMs) => showMs) : null;
}
