import type { DisplayView, StageDiag } from '../../protocol';
import { resolveOutput } from './resolve';

/**
 * What window.__pavilion.output says of a screen's output stage: the identity (nothing drawn), the
 * pattern shown, a problem, and the mesh warp and mask it applies (left out when none).
 */
export function outputDiag(view: DisplayView | null): NonNullable<StageDiag['output']> {
  const r = resolveOutput(view);
  return {
    identity: r.identity,
    pattern: r.pattern,
    problem: r.problem,
    ...(r.grid ? { grid: { cols: r.grid.cols, rows: r.grid.rows, points: r.grid.points.map(([x, y]) => [x, y] as [number, number]) } } : {}),
    ...(r.mask ? { mask: r.mask.map(([x, y]) => [x, y] as [number, number]) } : {}),
  };
}
