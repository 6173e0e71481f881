/** GPU objects a renderer holds: what must come back down when a piece unmounts. */
export interface GpuMemory {
  geometries: number;
  textures: number;
  programs: number;
}

/** The part of a three.js WebGLRenderer the host reads (no three.js import needed). */
export interface RendererLike {
  info: { memory: { geometries: number; textures: number }; programs?: readonly unknown[] | null };
  getContext(): WebGLRenderingContext | WebGL2RenderingContext;
}

/** GPU objects alive in the renderer right now (renderer.info). */
export function readMemory(r: RendererLike): GpuMemory {
  return { geometries: r.info.memory.geometries, textures: r.info.memory.textures, programs: r.info.programs?.length ?? 0 };
}
