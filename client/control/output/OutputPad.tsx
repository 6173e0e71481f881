import { useRef } from 'react';
import type { Corners, OutputGrid, Rect } from '../../../protocol';
import { clampPoint, pinOf, toOutput, warpLines, type Point } from './geometry';

export type PadMode = 'corners' | 'grid' | 'mask';

const CORNER_LABELS = ['TL', 'TR', 'BR', 'BL'];

/**
 * A picture of the screen's output (its rect's proportions): the screen's edge, the pinned and
 * warped picture with its grid lines, the mask, and the handles of the part being edited (the four
 * corners, the grid's points or the mask's points) as large targets to drag with a finger or a
 * mouse (pointer events; the pad captures the pointer, so a drag may leave it). In mask mode a tap
 * on the picture adds a point. Coordinates are normalized output coordinates (0..1, top-left
 * origin); `onDrag` gets output coordinates for every mode (the view maps grid points back into the
 * picture's space).
 */
export function OutputPad({ rect, corners, grid, mask, mode, selected, onSelect, onDrag, onRelease, onAdd }: {
  rect: Rect;
  corners: Corners;
  grid: OutputGrid | null;
  mask: ReadonlyArray<readonly [number, number]> | null;
  mode: PadMode;
  selected: number;
  onSelect: (i: number) => void;
  onDrag: (i: number, p: Point) => void;
  onRelease: () => void;
  /** Mask mode: a tap on the picture away from the handles. */
  onAdd?: (p: Point) => void;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const dragging = useRef<number | null>(null);
  const W = rect.w, H = rect.h, m = Math.max(W, H) * 0.08;
  const base = Math.max(W, H) * 0.025;
  const pin = pinOf(corners);
  const toNorm = (e: React.PointerEvent): Point | null => {
    const ctm = svg.current?.getScreenCTM();
    if (!ctm) return null;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    return clampPoint(p.x / W, p.y / H, true);
  };
  const end = () => {
    if (dragging.current === null) return;
    dragging.current = null;
    onRelease();
  };

  // The handles of the part being edited, in output coordinates, and their size: a dense grid gets
  // smaller dots, but its touch targets still reach half-way to the next point.
  let handles: Array<{ p: Point; label: string; testId: string }>;
  let r = base;
  let hit = base * 1.6;
  if (mode === 'grid' && grid) {
    handles = grid.points.map((q, i) => ({ p: toOutput(pin, q), label: '', testId: `grid-point-${i}` }));
    const spacing = Math.min(W / (grid.cols - 1), H / (grid.rows - 1));
    r = Math.min(base * 0.8, spacing * 0.22);
    hit = Math.max(r * 1.4, Math.min(base * 1.6, spacing * 0.5));
  } else if (mode === 'mask' && mask) {
    handles = mask.map(([x, y], i) => ({ p: [x, y] as Point, label: String(i + 1), testId: `mask-point-${i}` }));
    r = base * 0.8;
  } else if (mode === 'corners') {
    handles = corners.map(([x, y], i) => ({ p: [x, y] as Point, label: CORNER_LABELS[i]!, testId: `corner-${i}` }));
  } else handles = [];

  const maskPath = mask && mask.length >= 3 ? `M${-m},${-m}H${W + m}V${H + m}H${-m}Z M${mask.map(([x, y]) => `${x * W},${y * H}`).join('L')}Z` : null;
  return (
    <svg
      ref={svg}
      className={`corner-pad output-pad mode-${mode}`}
      data-testid="corner-pad"
      viewBox={`${-m} ${-m} ${W + 2 * m} ${H + 2 * m}`}
      style={{ width: '100%', maxWidth: 720, touchAction: 'none', background: '#111', borderRadius: 6, userSelect: 'none', display: 'block' }}
      onPointerDown={(e) => {
        if (mode !== 'mask' || !onAdd || e.button > 0) return;
        const p = toNorm(e);
        if (p) onAdd(p);
      }}
      onPointerMove={(e) => {
        if (dragging.current === null) return;
        const p = toNorm(e);
        if (p) onDrag(dragging.current, p);
      }}
      onPointerUp={end}
      onPointerCancel={end}
      onLostPointerCapture={end}
    >
      <rect x={0} y={0} width={W} height={H} fill="#000" stroke="#666" strokeWidth={base / 6} strokeDasharray={`${base / 2} ${base / 2}`} />
      <polygon points={corners.map(([x, y]) => `${x * W},${y * H}`).join(' ')} fill="rgba(120,170,255,0.18)" stroke="#8ab4ff" strokeWidth={base / 5} />
      <path d={warpLines(pin, grid, W, H)} stroke={grid ? 'rgba(138,180,255,0.75)' : 'rgba(138,180,255,0.5)'} strokeWidth={base / 10} fill="none" />
      {maskPath && (
        <path d={maskPath} fillRule="evenodd" fill="rgba(0,0,0,0.55)" stroke="#ff9f43" strokeWidth={base / 6} data-testid="mask-outline" pointerEvents="none" />
      )}
      {handles.map(({ p: [x, y], label, testId }, i) => (
        <g
          key={`${mode}-${i}`}
          data-testid={testId}
          className="pad-handle"
          style={{ cursor: 'grab' }}
          onPointerDown={(e) => {
            e.stopPropagation(); // not a tap on the picture (mask mode adds a point there)
            (e.currentTarget.ownerSVGElement ?? e.currentTarget).setPointerCapture?.(e.pointerId);
            dragging.current = i;
            onSelect(i);
          }}
        >
          <circle cx={x * W} cy={y * H} r={hit} fill="transparent" />
          <circle cx={x * W} cy={y * H} r={r} fill={i === selected ? '#ffd24a' : mode === 'mask' ? '#ff9f43' : '#8ab4ff'} stroke="#000" strokeWidth={r / 8} />
          {label && (
            <text x={x * W} y={y * H} fontSize={r} textAnchor="middle" dominantBaseline="central" fill="#000" pointerEvents="none">
              {label}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
