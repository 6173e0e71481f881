import { addAfterEffect } from '@react-three/fiber';
import type { StageBridge } from './bridge';

const EVERY_MS = 3000;
const WIDTH = 160;

/**
 * Live thumbnails for the control panel: while the page says someone watches ('thumbnails'
 * { want: true }, from the server's 'screen:thumbnails'), every ~3 s this captures a small JPEG of
 * the canvas right after a render (the drawing buffer is still valid then, even without
 * preserveDrawingBuffer) and hands it to the page, which sends it as 'display:thumbnail'.
 */
export function startThumbnails(bridge: StageBridge, canvas: () => HTMLCanvasElement | null = () => document.querySelector('canvas')): () => void {
  let want = false;
  let nextAt = 0;
  let scratch: HTMLCanvasElement | null = null;

  const capture = () => {
    if (!want || performance.now() < nextAt) return;
    nextAt = performance.now() + EVERY_MS;
    const source = canvas();
    if (!source || !source.width || !source.height) return;
    try {
      scratch ??= document.createElement('canvas');
      scratch.width = WIDTH;
      scratch.height = Math.max(1, Math.round((WIDTH * source.height) / source.width));
      const ctx = scratch.getContext('2d');
      if (!ctx) return;
      ctx.drawImage(source, 0, 0, scratch.width, scratch.height);
      bridge.send({ t: 'thumbnail', thumbnail: { dataUrl: scratch.toDataURL('image/jpeg', 0.6) } });
    } catch {
      /* a lost context or a tainted canvas: skip this one, try again in 3 s */
    }
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
