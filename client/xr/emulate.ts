/*
 * The WebXR emulator (iwer, Meta's Immersive Web Emulation Runtime) for tests and for trying a
 * station without a headset: only when the screen page is opened with `xr=emulate` (the page
 * passes it on to the stage's address). Loaded with a dynamic import, so no other page and no
 * station without the flag ever downloads it.
 */

/** The emulated headset, for tests: move its controllers, end its session (window.__pavilionXr in the stage frame). */
export interface EmulatedHeadset {
  controllers: Partial<Record<'left' | 'right' | 'none', { position: { set(x: number, y: number, z: number): unknown; x: number; y: number; z: number }; updateButtonValue(id: string, value: number): void }>>;
  position: { set(x: number, y: number, z: number): unknown; x: number; y: number; z: number };
  activeSession: XRSession | undefined;
}

/** Whether this stage's address asks for the emulator. */
export function wantsEmulator(search: string): boolean {
  return new URLSearchParams(search).get('xr') === 'emulate';
}

/** Installs an emulated Meta Quest 3 over the browser's own WebXR (Chromium has navigator.xr but no headset). */
export async function installEmulator(): Promise<EmulatedHeadset> {
  const { XRDevice, metaQuest3 } = await import('iwer');
  const device = new XRDevice(metaQuest3);
  device.installRuntime({ forceInstall: true });
  emulateFramebufferScale(device);
  return device as unknown as EmulatedHeadset;
}

/** iwer's layer, as its device sees it: the context it draws into. */
type EmulatedLayer = object & { context?: { canvas?: { width: number; height: number } } };

type LayerClass = new (session: XRSession, context: WebGLRenderingContext | WebGL2RenderingContext, init?: XRWebGLLayerInit) => XRWebGLLayer;

/**
 * iwer draws a session into the page's canvas itself, sized to the window, whatever the layer's
 * `framebufferScaleFactor` says. A headset makes its framebuffer that share of its recommended
 * size; so does the emulator now: each XRWebGLLayer remembers its scale, and once iwer has sized
 * the canvas for a new base layer (at session start, and when the station swaps the layer for
 * another scale, client/xr/framebuffer.ts) the canvas gets that share of the window's pixels. The
 * emulated eyes' viewports follow (iwer splits the canvas), and the page shows the smaller
 * framebuffer stretched, as a headset's compositor does. Reaches into iwer 2.5's device internals
 * (its onBaseLayerSet); left as iwer made it if they are not there.
 */
function emulateFramebufferScale(device: object): void {
  const g = globalThis as unknown as { XRWebGLLayer?: LayerClass };
  const Base = g.XRWebGLLayer;
  const key = Object.getOwnPropertySymbols(device).find((s) => s.description === '@iwer/xr-device');
  const internals = key ? (device as Record<symbol, { onBaseLayerSet?: (layer: EmulatedLayer | null) => void } | undefined>)[key] : undefined;
  const set = internals?.onBaseLayerSet;
  if (!Base || !internals || typeof set !== 'function') return;
  const scales = new WeakMap<object, number>();
  g.XRWebGLLayer = class ScaledLayer extends Base {
    constructor(session: XRSession, context: WebGLRenderingContext | WebGL2RenderingContext, init?: XRWebGLLayerInit) {
      super(session, context, init);
      const s = init?.framebufferScaleFactor;
      scales.set(this, typeof s === 'number' && Number.isFinite(s) ? Math.min(1, Math.max(0.1, s)) : 1);
    }
  };
  internals.onBaseLayerSet = (layer) => {
    set(layer);
    const scale = layer ? scales.get(layer) ?? 1 : 1;
    const canvas = layer?.context?.canvas;
    if (!canvas || scale === 1) return;
    canvas.width = Math.max(1, Math.round(window.innerWidth * scale));
    canvas.height = Math.max(1, Math.round(window.innerHeight * scale));
  };
}
