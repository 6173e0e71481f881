import { FrameStats, healthReport } from '../host';
import type { StageScreen } from './screen';

/** Reports fps, frame-time p95, GPU memory and the clock estimate every second; the page sends it on (display:health). */
export function startHealth(screen: StageScreen): () => void {
  const { bridge, clock, host } = screen;
  const stats = new FrameStats(host.clock.count, performance.now());
  const off = host.clock.onFrame((_show, ts) => stats.frame(ts));
  const timer = setInterval(() => {
    const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
    const health = healthReport({
      installationId: host.snapshot().run?.installationId ?? null,
      fps: stats.fps(host.clock.count, performance.now()),
      frameMsP95: stats.p95(),
      framesRendered: host.clock.count,
      memory: host.sampleMemory(),
      clock: clock.estimate(),
      warm: host.warmPieces(),
      ...(heap ? { heapMB: heap.usedJSHeapSize / 1048576 } : {}),
    });
    // A VR station says whether the viewer is in the headset (docs/vr.md; GET /api/show `xr`).
    bridge.send({ t: 'health', health: screen.xr ? { ...health, xr: screen.xr.station.health() } : health });
  }, 1000);
  return () => {
    off();
    clearInterval(timer);
  };
}
