import type { Quality } from '../../protocol';

/** A quality level a piece renders at (useQuality). */
export type QualityLevel = 'low' | 'medium' | 'high';

/** Above this many device pixels, 'auto' gives 'medium' rather than 'high'. */
export const HIGH_QUALITY_MAX_PIXELS = 3_000_000;

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|software|basic render/i;

/**
 * The level for a wall's `quality` setting on one screen: a set level as it is; 'auto' from the
 * hardware ('low' on a software rasteriser) and the canvas size in device pixels. Pure.
 */
export function resolveQuality(setting: Quality | undefined, software: boolean, pixels: number): QualityLevel {
  if (setting === 'low' || setting === 'medium' || setting === 'high') return setting;
  if (software) return 'low';
  return pixels > HIGH_QUALITY_MAX_PIXELS ? 'medium' : 'high';
}

const RANK: Record<QualityLevel, number> = { low: 0, medium: 1, high: 2 };

/** The lower of a level and a cap (a VR station's adaptive quality caps what the wall's setting resolves to; null: no cap). Pure. */
export function capQuality(level: QualityLevel, cap: QualityLevel | null | undefined): QualityLevel {
  return cap && RANK[cap] < RANK[level] ? cap : level;
}

/** Whether a WebGL context renders in software (SwiftShader, llvmpipe…), from its renderer string. */
export function rendersInSoftware(ctx: WebGLRenderingContext | WebGL2RenderingContext): boolean {
  try {
    const ext = ctx.getExtension('WEBGL_debug_renderer_info');
    const name = String(ext ? ctx.getParameter(ext.UNMASKED_RENDERER_WEBGL) : ctx.getParameter(ctx.RENDERER));
    return SOFTWARE_RENDERER.test(name);
  } catch {
    return false;
  }
}

/**
 * Asks a throwaway WebGL context whether rendering is in software, before the real canvas is
 * made: multisampling is then turned off, since it costs a software rasteriser dearly.
 */
export function probeSoftware(): boolean {
  try {
    const ctx = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!ctx) return false;
    const software = rendersInSoftware(ctx);
    ctx.getExtension('WEBGL_lose_context')?.loseContext();
    return software;
  } catch {
    return false;
  }
}
