import { PerspectiveCamera, Vector3, type Camera, type Object3D, type WebGLRenderer, type WebGLRenderTarget } from 'three';
import type { ThumbnailSource } from '../stage/thumbnails';
import { screenLikeTarget } from './theatre';

/** The mirrored picture's size: the panel shows thumbnails 160 pixels wide. */
export const MIRROR_WIDTH = 160;
export const MIRROR_HEIGHT = 90;
/** One picture every 2 s while the panel watches: the most the server takes from a screen (server/screens/report-limits.ts). */
export const MIRROR_EVERY_MS = 2000;
/** The mirror's vertical field of view: about 90° across at 16:9, near a headset's view of one eye. */
const FOV_DEG = 60;

const unitScale = new Vector3();

/**
 * The panel's picture of a VR station in a session: what the viewer sees, drawn again from the
 * middle of their eyes, small and mono, when the thumbnails ask (every 2 s, only while someone
 * watches). A headset's canvas does not show what its XR framebuffer shows, so the station's
 * thumbnail cannot be read from the canvas: the station records the scenes each XR frame draws into
 * the headset (the piece's world, or the curved screen's theatre), and this renders those scenes
 * once more with a camera at the viewer's head into a 160×90 target, read back without stalling
 * the headset's frames (readRenderTargetPixelsAsync: a pixel buffer and a fence, then the copy).
 */
export class XrMirror implements ThumbnailSource {
  readonly everyMs = MIRROR_EVERY_MS;
  private readonly drawn: Object3D[] = [];
  private readonly camera = new PerspectiveCamera(FOV_DEG, MIRROR_WIDTH / MIRROR_HEIGHT, 0.05, 600);
  private target: WebGLRenderTarget | null = null;
  private pixels = new Uint8Array(MIRROR_WIDTH * MIRROR_HEIGHT * 4);
  private canvas: HTMLCanvasElement | null = null;

  /**
   * @param eyes the camera the headset's views are computed onto each XR frame (gl.xr.updateCamera)
   * @param onPicture called with each picture made (the station counts them for its diagnostics)
   */
  constructor(
    private readonly gl: WebGLRenderer,
    private readonly eyes: Camera,
    private readonly onPicture: () => void = () => {},
  ) {}

  /** A new XR frame: the scenes it draws into the headset are recorded from here. */
  begin(): void {
    this.drawn.length = 0;
  }

  /** A scene this frame draws into the headset's framebuffer. */
  drew(scene: Object3D): void {
    if (!this.drawn.includes(scene)) this.drawn.push(scene);
  }

  /**
   * Draws the viewer's view now (right after an XR frame drew; the thumbnails call it) and resolves
   * with it on a small canvas once the pixels are back, or with null when this frame drew nothing.
   */
  take(): Promise<HTMLCanvasElement | null> {
    const gl = this.gl;
    if (this.drawn.length === 0) return Promise.resolve(null);
    this.eyes.matrixWorld.decompose(this.camera.position, this.camera.quaternion, unitScale);
    this.camera.updateMatrixWorld();
    const target = (this.target ??= screenLikeTarget(gl, MIRROR_WIDTH, MIRROR_HEIGHT));
    const before = gl.getRenderTarget();
    const xrEnabled = gl.xr.enabled;
    const autoClear = gl.autoClear;
    let read: Promise<unknown>;
    try {
      gl.xr.enabled = false; // this camera, not the headset's views
      gl.setRenderTarget(target);
      gl.clear();
      gl.autoClear = false;
      for (const scene of this.drawn) gl.render(scene, this.camera);
      read = gl.readRenderTargetPixelsAsync(target, 0, 0, MIRROR_WIDTH, MIRROR_HEIGHT, this.pixels);
    } catch (e) {
      read = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    } finally {
      gl.autoClear = autoClear;
      gl.xr.enabled = xrEnabled;
      gl.setRenderTarget(before);
    }
    return read.then(() => this.paint());
  }

  /** The pixels, bottom row first as GL reads them, onto the canvas top row first, opaque. */
  private paint(): HTMLCanvasElement | null {
    const canvas = (this.canvas ??= document.createElement('canvas'));
    canvas.width = MIRROR_WIDTH;
    canvas.height = MIRROR_HEIGHT;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const image = ctx.createImageData(MIRROR_WIDTH, MIRROR_HEIGHT);
    const row = MIRROR_WIDTH * 4;
    for (let y = 0; y < MIRROR_HEIGHT; y++) image.data.set(this.pixels.subarray((MIRROR_HEIGHT - 1 - y) * row, (MIRROR_HEIGHT - y) * row), y * row);
    for (let i = 3; i < image.data.length; i += 4) image.data[i] = 255;
    ctx.putImageData(image, 0, 0);
    this.onPicture();
    return canvas;
  }

  /** Frees the target (between sessions). */
  release(): void {
    this.target?.dispose();
    this.target = null;
    this.drawn.length = 0;
  }

  dispose(): void {
    this.release();
  }
}
