import { useRef } from 'react';
import type { Corners, Rect } from '../../../protocol';
import { homographyFromCorners, mapPoint } from '../../output/homography';

const LABELS = ['TL', 'TR', 'BR', 'BL'];

/**
 * A picture of the screen's output (its rect's proportions): the screen's edge, the pinned picture
 * with a few of its grid lines, and its four corners as large handles to drag with a finger or a
 * mouse. Coordinates are normalized output coordinates (0..1, top-left origin).
 */
export function CornerPad({ rect, corners, selected, onSelect, onDrag, onRelease }: {
  rect: Rect;
  corners: Corners;
  selected: number;
  onSelect: (i: number) => void;
  onDrag: (i: number, p: [number, number]) => void;
  onRelease: () => void;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const dragging = useRef<number | null>(null);
  const W = rect.w, H = rect.h, m = Math.max(W, H) * 0.08;
  const r = Math.max(W, H) * 0.025;
  const toNorm = (e: React.PointerEvent): [number, number] | null => {
    const el = svg.current;
    const ctm = el?.getScreenCTM();
    if (!el || !ctm) return null;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    const clamp = (v: number) => Math.min(2, Math.max(-1, Math.round(v * 10000) / 10000));
    return [clamp(p.x / W), clamp(p.y / H)];
  };
  const h = homographyFromCorners(corners);
  const lines: string[] = [];
  if (h)
    for (let k = 1; k < 4; k++) {
      const t = k / 4;
      const [a, b] = [mapPoint(h, t, 0), mapPoint(h, t, 1)];
      const [c, d] = [mapPoint(h, 0, t), mapPoint(h, 1, t)];
      lines.push(`M${a[0] * W},${a[1] * H}L${b[0] * W},${b[1] * H}`, `M${c[0] * W},${c[1] * H}L${d[0] * W},${d[1] * H}`);
    }
  return (
    <svg
      ref={svg}
      className="corner-pad"
      data-testid="corner-pad"
      viewBox={`${-m} ${-m} ${W + 2 * m} ${H + 2 * m}`}
      style={{ width: '100%', maxWidth: 720, touchAction: 'none', background: '#111', borderRadius: 6, userSelect: 'none' }}
      onPointerMove={(e) => {
        if (dragging.current === null) return;
        const p = toNorm(e);
        if (p) onDrag(dragging.current, p);
      }}
      onPointerUp={() => {
        if (dragging.current === null) return;
        dragging.current = null;
        onRelease();
      }}
      onPointerCancel={() => {
        if (dragging.current === null) return;
        dragging.current = null;
        onRelease();
      }}
    >
      <rect x={0} y={0} width={W} height={H} fill="#000" stroke="#666" strokeWidth={r / 6} strokeDasharray={`${r / 2} ${r / 2}`} />
      <polygon points={corners.map(([x, y]) => `${x * W},${y * H}`).join(' ')} fill="rgba(120,170,255,0.18)" stroke="#8ab4ff" strokeWidth={r / 5} />
      <path d={lines.join('')} stroke="rgba(138,180,255,0.5)" strokeWidth={r / 10} fill="none" />
      {corners.map(([x, y], i) => (
        <g
          key={i}
          data-testid={`corner-${i}`}
          style={{ cursor: 'grab' }}
          onPointerDown={(e) => {
            (e.currentTarget.ownerSVGElement ?? e.currentTarget).setPointerCapture?.(e.pointerId);
            dragging.current = i;
            onSelect(i);
          }}
        >
          <circle cx={x * W} cy={y * H} r={r * 1.6} fill="transparent" />
          <circle cx={x * W} cy={y * H} r={r} fill={i === selected ? '#ffd24a' : '#8ab4ff'} stroke="#000" strokeWidth={r / 8} />
          <text x={x * W} y={y * H} fontSize={r} textAnchor="middle" dominantBaseline="central" fill="#000" pointerEvents="none">
            {LABELS[i]}
          </text>
        </g>
      ))}
    </svg>
  );
}
