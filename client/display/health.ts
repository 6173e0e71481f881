import { FrameStats, healthReport } from '../host';
import type { Screen } from './session';

/** Reports fps, frame-time p95, GPU memory and the clock estimate every second (display:health). */
export function startHealth({ socket, clock, host, store }: Screen): () => void {
  const stats = new FrameStats(host.clock.count, performance.now());
  const off = host.clock.onFrame((_show, ts) => stats.frame(ts));
  const timer = setInterval(() => {
    const memory = host.sampleMemory();
    const e = clock.estimate();
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    const health = healthReport({
      installationId: host.snapshot().run?.installationId ?? null,
      fps: stats.fps(host.clock.count, performance.now()),
      frameMsP95: stats.p95(),
      framesRendered: host.clock.count,
      memory,
      clock: e,
      ...(heap ? { heapMB: heap.usedJSHeapSize / 1048576 } : {}),
    });
    if (socket.connected && store.getState().view) socket.emit('display:health', health); // a page waiting to be paired reports nothing
  }, 1000);
  return () => {
    off();
    clearInterval(timer);
  };
}
