import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StagePreview } from '../../protocol';
import { PieceHost, PieceLoader, SoundEngine, type Program } from '../host';
import type { StageBridge } from './bridge';

/** The preview's simulated screens, inside the sandbox. */
export interface StagePreviewRun {
  bridge: StageBridge;
  store: StoreApi<{ state: StagePreview | null; soundOn: boolean }>;
  host: PieceHost;
  sound: SoundEngine;
}

/** The preview's program: the piece from its run's start, its params at once, the page's pause and quality. */
export function previewProgram(s: StagePreview): Program {
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
 * The preview's host in the stage: show time is local time (the preview page's clock: both read
 * the browser's shared monotonic clock), the program comes from the page (its piece, params,
 * restart, pause, quality), and so do the fake visitors' frames. Errors and state go back in the
 * diagnostics.
 */
export function startStagePreview(bridge: StageBridge): StagePreviewRun {
  const store = createStore<{ state: StagePreview | null; soundOn: boolean }>(() => ({ state: null, soundOn: false }));
  const host = new PieceHost({ toShowTime: (local) => local, pieces: new PieceLoader(), label: '[pavilion preview]', errorLimit: 20 });
  const sound = new SoundEngine();
  bridge.on('preview', ({ state }) => {
    const prev = store.getState().state;
    store.setState({ state });
    host.setProgram(previewProgram(state)); // the same run key keeps the run; new params apply at once
    if (state.sound && !prev?.sound)
      void sound.unlock().then(
        (running) => {
          sound.setVolume(0.8, 0.05);
          store.setState({ soundOn: running });
        },
        () => store.setState({ soundOn: false }),
      );
    if (!state.sound) store.setState({ soundOn: false });
  });
  bridge.on('visitors', ({ frame }) => host.visitors.receive(frame));
  bridge.on('errors-clear', () => host.errors.clear());
  host.capture(window);
  return { bridge, store, host, sound };
}
