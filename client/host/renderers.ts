import { FenceTimer, asWebGL2 } from './fence-timer';
import { readMemory, type GpuMemory, type RendererLike } from './memory';
import { rendersInSoftware, resolveQuality, type QualityLevel } from './quality';
import type { Program } from './program';

/**
 * The screens of a host (client/host/host.ts), by their renderers: which screens there are (each
 * must warm a run before it switches), the quality each renders at, and the GPU memory readouts.
 */
export class HostRenderers {
  private readonly renderers = new Map<string, RendererLike>();
  private readonly software = new WeakMap<object, boolean>();
  private lastMemory: GpuMemory = { geometries: 0, textures: 0, programs: 0 };
  private readonly fences = new WeakMap<object, FenceTimer | null>();

  /** Whether any screen renders (runs must then warm before they switch). */
  get any(): boolean {
    return this.renderers.size > 0;
  }

  /** The first screen's renderer (the memory readouts' default), if any. */
  first(): RendererLike | undefined {
    return this.renderers.values().next().value;
  }

  /** The quality a screen renders at: the program's setting, or for 'auto' from its GPU and size. */
  qualityFor(quality: Program['quality'] | undefined, renderer: RendererLike, pixels: number): QualityLevel {
    let software = this.software.get(renderer);
    if (software === undefined) {
      software = rendersInSoftware(renderer.getContext());
      this.software.set(renderer, software);
    }
    return resolveQuality(quality, software, pixels);
  }

  /** A screen's renderer. Returns the function that detaches it. */
  attach(screen: string, r: RendererLike): () => void {
    this.renderers.set(screen, r);
    return () => {
      if (this.renderers.get(screen) === r) this.renderers.delete(screen);
    };
  }

  /** GPU objects alive now in a screen's renderer (the first attached by default); else the last sample. */
  memory(screen?: string): GpuMemory {
    const r = screen === undefined ? this.first() : this.renderers.get(screen);
    return r ? readMemory(r) : { ...this.lastMemory };
  }

  /** Samples the memory for health reports (kept when the renderer goes). */
  sample(): GpuMemory {
    const r = this.first();
    if (r) this.lastMemory = readMemory(r);
    return this.lastMemory;
  }

  /**
   * How far behind the GPU is on the first screen's own context (a fence among its draws, checked
   * without blocking; fence-timer.ts), in ms: 0 when it keeps up, null without a screen or WebGL2.
   * Called twice a second (client/stage/diag.ts): the page's watchdog reads it to tell a stage whose
   * thread is stuck from one that waits on a GPU that is behind (client/display/stall.ts).
   */
  gpuLag(now: number): number | null {
    const r = this.first();
    if (!r) return null;
    let timer = this.fences.get(r);
    if (timer === undefined) {
      const gl = asWebGL2(r.getContext());
      timer = gl ? new FenceTimer(gl) : null;
      this.fences.set(r, timer);
    }
    return timer ? timer.step(now) : null;
  }

  screens(): string[] {
    return [...this.renderers.keys()].sort();
  }
}
