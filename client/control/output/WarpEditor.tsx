import { useMemo, useRef, useState } from 'react';
import { GRID_MAX, IDENTITY_CORNERS, MASK_MAX, type CommandInput, type Corners, type OutputGrid, type Rect, type ScreenStatus } from '../../../protocol';
import { send } from '../link';
import { Section } from '../ui';
import type { Calibration } from './calibration';
import { FULL_MASK, clampPoint, insertMaskPoint, moveGridPoint, pinOf, resampleGrid, toOutput, toPicture, type Point } from './geometry';
import { OutputPad, type PadMode } from './OutputPad';

const KEYS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
const SIZES = Array.from({ length: GRID_MAX - 1 }, (_, i) => i + 2);
const MODES: Array<{ id: PadMode; label: string }> = [
  { id: 'corners', label: 'Corners' },
  { id: 'grid', label: 'Grid points' },
  { id: 'mask', label: 'Mask' },
];
const HELP: Record<PadMode, string> = {
  corners: 'Drag a corner (it reaches the projector as you drag, and is saved when you let go), or pick one and nudge it.',
  grid: 'Drag any grid point to bend the picture (curved walls, lens distortion); pick one and nudge it for the last pixel.',
  mask: 'Outside the orange outline the projector shows black. Drag a point; tap the picture to add one on the nearest edge.',
};

/**
 * The geometry of a screen's output in the calibration view (docs/projection.md): its corner-pin,
 * its mesh grid (a size from 2×2 to 17×17, every point draggable) and its mask polygon (points
 * added, moved, removed; cleared), all live on a picture of the output, with nudges (arrow keys,
 * or the buttons on a tablet), undo, reset and copy to another screen.
 */
