import type { WebGLRenderer } from 'three';
import type { ClockSync } from '../core/clock-sync';
import { displayStore } from './store';
import { frame } from './frame';
import { visitorCount, visitorsView } from './visitor-feed';

/** What the host knows about the piece on screen, for __pavilion and health reports. */
export const hostState = {
  installationId: null as string | null,
  version: null as string | null,
  lastSwitch: null as { installationId: string | null; showTime: number } | null,
  /** The last piece module this screen preloaded, and how long it took (reported to the server). */
  lastPreload: null as { installationId: string; version: string | null; ms: number; cold: boolean } | null,
  memory: { geometries: 0, textures: 0, programs: 0 },
  /** The screen's renderer, once the piece host is up (read-through GPU memory counts). */
  renderer: null as WebGLRenderer | null,
};

/** GPU objects alive in the renderer right now (renderer.info), not the last health report's. */
export function readMemory(r: WebGLRenderer): { geometries: number; textures: number; programs: number } {
  return { geometries: r.info.memory.geometries, textures: r.info.memory.textures, programs: r.info.programs?.length ?? 0 };
}

/**
 * window.__pavilion: read-only diagnostics for automation and technicians (docs/display.md).
 */
export function installDiagnostics(clock: ClockSync): void {
  const diag = {
    get screenId() {
      return displayStore.getState().screenId;
    },
    get wallId() {
      return displayStore.getState().view?.screen.wallId ?? null;
    },
    get installationId() {
      return hostState.installationId;
    },
    /** The wall params this screen has received (applied at the wall's paramsAt). */
    get params() {
      const wall = displayStore.getState().view?.wall;
      return wall ? { ...wall.params } : null;
    },
    get framesRendered() {
      return frame.count;
    },
    clock: {
      now: () => clock.now(),
      get offsetMs() {
        return clock.estimate().offsetMs;
      },
      get rttMs() {
        return clock.estimate().rttMs;
      },
      get uncertaintyMs() {
        return clock.estimate().uncertaintyMs;
      },
      get synced() {
        return clock.estimate().synced;
      },
    },
    get lastSwitch() {
      return hostState.lastSwitch ? { ...hostState.lastSwitch } : null;
    },
    get lastPreload() {
      return hostState.lastPreload ? { ...hostState.lastPreload } : null;
    },
    get errors() {
      return displayStore.getState().errors.map((e) => ({ ...e }));
    },
    get visitors() {
      return visitorCount();
    },
    /** Each visitor's latest input as this screen last handed it to the piece (public ids only). */
    get visitorInputs() {
      return visitorsView.visitors.map((v) => ({ id: v.id, input: { ...v.input } }));
    },
    get memory() {
      return hostState.renderer ? readMemory(hostState.renderer) : { ...hostState.memory };
    },
    get connected() {
      return displayStore.getState().connected;
    },
  };
  Object.defineProperty(window, '__pavilion', { value: Object.freeze(diag), configurable: false, writable: false });
}
