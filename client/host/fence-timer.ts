/**
 * How far behind a WebGL2 context's GPU work is, measured without ever blocking: a fence sent,
 * then checked with `getSyncParameter` on later steps (never `clientWaitSync` with a timeout, never
 * `readPixels`), so that the caller's thread never waits on the GPU to learn that it is slow.
 *
 * Used by the page's probe (client/display/gpu-probe.ts, a 1×1 context of its own) and by the stage
 * on its screen's own context (client/host/renderers.ts): the fence then passes only once every
 * draw the piece sent before it is done, so its age says how far the GPU is behind on that screen.
 */
export class FenceTimer {
  private fence: WebGLSync | null = null;
  private sentAt = 0;
  /** The last look that found the fence in flight still pending (sentAt before any). */
  private pendingAt = 0;
  /** How long the last fence took to pass (ms), or null before any. */
  lastMs: number | null = null;

  constructor(private readonly gl: WebGL2RenderingContext) {}

  /**
   * One step: checks the fence in flight, or sends a new one (after `before`, e.g. a clear, when
   * given). Returns how long the GPU has kept this context waiting now (the fence in flight's age,
   * or the last fence's time if that was longer), 0 before any fence has passed.
   */
  step(now: number, before?: (gl: WebGL2RenderingContext) => void): number {
    const gl = this.gl;
    if (gl.isContextLost()) {
      this.fence = null;
      return this.lastMs ?? 0;
    }
    if (this.fence) {
      if (gl.getSyncParameter(this.fence, gl.SYNC_STATUS) !== gl.SIGNALED) {
        this.pendingAt = now;
        return Math.max(now - this.sentAt, this.lastMs ?? 0);
      }
      gl.deleteSync(this.fence);
      this.fence = null;
      // It passed somewhere between the last look that found it pending and now: counted to that
      // look, so that a caller's own thread held between two looks (not the GPU) is not taken for
      // GPU time. A lower bound, as the age of a fence in flight is.
      this.lastMs = this.pendingAt - this.sentAt;
    }
    before?.(gl);
    this.fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    gl.flush();
    this.sentAt = this.pendingAt = now;
    return this.lastMs ?? 0;
  }

  /** Forgets the fence in flight and the last time (a later measurement starts afresh). */
  reset(): void {
    if (this.fence && !this.gl.isContextLost()) this.gl.deleteSync(this.fence);
    this.fence = null;
    this.lastMs = null;
  }
}

/** The context as WebGL2, or null where it is WebGL1 (no fences). */
export function asWebGL2(gl: WebGLRenderingContext | WebGL2RenderingContext): WebGL2RenderingContext | null {
  return typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext ? gl : null;
}