export function WarpEditor({ screen, rect, cal, others }: { screen: ScreenStatus; rect: Rect; cal: Calibration; others: ScreenStatus[] }) {
  const { current, change, settle, remember } = cal;
  const [mode, setMode] = useState<PadMode>('corners');
  const [selected, setSelected] = useState<Record<PadMode, number>>({ corners: 0, grid: 0, mask: 0 });
  // The size chosen, for a grid the server keeps none of (it drops a grid that bends nothing).
  const [gridSize, setGridSize] = useState<{ cols: number; rows: number } | null>(() => (current.grid ? { cols: current.grid.cols, rows: current.grid.rows } : null));
  const [copyTo, setCopyTo] = useState<string>(others[0]?.id ?? '');
  const [step, setStep] = useState(1);
  const lastNudge = useRef(0);

  const corners: Corners = current.corners ?? IDENTITY_CORNERS;
  const pin = pinOf(corners);
  const idGrid = useMemo(() => (gridSize ? resampleGrid(null, gridSize.cols, gridSize.rows) : null), [gridSize]);
  const grid: OutputGrid | null = current.grid ?? idGrid;
  const mask = current.mask ?? null;
  const sel = selected[mode];
  const select = (m: PadMode, i: number) => setSelected((s) => ({ ...s, [m]: i }));

  /** Where the chosen handle of a mode is, in output coordinates. */
  const handleAt = (m: PadMode, i: number): Point | null => {
    const p = m === 'corners' ? corners[i] : m === 'grid' ? grid?.points[i] : mask?.[i];
    if (!p) return null;
    return m === 'grid' ? toOutput(pin, p) : [p[0], p[1]];
  };
  /** Moves handle `i` of the current mode to `p` (output coordinates), live. */
  const move = (i: number, p: Point) => {
    if (mode === 'corners') {
      const next = corners.map((c, k) => (k === i ? p : c)) as Corners;
      change({ corners: next }, { corners: next });
    } else if (mode === 'grid' && grid) {
      const next = moveGridPoint(grid, i, toPicture(pin, p));
      change({ grid: next }, { grid: next });
    } else if (mode === 'mask' && mask) {
      const next = mask.map((q, k) => (k === i ? p : q));
      change({ mask: next }, { mask: next });
    }
  };
  const nudge = (dx: number, dy: number, by: number) => {
    const at = handleAt(mode, sel);
    if (!at) return;
    if (performance.now() - lastNudge.current > 1000) remember(); // one undo step per run of nudges
    lastNudge.current = performance.now();
    // In the units of the screen's rect: about one projector pixel.
    move(sel, clampPoint(at[0] + (dx * by) / rect.w, at[1] + (dy * by) / rect.h));
    void settle();
  };
  const onKey = (e: React.KeyboardEvent) => {
    const d = KEYS[e.key];
    if (!d) return;
    e.preventDefault();
    nudge(d[0], d[1], e.shiftKey ? 10 : 1);
  };

  const setSize = (cols: number | null, rows: number | null) => {
    remember();
    if (cols === null || rows === null) {
      setGridSize(null);
      if (mode === 'grid') setMode('corners');
      change({}, { grid: null }, ['grid']);
    } else {
      const next = resampleGrid(grid, cols, rows); // the warp keeps its shape at the new size
      setGridSize({ cols, rows });
      setMode('grid');
      select('grid', 0);
      change({ grid: next }, { grid: next });
    }
    void settle();
  };
  const setMask = (next: Point[] | null, pick?: number) => {
    remember();
    if (next) change({ mask: next }, { mask: next });
    else change({}, { mask: null }, ['mask']);
    if (pick !== undefined) select('mask', pick);
    void settle();
  };
  const addMaskPoint = (p: Point) => {
    if (!mask || mask.length >= MASK_MAX) return;
    const next = insertMaskPoint(mask, p);
    setMask(next, next.findIndex((q) => q === p));
  };

  return (
    <Section
      title={<>Output of {screen.id} <span className="muted small">{rect.w}×{rect.h} in {screen.wallId ?? 'no wall'}</span></>}
      testId="output-calibrate"
      actions={<span className="muted small" data-testid="output-status" aria-live="polite">{cal.status}</span>}
    >
      <div className="row wrap" role="radiogroup" aria-label="What to drag">
        {MODES.map((m) => (
          <button key={m.id} type="button" role="radio" aria-checked={mode === m.id} className={mode === m.id ? 'active primary' : ''} data-testid={`output-mode-${m.id}`} onClick={() => setMode(m.id)}>
            {m.label}
          </button>
        ))}
        <span className="muted small">grid</span>
        <select aria-label="Grid columns" data-testid="grid-cols" value={grid ? String(grid.cols) : ''} onChange={(e) => (e.target.value ? setSize(Number(e.target.value), grid?.rows ?? Number(e.target.value)) : setSize(null, null))}>
          <option value="">off</option>
          {SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        <span aria-hidden="true">×</span>
        <select aria-label="Grid rows" data-testid="grid-rows" value={grid ? String(grid.rows) : ''} onChange={(e) => (e.target.value ? setSize(grid?.cols ?? Number(e.target.value), Number(e.target.value)) : setSize(null, null))}>
          <option value="">off</option>
          {SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </div>
      <div tabIndex={0} onKeyDown={onKey} aria-label="The picture of the output: drag the handles, or choose one and nudge it with the arrow keys (Shift: ten)" data-testid="output-pad" style={{ outline: 'none', margin: '8px 0' }}>
        <OutputPad
          rect={rect}
          corners={corners}
          grid={grid}
          mask={mask}
          mode={mode}
          selected={sel}
          onSelect={(i) => {
            select(mode, i);
            remember();
          }}
          onDrag={move}
          onRelease={() => void settle()}
          onAdd={mask ? addMaskPoint : undefined}
        />
      </div>
      <p className="muted small">
        {mode === 'grid' && !grid ? 'Choose a grid size (columns × rows, above) to get points to drag. ' : `${HELP[mode]} `}
        Arrow keys nudge the chosen point by one unit of the screen's rect (Shift: ×10).
      </p>
      {mode === 'mask' && (
        <div className="row wrap">
          {!mask ? (
            <button type="button" className="primary" data-testid="mask-start" onClick={() => setMask(FULL_MASK.map(([x, y]): Point => [x, y]), 0)}>Start a mask</button>
          ) : (
            <>
              <button type="button" data-testid="mask-remove" disabled={mask.length <= 3} onClick={() => setMask(mask.filter((_, k) => k !== sel).map(([x, y]): Point => [x, y]), Math.max(0, Math.min(sel, mask.length - 2)))}>
                Remove point {sel + 1}
              </button>
              <button type="button" className="danger" data-testid="mask-clear" onClick={() => setMask(null)}>Clear the mask</button>
              <span className="muted small">{mask.length} of {MASK_MAX} points</span>
            </>
          )}
        </div>
      )}
      <div className="row wrap" aria-label="Nudge the chosen point">
        <button type="button" aria-label="Nudge left" data-testid="output-nudge-left" onClick={() => nudge(-1, 0, step)}>←</button>
        <button type="button" aria-label="Nudge up" data-testid="output-nudge-up" onClick={() => nudge(0, -1, step)}>↑</button>
        <button type="button" aria-label="Nudge down" data-testid="output-nudge-down" onClick={() => nudge(0, 1, step)}>↓</button>
        <button type="button" aria-label="Nudge right" data-testid="output-nudge-right" onClick={() => nudge(1, 0, step)}>→</button>
        <button type="button" aria-pressed={step === 10} className={step === 10 ? 'active' : ''} onClick={() => setStep(step === 10 ? 1 : 10)}>
          step {step}
        </button>
      </div>
      <div className="row wrap">
        <button type="button" disabled={!cal.undoCount} data-testid="output-undo" onClick={cal.undo}>Undo</button>
        <button type="button" data-testid="output-reset" onClick={() => {
          remember();
          setGridSize(null);
          cal.setAll({});
        }}>
          Reset to identity
        </button>
        {others.length > 0 && (
          <>
            <select value={copyTo} onChange={(e) => setCopyTo(e.target.value)} aria-label="Copy to screen" data-testid="output-copy-to">
              {others.map((s) => <option key={s.id} value={s.id}>{s.id}</option>)}
            </select>
            <button type="button" data-testid="output-copy" disabled={!copyTo} onClick={() => void send({ type: 'screen.output', screenId: copyTo, reset: true, ...current } as CommandInput, `Copy output of ${screen.id} to ${copyTo}`)}>
              Copy to {copyTo}
            </button>
          </>
        )}
      </div>
    </Section>
  );
}
