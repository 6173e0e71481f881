import type { DisplayView, OutputSettings, Pattern } from '../../protocol';
import { overlapBlend, type Edges } from './blend';
import { homographyFromCorners, IDENTITY, isIdentityQuad, type Mat3, type Quad, type Vec2 } from './homography';
import { isIdentityGrid, type Grid } from './mesh';

export const DEFAULT_GAMMA = 2.2;
export const DEFAULT_POWER = 2;

/** A screen's output stage, ready to draw: everything in normalized units. */
export interface ResolvedOutput {
  /** Nothing to do: no pass, no render target. */
  identity: boolean;
  /** The test pattern drawn instead of the picture, before the warp; null: the picture. */
  pattern: Exclude<Pattern, 'none'> | null;
  /** The corner-pin (picture 0..1 → output 0..1, top-left origin). */
  matrix: Mat3;
  corners: Quad;
  /** The mesh warp after it, or null. */
  grid: Grid | null;
  /** Blend widths as fractions of the picture (0..0.5 each). */
  edges: Edges;
  gamma: number;
  power: number;
  brightness: number;
  gain: [number, number, number];
  black: number;
  /** The polygon outside which the output is black (output coordinates), or null. */
  mask: Vec2[] | null;
  /** What could not be applied (e.g. crossed corners), for the diagnostics; null when all is well. */
  problem: string | null;
}

const clampEdge = (x: number) => Math.min(Math.max(x, 0), 0.5);

/** The output stage a screen's view asks for (its settings, else the identity; blends default to the layout's overlaps). */
export function resolveOutput(view: DisplayView | null): ResolvedOutput {
  const screen = view?.screen;
  const o: OutputSettings = screen?.output ?? {};
  const rect = screen?.rect ?? { x: 0, y: 0, w: 1, h: 1 };
  let problem: string | null = null;
  const corners: Quad = o.corners ?? [[0, 0], [1, 0], [1, 1], [0, 1]];
  let matrix = homographyFromCorners(corners);
  if (!matrix) {
    problem = 'the corners are crossed or in a line: the corner-pin is ignored until they form a quad';
    matrix = IDENTITY;
  }
  const others = (view?.wall?.screens ?? []).filter((s) => s.id !== screen?.id).map((s) => s.rect);
  const overlap = overlapBlend(rect, others);
  const b = o.blend ?? {};
  const edges: Edges = {
    left: clampEdge((b.left ?? overlap.left) / rect.w),
    right: clampEdge((b.right ?? overlap.right) / rect.w),
    top: clampEdge((b.top ?? overlap.top) / rect.h),
    bottom: clampEdge((b.bottom ?? overlap.bottom) / rect.h),
  };
  const grid = o.grid && !isIdentityGrid(o.grid) ? o.grid : null;
  const brightness = o.brightness ?? 1;
  const gain: [number, number, number] = o.gain ? [o.gain[0], o.gain[1], o.gain[2]] : [1, 1, 1];
  const black = o.black ?? 0;
  const mask = o.mask && o.mask.length >= 3 ? o.mask.map((p) => [p[0], p[1]] as Vec2) : null;
  const pattern = screen?.pattern && screen.pattern !== 'none' ? screen.pattern : null;
  const identity =
    pattern === null && (problem !== null || isIdentityQuad(corners)) && !grid && !edges.left && !edges.right && !edges.top && !edges.bottom &&
    brightness === 1 && gain.every((g) => g === 1) && black === 0 && !mask;
  return { identity, pattern, matrix, corners, grid, edges, gamma: b.gamma ?? DEFAULT_GAMMA, power: b.power ?? DEFAULT_POWER, brightness, gain, black, mask, problem };
}
