/**
 * Calibration patterns for the output stage (corner-pin, mesh warp, edge blend), written as SVG so
 * they stay sharp at any output resolution. `npm run assets` writes them to assets/patterns/; what
 * each is for is in assets/patterns/README.md. Deterministic: the same code gives the same bytes.
 *
 * Every pattern is drawn on a 1920 × 1080 canvas (16:9) and stretched to the output it is shown
 * on (preserveAspectRatio="none"): its edges are the output's edges, whatever its aspect.
 */

export const W = 1920;
export const H = 1080;
/** Grid cell: 16 × 9 square cells on the 16:9 canvas. */
const CELL = 120;

const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

function svg(title: string, body: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" preserveAspectRatio="none">`,
    `  <title>${title}</title>`,
    ...body.map((l) => `  ${l}`),
    '</svg>',
    '',
  ].join('\n');
}

/** A rectangle filled by its group. */
const box = (x: number, y: number, w: number, h: number) => `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"/>`;
const rect = (x: number, y: number, w: number, h: number, fill: string) => box(x, y, w, h).replace('/>', ` fill="${fill}"/>`);
const line = (x1: number, y1: number, x2: number, y2: number) => `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}"/>`;
const circle = (cx: number, cy: number, r: number) => `<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}"/>`;
const text = (x: number, y: number, s: string, anchor = 'middle') => `<text x="${n(x)}" y="${n(y)}" text-anchor="${anchor}">${s}</text>`;

/** A crosshair of arm length `arm` at (x, y). */
const cross = (x: number, y: number, arm: number) => [line(x - arm, y, x + arm, y), line(x, y - arm, x, y + arm)];

/**
 * Alignment grid: white lines every 120 units (16 × 9 square cells), a 1-unit border on the very
 * edge, a crosshair and small circle on every grid crossing, a large circle of the output's full
 * height at the centre, circles in the four corner cells, and the centre lines in red and green.
 * Straight lines must stay straight and circles round after corner-pin and mesh warp.
 */
export function grid(): string {
  const body = [rect(0, 0, W, H, '#000'), '<g stroke="#fff" stroke-width="2" fill="none" shape-rendering="crispEdges">'];
  for (let x = CELL; x < W; x += CELL) body.push(`  ${line(x, 0, x, H)}`);
  for (let y = CELL; y < H; y += CELL) body.push(`  ${line(0, y, W, y)}`);
  body.push(`  <rect x="1" y="1" width="${W - 2}" height="${H - 2}"/>`, '</g>');
  body.push('<g stroke="#fff" stroke-width="2" fill="none">');
  for (let x = CELL; x < W; x += CELL) for (let y = CELL; y < H; y += CELL) body.push(`  ${circle(x, y, 12)}`);
  body.push(`  ${circle(W / 2, H / 2, H / 2 - 1)}`, `  ${circle(W / 2, H / 2, CELL)}`);
  for (const [x, y] of [[CELL / 2, CELL / 2], [W - CELL / 2, CELL / 2], [CELL / 2, H - CELL / 2], [W - CELL / 2, H - CELL / 2]] as const)
    body.push(`  ${circle(x, y, CELL / 2 - 8)}`, ...cross(x, y, CELL / 2 - 8).map((l) => `  ${l}`));
  body.push('</g>');
  body.push('<g stroke-width="4" shape-rendering="crispEdges">', `  <line x1="${W / 2}" y1="0" x2="${W / 2}" y2="${H}" stroke="#0f0"/>`, `  <line x1="0" y1="${H / 2}" x2="${W}" y2="${H / 2}" stroke="#f00"/>`, '</g>');
  body.push('<g font-family="sans-serif" font-size="28" fill="#fff">');
  for (let i = 1; i < W / CELL; i++) body.push(`  ${text(i * CELL, 36, String(i))}`);
  for (let j = 1; j < H / CELL; j++) body.push(`  ${text(16, j * CELL - 10, String.fromCharCode(64 + j), 'start')}`);
  body.push('</g>');
  return svg('Pavilion alignment grid: 16 × 9 cells, circles and crosshairs', body);
}

/** Checkerboard of 16 × 9 squares (top-left black), for mesh warp and camera-based calibration. */
export function checkerboard(): string {
  const body = [rect(0, 0, W, H, '#000'), '<g fill="#fff" shape-rendering="crispEdges">'];
  for (let j = 0; j < H / CELL; j++) for (let i = 0; i < W / CELL; i++) if ((i + j) % 2 === 1) body.push(`  ${box(i * CELL, j * CELL, CELL, CELL)}`);
  body.push('</g>');
  return svg('Pavilion checkerboard: 16 × 9 squares', body);
}

/**
 * Colour bars: the seven 75 % bars (white, yellow, cyan, green, magenta, red, blue) over the top
 * two thirds; below them full-intensity red, green, blue, white and black patches, then a strip
 * of near-black steps (0, 2, 4, 6, 8, 10 % grey) for the black level.
 */
