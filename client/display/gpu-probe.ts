import { localNow } from '../core/now';
import { FenceTimer } from '../host/fence-timer';

/**
 * Whether the browser's GPU process is serving this page at all: a 1×1 WebGL2 context that clears
 * and fences, checked without blocking (`getSyncParameter` each tick, never `readPixels` or
 * `clientWaitSync` with a timeout, so the page's socket never waits on it).
 *
 * Why: a stage that draws no new frame while its page still gets its animation frames looks
 * stalled, but when several stages share one GPU process (tabs of one browser, or windows of one
 * kiosk browser driving several outputs) and software GL or a slow GPU is behind, the page's own
 * frames are cheap and keep coming while every stage's WebGL waits in the same queue. A fence that
 * takes seconds to pass says the GPU is busy, not that the stage's loop is stuck.
 *
 * The context is made on first use (only once a stall is suspected) and kept.
 */
export class GpuProbe {
  private gl: WebGL2RenderingContext | null = null;
  private failed = false;
  private timer: FenceTimer | null = null;

  /**
   * One step, once a second: checks the fence in flight, or sends a new one. Returns how long the
   * GPU has kept this page waiting now (ms: the fence in flight's age, else the last fence's time),
   * or null where there is no WebGL2 (then the caller decides without it).
   */
  step(): number | null {
    const gl = this.context();
    if (!gl) return null;
    this.timer ??= new FenceTimer(gl);
    return this.timer.step(localNow(), (g) => g.clear(g.COLOR_BUFFER_BIT));
  }

  /** The stage drew again: forget the fence in flight and the last time (a later suspicion starts afresh). */
  reset(): void {
    this.timer?.reset();
  }

  private context(): WebGL2RenderingContext | null {
    if (this.gl || this.failed) return this.gl;
    try {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 1;
      this.gl = canvas.getContext('webgl2', { antialias: false, depth: false, stencil: false, alpha: false, powerPreference: 'low-power' });
      if (this.gl) canvas.addEventListener('webglcontextlost', () => {
        this.gl = null;
        this.timer = null;
      });
    } catch {
      this.gl = null;
    }
    this.failed = !this.gl;
    return this.gl;
  }
}
