import type { WebGLRenderer } from 'three';

let softwareRenderer: boolean | null = null;

/** Whether the GPU is a software rasteriser (SwiftShader, llvmpipe): then pieces render at 'low'. */
export function isSoftware(gl: WebGLRenderer): boolean {
  if (softwareRenderer !== null) return softwareRenderer;
  try {
    const ctx = gl.getContext();
    const ext = ctx.getExtension('WEBGL_debug_renderer_info');
    const name = String(ext ? ctx.getParameter(ext.UNMASKED_RENDERER_WEBGL) : ctx.getParameter(ctx.RENDERER));
    softwareRenderer = /swiftshader|llvmpipe|software|basic render/i.test(name);
  } catch {
    softwareRenderer = false;
  }
  return softwareRenderer;
}

/** Resolves a piece's `quality` param ('auto' or absent: from the hardware and canvas size). */
export function resolveQuality(param: unknown, gl: WebGLRenderer, pixels: number): 'low' | 'medium' | 'high' {
  if (param === 'low' || param === 'medium' || param === 'high') return param;
  if (isSoftware(gl)) return 'low';
  return pixels > 3_000_000 ? 'medium' : 'high';
}

/**
 * Asks a throwaway WebGL context whether rendering is in software, before the real canvas is
 * made: multisampling is then turned off, since it costs a software rasteriser dearly.
 */
export function probeSoftware(): boolean {
  try {
    const ctx = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!ctx) return false;
    const ext = ctx.getExtension('WEBGL_debug_renderer_info');
    const name = String(ext ? ctx.getParameter(ext.UNMASKED_RENDERER_WEBGL) : ctx.getParameter(ctx.RENDERER));
    ctx.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software|basic render/i.test(name);
  } catch {
    return false;
  }
}