export function colourBars(): string {
  const v = 'bf'; // 75 % of 255 = 191
  const bars = [`#${v}${v}${v}`, `#${v}${v}00`, `#00${v}${v}`, `#00${v}00`, `#${v}00${v}`, `#${v}0000`, `#0000${v}`];
  const top = Math.round((H * 2) / 3);
  const bw = W / bars.length;
  const body = [rect(0, 0, W, H, '#000'), '<g shape-rendering="crispEdges">'];
  bars.forEach((c, i) => body.push(`  ${rect(i * bw, 0, bw, top, c)}`));
  const full = ['#ff0000', '#00ff00', '#0000ff', '#ffffff', '#000000'];
  const mid = top + (H - top) / 2;
  full.forEach((c, i) => body.push(`  ${rect((i * W) / full.length, top, W / full.length, mid - top, c)}`));
  const steps = [0, 2, 4, 6, 8, 10];
  steps.forEach((p, i) => body.push(`  ${rect((i * W) / steps.length, mid, W / steps.length, H - mid, grey(p))}`));
  body.push('</g>');
  body.push('<g font-family="sans-serif" font-size="24" fill="#808080">');
  steps.forEach((p, i) => body.push(`  ${text(((i + 0.5) * W) / steps.length, H - 16, `${p} %`)}`));
  body.push('</g>');
  return svg('Pavilion colour bars: 75 % bars, full primaries, near-black steps', body);
}

/** The sRGB grey of `percent` % signal (0–100), as #rrggbb. */
export function grey(percent: number): string {
  const b = Math.round((percent / 100) * 255).toString(16).padStart(2, '0');
  return `#${b}${b}${b}`;
}

/**
 * Greyscale for blends and gamma: a smooth black-to-white ramp over the top half, then eleven
 * steps of 0, 10 … 100 % signal, then a 50 % field. Under a soft-edge blend, the overlap of two
 * projectors must show the ramp without a bright or dark band, and the steps stay distinct.
 */
export function greyRamp(): string {
  const half = H / 2;
  const step = W / 11;
  const body = [
    '<defs>',
    '  <linearGradient id="ramp" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/></linearGradient>',
    '</defs>',
    `<rect x="0" y="0" width="${W}" height="${half}" fill="url(#ramp)"/>`,
    '<g shape-rendering="crispEdges">',
  ];
  for (let i = 0; i <= 10; i++) body.push(`  ${rect(i * step, half, step, H / 4, grey(i * 10))}`);
  body.push(`  ${rect(0, half + H / 4, W, H / 4, grey(50))}`, '</g>');
  body.push('<g font-family="sans-serif" font-size="24">');
  for (let i = 0; i <= 10; i++) body.push(`  <text x="${n((i + 0.5) * step)}" y="${n(half + H / 4 - 16)}" text-anchor="middle" fill="${i < 5 ? '#fff' : '#000'}">${i * 10} %</text>`);
  body.push('</g>');
  return svg('Pavilion greyscale: smooth ramp, 11 steps, 50 % field', body);
}

/**
 * Focus: a 72-spoke Siemens star in the centre and in each corner, and groups of 1-, 2- and
 * 4-unit line pairs beside the centre star. Sharp focus shows the star's spokes meeting nearest
 * the centre and the finest lines separate.
 */
export function focus(): string {
  const star = (cx: number, cy: number, r: number) => {
    const spokes = 72;
    const parts: string[] = [];
    for (let k = 0; k < spokes; k += 2) {
      const a0 = (k / spokes) * 2 * Math.PI;
      const a1 = ((k + 1) / spokes) * 2 * Math.PI;
      parts.push(`M${n(cx)} ${n(cy)}L${n(cx + r * Math.cos(a0))} ${n(cy + r * Math.sin(a0))}L${n(cx + r * Math.cos(a1))} ${n(cy + r * Math.sin(a1))}Z`);
    }
    return `<path fill="#fff" d="${parts.join('')}"/>`;
  };
  const body = [rect(0, 0, W, H, '#000'), star(W / 2, H / 2, 300)];
  for (const [x, y] of [[150, 150], [W - 150, 150], [150, H - 150], [W - 150, H - 150]] as const) body.push(star(x, y, 120));
  body.push('<g fill="#fff" shape-rendering="crispEdges">');
  for (const [i, w] of [1, 2, 4].entries()) {
    const x0 = W / 2 + 400 + i * 130;
    const x1 = W / 2 - 400 - (i + 1) * 130 + 30;
    for (let k = 0; k < 100 / (2 * w); k++) {
      body.push(`  ${box(x0 + k * 2 * w, H / 2 - 100, w, 200)}`);
      body.push(`  ${box(x1, H / 2 - 50 + k * 2 * w, 100, w)}`);
    }
  }
  body.push('</g>');
  return svg('Pavilion focus: Siemens stars and line pairs', body);
}

/** Every pattern by file name (in assets/patterns/). */
export const PATTERNS: Record<string, () => string> = {
  'grid.svg': grid,
  'checkerboard.svg': checkerboard,
  'colour-bars.svg': colourBars,
  'grey-ramp.svg': greyRamp,
  'focus.svg': focus,
};
