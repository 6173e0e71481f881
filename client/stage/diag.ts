import type { StageDiag } from '../../protocol';
import type { PieceHost } from '../host';
import type { StageBridge } from './bridge';

const EVERY_MS = 500;

export interface DiagExtras {
  ready(): boolean;
  soundBlocked(): boolean;
  /** The output stage's state (screen mode; docs/projection.md). */
  output?(): StageDiag['output'];
  /** A VR station's session (docs/vr.md). */
  xr?(): StageDiag['xr'];
}

/** The host's diagnostics as the page mirrors them (window.__pavilion, docs/display.md). */
export function diagOf(host: PieceHost, extras: DiagExtras, withErrors: boolean, animationFrames?: number, gpuLagMs?: number | null): StageDiag {
  const snap = host.snapshot();
  const screens = host.screens().slice(0, 16);
  return {
    installationId: snap.run?.installationId ?? null,
    framesRendered: host.clock.count,
    lastSwitch: host.lastSwitch ? { ...host.lastSwitch } : null,
    lastPreload: host.lastPreload ? { ...host.lastPreload } : null,
    errors: withErrors ? host.errors.list().slice(-100).map((e) => ({ ...e })) : null,
    visitors: host.visitors.count(),
    visitorInputs: host.visitors.inputs().slice(0, 5000),
    memory: host.memory(),
    failed: snap.run?.failed ?? false,
    ready: extras.ready(),
    screens,
    screenMemory: Object.fromEntries(screens.map((s) => [s, host.memory(s)])),
    soundBlocked: extras.soundBlocked(),
    progress: snap.progress,
    transition: host.transition(),
    lastWarm: host.lastWarm ? (({ installationId, ms, cold, lateMs, adopted }) => ({ installationId, ms, cold, lateMs, ...(adopted ? { adopted } : {}) }))(host.lastWarm) : null,
    pieceMounts: host.pieceMounts,
    ...(animationFrames !== undefined ? { animationFrames } : {}),
    ...(gpuLagMs !== undefined && gpuLagMs !== null ? { gpuLagMs: Math.min(Math.round(gpuLagMs), 86_400_000) } : {}),
    warmCache: (({ pieces, limit }) => ({ pieces: pieces.slice(-16), limit }))(host.warmCache()),
    ...(extras.output ? { output: extras.output() } : {}),
    ...(extras.xr?.() ? { xr: extras.xr() } : {}),
  };
}

/**
 * Sends the diagnostics twice a second, and right after a switch (once the switch frame's task is
 * done: nothing of it runs inside that frame), so that the page's mirror (and the watchdog that
 * reloads a stalled stage) stays current.
 */
export function startDiag(bridge: StageBridge, host: PieceHost, extras: DiagExtras): () => void {
  let errorsSig = '';
  // One animation frame asked a second, counted when given: whether the browser gives this document
  // frames at all, whatever the piece's loop does (the page's watchdog, client/display/stall.ts).
  let framesGiven = 0;
  let asked = false;
  let sends = 0;
  const askFrame = () => {
    asked = true;
    requestAnimationFrame(() => {
      asked = false;
      framesGiven++;
    });
  };
  const send = () => {
    if (!asked && sends++ % 2 === 0) askFrame();
    const list = host.errors.list();
    const last = list[list.length - 1];
    const sig = `${list.length}:${last?.at ?? ''}:${last?.message ?? ''}`;
    // How far behind the GPU is on this screen's context: a stage whose thread later goes silent
    // while this was high is waiting on the GPU, not stuck (the page's watchdog, stall.ts).
    bridge.send({ t: 'diag', diag: diagOf(host, extras, sig !== errorsSig, framesGiven, host.gpuLag(performance.now())) });
    errorsSig = sig;
  };
  const timer = setInterval(send, EVERY_MS);
  let seenSwitch = host.lastSwitch;
  let soon: ReturnType<typeof setTimeout> | undefined;
  // While a transition runs, its progress goes out with every few frames (tests and monitors follow it).
  let lastTransition = false;
  const offFrame = host.clock.onFrame(() => {
    if (host.lastSwitch !== seenSwitch) {
      seenSwitch = host.lastSwitch;
      clearTimeout(soon);
      soon = setTimeout(send, 0);
    }
    const on = host.transition() !== null;
    if ((on || lastTransition) && host.clock.count % 6 === 0) send();
    lastTransition = on;
  });
  send();
  return () => {
    clearInterval(timer);
    clearTimeout(soon);
    offFrame();
  };
}
