import { addAfterEffect } from '@react-three/fiber';
import type { DisplaySocket } from './session';

const EVERY_MS = 3000;
const WIDTH = 160;

/**
 * Live thumbnails for the control panel: while the server asks for them ('screen:thumbnails'
 * { want: true }, i.e. someone watches the Screens view), every ~3 s this captures a small JPEG of
 * the canvas right after a render (the drawing buffer is still valid then, even without
 * preserveDrawingBuffer) and sends it as 'display:thumbnail'. Stops on { want: false } and on
 * disconnect (the server says again after a reconnect if it still wants them).
 */
export function startThumbnails(socket: DisplaySocket, canvas: () => HTMLCanvasElement | null = () => document.querySelector('canvas')): () => void {
  let want = false;
  let nextAt = 0;
  let scratch: HTMLCanvasElement | null = null;

  const capture = () => {
    if (!want || !socket.connected || performance.now() < nextAt) return;
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
      socket.emit('display:thumbnail', { dataUrl: scratch.toDataURL('image/jpeg', 0.6) });
    } catch {
      /* a lost context or a tainted canvas: skip this one, try again in 3 s */
    }
  };

  const offFrame = addAfterEffect(capture);
  const onWant = ({ want: w }: { want: boolean }) => {
    want = w;
    nextAt = 0;
  };
  const onDisconnect = () => void (want = false);
  socket.on('screen:thumbnails', onWant);
  socket.on('disconnect', onDisconnect);
  return () => {
    offFrame();
    socket.off('screen:thumbnails', onWant);
    socket.off('disconnect', onDisconnect);
  };
}
