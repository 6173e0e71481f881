import type { WebGLRenderTarget, WebGLRenderer } from 'three';

/*
 * The headset's framebuffer at another scale, in the middle of a session (the adaptive quality,
 * client/xr/adaptive.ts). WebXR fixes an XRWebGLLayer's framebufferScaleFactor when the layer is
 * made; three.js makes the session's layer once (WebXRManager.setSession, at the scale the store
 * gives it: session.ts frameBufferScaling) and keeps it in a closure for the whole session. Another
 * scale needs a new layer, given to the session with updateRenderState({ baseLayer }), which the
 * browser uses from the next frame; three.js must then draw into it: the first layer (the object
 * three.js holds) forwards its framebuffer, size and viewports to the newest one.
 */

/** Where a new scale takes effect: now (a new base layer) or from the next session (a WebXR Layers projection layer, or no session). */
export type Rescaled = 'now' | 'next-session';

const forwards = new WeakMap<object, { layer: XRWebGLLayer }>();

/**
 * Gives the session a base layer at `scale` (of the headset's recommended size) and points three.js's
 * layer at it. A session that three.js drew through a projection layer (WebXR Layers: Quest Browser)
 * keeps its scale; the next session starts at the new one. Call it after a frame has drawn (the
 * session uses the new layer from the next frame on).
 */
export function rescaleFramebuffer(gl: WebGLRenderer, scale: number): Rescaled {
  const session = gl.xr.getSession();
  const first = gl.xr.getBaseLayer();
  const Layer = (globalThis as { XRWebGLLayer?: typeof XRWebGLLayer }).XRWebGLLayer;
  if (!session || !Layer || !(first instanceof Layer)) return 'next-session';
  const ctx = gl.getContext();
  const a = ctx.getContextAttributes();
  const layer = new Layer(session, ctx, { antialias: a?.antialias ?? false, alpha: true, depth: a?.depth ?? true, stencil: a?.stencil ?? false, framebufferScaleFactor: scale });
  // three.js asked for maximum foveation on its layer; the new one gets the same.
  if (typeof first.fixedFoveation === 'number') layer.fixedFoveation = first.fixedFoveation;
  session.updateRenderState({ baseLayer: layer });
  forward(first, layer);
  return 'now';
}

/** three.js's layer reads through to `layer` from now on (its framebuffer, size and each view's viewport). */
function forward(first: XRWebGLLayer, layer: XRWebGLLayer): void {
  const known = forwards.get(first);
  if (known) {
    known.layer = layer;
    return;
  }
  const to = { layer };
  forwards.set(first, to);
  Object.defineProperties(first, {
    framebuffer: { configurable: true, get: () => to.layer.framebuffer },
    framebufferWidth: { configurable: true, get: () => to.layer.framebufferWidth },
    framebufferHeight: { configurable: true, get: () => to.layer.framebufferHeight },
    getViewport: { configurable: true, value: (view: XRView) => to.layer.getViewport(view) },
    fixedFoveation: {
      configurable: true,
      get: () => to.layer.fixedFoveation,
      set: (v: number | undefined) => void (to.layer.fixedFoveation = v),
    },
  });
}

/** The session's framebuffer size now (the base layer's, or the projection layer's texture), or null. */
export function framebufferSize(gl: WebGLRenderer): [number, number] | null {
  const l = gl.xr.getBaseLayer() as unknown as { framebufferWidth?: number; framebufferHeight?: number; textureWidth?: number; textureHeight?: number } | null;
  if (!l) return null;
  const w = l.framebufferWidth ?? l.textureWidth;
  const h = l.framebufferHeight ?? l.textureHeight;
  return typeof w === 'number' && typeof h === 'number' ? [w, h] : null;
}

/**
 * three.js's target for the headset's framebuffer keeps the size of the session's first layer:
 * once the framebuffer is another size, its viewport and scissor (which three.js binds with it)
 * follow. Only the numbers: the framebuffer is the browser's, not three.js's (no setSize, which
 * would dispose it).
 */
export function fitXrTarget(gl: WebGLRenderer, target: WebGLRenderTarget | null): void {
  const first = gl.xr.getBaseLayer() as unknown as XRWebGLLayer | null;
  if (!target || !first || !forwards.has(first)) return;
  const w = first.framebufferWidth;
  const h = first.framebufferHeight;
  if (target.width === w && target.height === h) return;
  target.width = w;
  target.height = h;
  target.viewport.set(0, 0, w, h);
  target.scissor.set(0, 0, w, h);
}
