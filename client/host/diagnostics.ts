import type { ParamValues } from '../../protocol';
import type { PieceHost } from './host';

/** The clock a page estimates show time with (client/core/clock-sync's ClockSync has this shape). */
export interface DiagnosticsClock {
  now(): number;
  estimate(): { offsetMs: number; rttMs: number; uncertaintyMs: number; synced: boolean };
}

/** What the page knows besides the host: which screen it is, and its connection. */
export interface PageFacts {
  screenId(): string | null;
  wallId(): string | null;
  /** The wall params this screen has received (applied at the wall's paramsAt). */
  params(): ParamValues | null;
  connected(): boolean;
}

/** The `clock` part of window.__pavilion: the estimate, read through on every access. */
export function clockDiagnostics(clock: DiagnosticsClock) {
  return Object.freeze({
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
  });
}

/**
 * window.__pavilion: read-only diagnostics of a screen for automation and technicians
 * (docs/display.md). Every field reads through to the host, the page and the clock.
 */
export function screenDiagnostics(host: PieceHost, page: PageFacts, clock: DiagnosticsClock) {
  return Object.freeze({
    get screenId() {
      return page.screenId();
    },
    get wallId() {
      return page.wallId();
    },
    get installationId() {
      return host.snapshot().run?.installationId ?? null;
    },
    get params() {
      const p = page.params();
      return p ? { ...p } : null;
    },
    get framesRendered() {
      return host.clock.count;
    },
    clock: clockDiagnostics(clock),
    get lastSwitch() {
      return host.lastSwitch ? { ...host.lastSwitch } : null;
    },
    get lastPreload() {
      return host.lastPreload ? { ...host.lastPreload } : null;
    },
    get errors() {
      return host.errors.list().map((e) => ({ ...e }));
    },
    get visitors() {
      return host.visitors.count();
    },
    /** Each visitor's latest input as this screen last handed it to the piece (public ids only). */
    get visitorInputs() {
      return host.visitors.inputs();
    },
    get memory() {
      return host.memory();
    },
    /** The transition on screen (running, or held by a pause), else null. */
    get transition() {
      return host.transition();
    },
    get lastWarm() {
      return host.lastWarm ? { ...host.lastWarm } : null;
    },
    get warmCache() {
      return host.warmCache();
    },
    /** Piece trees mounted on this page since it loaded (every screen): a warm switch adopts a mounted run, and adds none. */
    get pieceMounts() {
      return host.pieceMounts;
    },
    get connected() {
      return page.connected();
    },
  });
}
