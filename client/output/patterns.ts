import type { Pattern } from '../../protocol';

/** What the `ids` pattern names. */
export interface PatternInfo {
  screenId: string;
  wallId: string | null;
  rect: { x: number; y: number; w: number; h: number };
}

const EDGE = { left: '#ff3030', right: '#30ff30', top: '#3080ff', bottom: '#ffe030' };

/**
 * Draws a test pattern on a 2D canvas of the output's size (docs/projection.md, "Test patterns"). It is
 * drawn before the warp, as the picture would be, so that warps and blends are tuned on it.
 */
export function drawPattern(ctx: CanvasRenderingContext2D, pattern: Exclude<Pattern, 'none'>, w: number, h: number, info: PatternInfo): void {
  ctx.save();
  ctx.fillStyle = pattern === 'white' ? '#ffffff' : '#000000';
  ctx.fillRect(0, 0, w, h);
  const px = Math.max(1, Math.round(Math.min(w, h) / 270)); // a line width that stays visible on a large output
  if (pattern === 'grid') grid(ctx, w, h, px, info);
  else if (pattern === 'ids') ids(ctx, w, h, px, info);
  else if (pattern === 'bars') {
    const colours = ['#ffffff', '#ffff00', '#00ffff', '#00ff00', '#ff00ff', '#ff0000', '#0000ff', '#000000'];
    colours.forEach((c, i) => {
      ctx.fillStyle = c;
      ctx.fillRect(Math.round((i * w) / colours.length), 0, Math.ceil(w / colours.length) + 1, h);
    });
  } else if (pattern === 'ramp') {
    // Top: a smooth ramp from black to white; bottom: 17 steps, 0..255 in steps of 16 (255 last), to read the gamma.
    const g = ctx.createLinearGradient(0, 0, w, 0);
    g.addColorStop(0, '#000000');
    g.addColorStop(1, '#ffffff');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, w, Math.round(h / 2));
    const steps = 17;
    for (let i = 0; i < steps; i++) {
      const v = Math.min(255, i * 16);
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fillRect(Math.round((i * w) / steps), Math.round(h / 2), Math.ceil(w / steps) + 1, h - Math.round(h / 2));
    }
  }
  ctx.restore();
}

/** A grid of cells (one per 120 layout units, so screens of one wall share it), its centre, and each edge in its own colour. */
function grid(ctx: CanvasRenderingContext2D, w: number, h: number, px: number, info: PatternInfo): void {
  const cols = Math.max(2, Math.round(info.rect.w / 120));
  const rows = Math.max(2, Math.round(info.rect.h / 120));
  ctx.strokeStyle = '#b0b0b0';
  ctx.lineWidth = px;
  ctx.beginPath();
  for (let i = 1; i < cols; i++) {
    const x = Math.round((i * w) / cols) + 0.5;
    ctx.moveTo(x, 0);
    ctx.lineTo(x, h);
  }
  for (let j = 1; j < rows; j++) {
    const y = Math.round((j * h) / rows) + 0.5;
    ctx.moveTo(0, y);
    ctx.lineTo(w, y);
  }
  ctx.stroke();
  // The centre: a cross and a circle.
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 2 * px;
  ctx.beginPath();
  ctx.moveTo(w / 2, 0);
  ctx.lineTo(w / 2, h);
  ctx.moveTo(0, h / 2);
  ctx.lineTo(w, h / 2);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(w / 2, h / 2, Math.min(w, h) / 4, 0, Math.PI * 2);
  ctx.stroke();
  // The edges, each its own colour: which side is which, even upside down.
  const e = 3 * px;
  ctx.fillStyle = EDGE.left;
  ctx.fillRect(0, 0, e, h);
  ctx.fillStyle = EDGE.right;
  ctx.fillRect(w - e, 0, e, h);
  ctx.fillStyle = EDGE.top;
  ctx.fillRect(0, 0, w, e);
  ctx.fillStyle = EDGE.bottom;
  ctx.fillRect(0, h - e, w, e);
}

/** The screen's id, large, with its wall and its rectangle in the layout. */
function ids(ctx: CanvasRenderingContext2D, w: number, h: number, px: number, info: PatternInfo): void {
  ctx.fillStyle = '#202830';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 3 * px;
  ctx.strokeRect(1.5 * px, 1.5 * px, w - 3 * px, h - 3 * px);
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const big = Math.round(Math.min(h / 3, (w / Math.max(4, info.screenId.length)) * 1.6));
  ctx.font = `bold ${big}px sans-serif`;
  ctx.fillText(info.screenId, w / 2, h * 0.42);
  const r = info.rect;
  ctx.font = `${Math.round(big / 3.5)}px sans-serif`;
  ctx.fillText(`${info.wallId ?? 'no wall'} · x ${r.x} y ${r.y} · ${r.w}×${r.h}`, w / 2, h * 0.72);
}
