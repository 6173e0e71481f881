import { clockDiagnostics } from '../host';
import type { Screen } from './session';

const NO_MEMORY = { geometries: 0, textures: 0, programs: 0 };

/**
 * window.__pavilion on the screen page: read-only diagnostics for automation and technicians
 * (docs/display.md). The piece host runs in the stage frame; these fields mirror what the stage
 * last reported (twice a second, and at once after a switch), with this page's own facts:
 * its screen, its connection and its clock.
 */
export function mirrorDiagnostics({ relay, store, clock }: Screen) {
  const d = () => relay.diag;
  return Object.freeze({
    get screenId() {
      return store.getState().screenId;
    },
    get wallId() {
      return store.getState().view?.screen.wallId ?? null;
    },
    get installationId() {
      return d()?.installationId ?? null;
    },
    get params() {
      const p = store.getState().view?.wall?.params;
      return p ? { ...p } : null;
    },
    get framesRendered() {
      return d()?.framesRendered ?? 0;
    },
    clock: withPath(clockDiagnostics(clock), () => clock.path),
    get lastSwitch() {
      const s = d()?.lastSwitch;
      return s ? { ...s } : null;
    },
    get lastPreload() {
      const p = d()?.lastPreload;
      return p ? { ...p } : null;
    },
    get errors() {
      return relay.errors.map((e) => ({ ...e }));
    },
    get visitors() {
      return d()?.visitors ?? 0;
    },
    get visitorInputs() {
      return (d()?.visitorInputs ?? []).map((v) => ({ ...v }));
    },
    get memory() {
      return { ...(d()?.memory ?? NO_MEMORY) };
    },
    /** The transition on screen (running, or held by a pause): { from, to, type, progress }, else null. */
    get transition() {
      const t = d()?.transition;
      return t ? { ...t } : null;
    },
    get lastWarm() {
      const w = d()?.lastWarm;
      return w ? { ...w } : null;
    },
    /** Piece trees the stage has mounted since it loaded (a warm switch adopts a mounted run, and adds none). */
    get pieceMounts() {
      return d()?.pieceMounts ?? 0;
    },
    /** How far behind the GPU is on the stage's screen context (ms, a fence among its draws), or null where the stage cannot tell. */
    get gpuLagMs() {
      return d()?.gpuLagMs ?? null;
    },
    get warmCache() {
      const c = d()?.warmCache;
      return c ? { pieces: [...c.pieces], limit: { ...c.limit } } : null;
    },
    /** The output stage (docs/projection.md): { identity, pattern, problem }, else null before the stage said. */
    get output() {
      const o = d()?.output;
      return o ? { ...o } : null;
    },
    get connected() {
      return store.getState().connected;
    },
    /** A VR station's session (docs/vr.md): { presenting, mode, support, frames, frameShowTime, view, viewer, controllers, … }; null on a flat screen. */
    get xr() {
      const x = d()?.xr;
      return x ? { ...x, controllers: x.controllers.map((c) => ({ ...c, position: [...c.position] })) } : null;
    },
    /** Where the pieces run (the stage frame's origin), once known. */
    get stageOrigin() {
      return store.getState().stageOrigin;
    },
    /** True while the stage has its channel open. */
    get stageOpen() {
      return relay.link?.open ?? false;
    },
  });
}

/** The clock part, plus `path`: the way this page's clock pings go ('responder' | 'socketio' | null before one answered). */
function withPath<T extends object>(d: T, path: () => string | null): T & { readonly path: string | null } {
  return Object.freeze(Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(d), path: { get: path, enumerable: true } })) as T & { readonly path: string | null };
}
