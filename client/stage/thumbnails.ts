import { addAfterEffect } from '@react-three/fiber';
import type { StageBridge } from './bridge';

const EVERY_MS = 3000;
const WIDTH = 160;

/**
 * Another picture for the thumbnail than the page's canvas: a VR station in a session mirrors what
 * the viewer sees (client/xr/mirror.ts), which on a headset is not what its canvas shows.
 */
export interface ThumbnailSource {
  /** How often to take one. */
  everyMs: number;
  /** Draws the picture now (called right after a frame's render); resolves with a canvas to shrink, or null to skip this one. */
  take(): Promise<HTMLCanvasElement | null>;
}

/**
 * Live thumbnails for the control panel: while the page says someone watches ('thumbnails'
 * { want: true }, from the server's 'screen:thumbnails'), every ~3 s this captures a small JPEG of
 * the canvas right after a render (the drawing buffer is still valid then, even without
 * preserveDrawingBuffer) and hands it to the page, which sends it as 'display:thumbnail'. While
 * `other()` gives a source (a VR station presenting), the picture comes from it instead.
 */
export function startThumbnails(
  bridge: StageBridge,
  other: () => ThumbnailSource | null = () => null,
  canvas: () => HTMLCanvasElement | null = () => document.querySelector('canvas'),
): () => void {
  let want = false;
  let nextAt = 0;
  let taking = false;
  let scratch: HTMLCanvasElement | null = null;

  const send = (source: HTMLCanvasElement | null) => {
    if (!want || !source || !source.width || !source.height) return;
    try {
      scratch ??= document.createElement('canvas');
      scratch.width = WIDTH;
      scratch.height = Math.max(1, Math.round((WIDTH * source.height) / source.width));
      const ctx = scratch.getContext('2d');
      if (!ctx) return;
      ctx.drawImage(source, 0, 0, scratch.width, scratch.height);
      bridge.send({ t: 'thumbnail', thumbnail: { dataUrl: scratch.toDataURL('image/jpeg', 0.6) } });
    } catch {
      /* a lost context or a tainted canvas: skip this one, try again next time */
    }
  };

  const capture = () => {
    if (!want || taking || performance.now() < nextAt) return;
    const source = other();
    nextAt = performance.now() + (source?.everyMs ?? EVERY_MS);
    if (!source) return send(canvas());
    taking = true;
    source
      .take()
      .then(send, () => {})
      .finally(() => {
        taking = false;
      });
  };

  const offFrame = addAfterEffect(capture);
  const offWant = bridge.on('thumbnails', ({ want: w }) => {
    want = w;
    nextAt = 0;
  });
  return () => {
    offFrame();
    offWant();
  };
}
