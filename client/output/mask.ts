import type { Vec2 } from './homography';

/**
 * The mask (docs/projection.md, step 8) rasterised once, when it or the output's size changes, on a
 * 2D canvas of w×h: white inside the polygon (even-odd, as a polygon that crosses itself is read),
 * black outside, its edge antialiased by the canvas. The output pass reads one texel of it per pixel
 * instead of testing the polygon's edges per pixel.
 */
export function drawMask(ctx: CanvasRenderingContext2D, mask: ReadonlyArray<Vec2>, w: number, h: number): void {
  ctx.save();
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#ffffff';
  ctx.beginPath();
  mask.forEach(([x, y], i) => (i ? ctx.lineTo(x * w, y * h) : ctx.moveTo(x * w, y * h)));
  ctx.closePath();
  ctx.fill('evenodd');
  ctx.restore();
}
