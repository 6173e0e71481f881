import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DisplayView } from '../../protocol';
import { PieceHost, PieceLoader, SoundEngine, programOf, seedOf } from '../host';
import type { StageBridge } from './bridge';
import { BridgedClock } from './clock';
import type { XrSession } from '../xr/session';

export interface StageScreenState {
  view: DisplayView | null;
  soundBlocked: boolean;
}

/** One screen's piece host, inside the sandbox: what the display page used to run itself. */
export interface StageScreen {
  screenId: string;
  bridge: StageBridge;
  clock: BridgedClock;
  store: StoreApi<StageScreenState>;
  host: PieceHost;
  sound: SoundEngine;
  /** A VR station's session (client/xr, docs/vr.md), made when its view first says it is one. */
  xr?: XrSession;
}

/**
 * Starts the host of one screen in the stage: its view, visitors and clock come from the display
 * page over the bridge, and its errors, preload times, health and thumbnails go back the same way
 * (the page sends them on to the server). Nothing here can reach the server or the page's key.
 */
export function startStageScreen(bridge: StageBridge, screenId: string): StageScreen {
  const clock = new BridgedClock(bridge);
  const store = createStore<StageScreenState>(() => ({ view: null, soundBlocked: false }));
  const host = new PieceHost({
    toShowTime: (local) => clock.toShowTime(local),
    pieces: new PieceLoader(),
    sendError: ({ at: _at, screen: _screen, ...report }) => bridge.send({ t: 'error', report }),
    sendPreload: (preloaded) => bridge.send({ t: 'preloaded', preloaded }),
    sendReady: (ready) => bridge.send({ t: 'ready', ready }),
  });
  const sound = new SoundEngine({ onBlocked: (blocked) => store.setState({ soundBlocked: blocked }) });
  store.subscribe((s, prev) => {
    if (s.view === prev.view) return;
    host.setProgram(programOf(s.view?.wall ?? null, s.view?.gate === true));
    // What the wall plays next (its standby cue, the schedule's next event): warmed in the background,
    // kept dormant in the warm cache (bounded), so that its cue switches warm.
    // With the wall's seed, so that the run that plays it adopts the warm run (nothing built again).
    const wallId = s.view?.wall?.id;
    if (wallId) for (const p of s.view?.warmAhead ?? []) host.warmAhead({ ...p, seed: seedOf(wallId, p.installationId) });
  });
  host.capture(window);
  // In this frame, for tests and technicians: the warm cache's bounds (a screen short of GPU memory),
  // window.__pavilionStage.setWarmCache({ count, memory }); the switch in progress, .switching().
  (window as unknown as { __pavilionStage?: { setWarmCache(l: { count: number; memory: number }): void; switching(): unknown } }).__pavilionStage = {
    setWarmCache: (l) => host.setWarmLimits({ count: Math.max(0, Math.floor(l.count)), memory: Math.max(0, l.memory) }),
    switching: () => host.switching(),
  };
  bridge.on('view', ({ view }) => store.setState({ view }));
  bridge.on('visitors', ({ frame }) => host.visitors.receive(frame));
  bridge.on('visitors-reset', () => host.visitors.resetSequence());
  bridge.on('go', ({ key, at }) => host.go(key, at));
  bridge.on('sound-unlock', () => void sound.unlock());
  clock.start();
  return { screenId, bridge, clock, store, host, sound };
}
