import type { WebGLRenderer } from 'three';
import type { DisplayClientToServer, DisplayServerToClient, DisplayHealth } from '../../protocol';
import { connect, syncOverSocket } from '../core/connection';
import type { ClockSync } from '../core/clock-sync';
import { displayStore } from './store';
import { frame, onFrame } from './frame';
import { hostState } from './diagnostics';
import { setErrorSender } from './report';
import { setPreloadSender } from './preload-report';
import { receiveVisitorFrame, resetVisitorSequence } from './visitor-feed';
import { startThumbnails } from './thumbnails';

export type DisplaySocket = ReturnType<typeof connect<DisplayServerToClient, DisplayClientToServer>>;

/** Connects this screen: registers, mirrors its view, syncs the clock, reports health. */
export function startSession(screenId: string): { socket: DisplaySocket; clock: ClockSync } {
  const socket = connect<DisplayServerToClient, DisplayClientToServer>('/display');
  // Clock pings from a worker: this page's main thread is busy rendering (docs/sync.md).
  const clock = syncOverSocket(socket, { workerUrl: `${location.origin}/display` });
  startThumbnails(socket);
  displayStore.setState({ screenId });

  const hello = () =>
    socket.timeout(5000).emit('display:hello', { screenId }, (err, res) => {
      if (err) return void setTimeout(hello, 1000);
      if (!res.ok) return displayStore.setState({ problem: `The server refused this screen: ${res.error.message}` });
      displayStore.setState({ view: res.view, problem: null });
    });
  socket.on('connect', () => {
    displayStore.setState({ connected: true });
    resetVisitorSequence();
    hello(); // after every reconnect: the server resends the full view
  });
  socket.on('disconnect', () => displayStore.setState({ connected: false }));
  socket.on('display:view', (view) => displayStore.setState({ view }));
  socket.on('screen:identify', ({ until }) => displayStore.setState({ identifyUntil: clock.now() + Math.max(0, Math.min(10_000, until - clock.now())) }));
  socket.on('screen:reload', () => location.reload());
  socket.on('visitors:frame', receiveVisitorFrame);
  socket.on('error:notice', (n) => console.warn(`[pavilion] server notice: ${n.code}: ${n.message}`));
  setErrorSender((e) => socket.emit('display:error', e));
  setPreloadSender((p) => socket.emit('display:preloaded', p));
  return { socket, clock };
}

/** Reports fps, frame-time p95, GPU memory and the clock estimate every second. */
export function startHealth(socket: DisplaySocket, clock: ClockSync, gl: () => WebGLRenderer | null): () => void {
  const intervals: number[] = [];
  let last = 0;
  let framesAtLastReport = frame.count;
  let lastReport = performance.now();
  const off = onFrame((_show, ts) => {
    if (last) intervals.push(ts - last);
    if (intervals.length > 240) intervals.shift();
    last = ts;
  });
  const timer = setInterval(() => {
    const r = gl();
    if (r) hostState.memory = { geometries: r.info.memory.geometries, textures: r.info.memory.textures, programs: r.info.programs?.length ?? 0 };
    const now = performance.now();
    const fps = ((frame.count - framesAtLastReport) * 1000) / Math.max(1, now - lastReport);
    framesAtLastReport = frame.count;
    lastReport = now;
    const sorted = [...intervals].sort((a, b) => a - b);
    const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : 0;
    const e = clock.estimate();
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    const health: DisplayHealth = {
      installationId: hostState.installationId,
      fps: Math.min(1000, fps),
      frameMsP95: Math.min(60000, p95),
      framesRendered: frame.count,
      memory: hostState.memory,
      clock: { offsetMs: e.offsetMs, rttMs: e.rttMs, uncertaintyMs: Number.isFinite(e.uncertaintyMs) ? e.uncertaintyMs : 9999 },
      ...(heap ? { heapMB: heap.usedJSHeapSize / 1048576 } : {}),
    };
    if (socket.connected) socket.emit('display:health', health);
  }, 1000);
  return () => {
    off();
    clearInterval(timer);
  };
}
