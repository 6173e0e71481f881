/* A screen's output stage (docs/projection.md): corner-pin, mesh warp, soft-edge blend, colour, mask, test patterns. */
import { z } from 'zod';
import { Id } from './ids';

/** Test patterns a screen can show instead of its piece, drawn before the warp (so warps and blends are tuned on them). */
export const PATTERNS = ['grid', 'ids', 'white', 'black', 'bars', 'ramp', 'none'] as const;
export const Pattern = z.enum(PATTERNS, { error: `must be one of ${PATTERNS.join(', ')}` });
export type Pattern = z.infer<typeof Pattern>;

/** Normalized output coordinates go 0..1 (top-left origin); points may sit somewhat outside, never far. */
export const POINT_MIN = -1;
export const POINT_MAX = 2;
const coordRule = `must be a number from ${POINT_MIN} to ${POINT_MAX} (normalized output coordinates: 0..1 is the screen, top-left origin)`;
const Coord = z.number({ error: coordRule }).finite(coordRule).min(POINT_MIN, coordRule).max(POINT_MAX, coordRule);
/** A point [x, y] in normalized output coordinates. */
export const OutputPoint = z.tuple([Coord, Coord], { error: 'a point is [x, y]' });
export type OutputPoint = z.infer<typeof OutputPoint>;

/** The corner-pin: where the picture's corners land, in the order top-left, top-right, bottom-right, bottom-left. */
export const Corners = z.tuple([OutputPoint, OutputPoint, OutputPoint, OutputPoint], { error: 'corners are 4 points [x, y]: top-left, top-right, bottom-right, bottom-left' });
export type Corners = z.infer<typeof Corners>;
export const IDENTITY_CORNERS: Corners = [[0, 0], [1, 0], [1, 1], [0, 1]];

export const GRID_MAX = 17;
const gridSide = (what: string) => z.number().int(`${what} is a whole number`).min(2, `${what}: at least 2`).max(GRID_MAX, `${what}: at most ${GRID_MAX}`);
/**
 * The mesh warp, applied after the corner-pin: `cols`×`rows` control points, row by row from the
 * top-left, each where that point of the (corner-pinned) picture goes, in the picture's own 0..1
 * space (the identity: point (i, j) at [i/(cols−1), j/(rows−1)]). Interpolated with Catmull-Rom.
 */
export const OutputGrid = z
  .object({ cols: gridSide('cols'), rows: gridSide('rows'), points: z.array(OutputPoint).max(GRID_MAX * GRID_MAX, `at most ${GRID_MAX}×${GRID_MAX} points`) })
  .superRefine((g, ctx) => {
    if (g.points.length !== g.cols * g.rows)
      ctx.addIssue({ code: 'custom', path: ['points'], message: `a ${g.cols}×${g.rows} grid needs ${g.cols * g.rows} points (got ${g.points.length}), row by row from the top-left` });
  });
export type OutputGrid = z.infer<typeof OutputGrid>;

const Width = z.number().finite().min(0, 'a blend width is 0 or more (in the units of the screen\'s rect in the wall layout)');
export const BLEND_DEFAULTS = { gamma: 2.2, power: 2 } as const;
/**
 * Soft edges: the width of each side's ramp in the units of the screen's rect in the wall layout
 * (1920 wide for a 1920-wide screen); a side left out takes the overlap with its neighbours in the
 * layout. The ramp follows `b<0.5 ? a·(2b)^p : 1−(1−a)·(2(1−b))^p` (a = 0.5, p = power), raised to 1/gamma.
 */
export const OutputBlend = z.object({
  left: Width.optional(),
  right: Width.optional(),
  top: Width.optional(),
  bottom: Width.optional(),
  gamma: z.number().finite().min(0.5, 'gamma: from 0.5 to 4').max(4, 'gamma: from 0.5 to 4').optional(),
  power: z.number().finite().min(1, 'power: from 1 to 8').max(8, 'power: from 1 to 8').optional(),
});
export type OutputBlend = z.infer<typeof OutputBlend>;

const Level = (what: string, max: number) => z.number().finite().min(0, `${what}: from 0 to ${max}`).max(max, `${what}: from 0 to ${max}`);
export const MASK_MAX = 32;

/** A screen's output settings as the show keeps them; everything left out is the identity. */
export const OutputSettings = z.object({
  corners: Corners.optional(),
  grid: OutputGrid.optional(),
  blend: OutputBlend.optional(),
  /** Multiplies the picture (1: as it is). */
  brightness: Level('brightness', 2).optional(),
  /** Per-channel gain [r, g, b] (1: as it is). */
  gain: z.tuple([Level('gain', 2), Level('gain', 2), Level('gain', 2)], { error: 'gain is [r, g, b], each 0 to 2' }).optional(),
  /** Black-level lift outside the blend zones (0..0.5 of full scale), to match the double black of overlaps. */
  black: Level('black', 0.5).optional(),
  /** A polygon (normalized output coordinates) outside which the output is black. */
  mask: z.array(OutputPoint).min(3, 'a mask has at least 3 points').max(MASK_MAX, `a mask has at most ${MASK_MAX} points`).optional(),
});
export type OutputSettings = z.infer<typeof OutputSettings>;

/** The command fields: each left out keeps its value; null clears it (back to the identity for that part). */
export const OUTPUT_COMMANDS = [
  z.object({
    type: z.literal('screen.output'),
    screenId: Id,
    reset: z.literal(true).optional(),
    corners: Corners.nullable().optional(),
    grid: OutputGrid.nullable().optional(),
    blend: OutputBlend.nullable().optional(),
    brightness: OutputSettings.shape.brightness,
    gain: OutputSettings.shape.gain,
    black: OutputSettings.shape.black,
    mask: OutputSettings.shape.mask.unwrap().nullable().optional(),
  }),
  /** With neither id: every screen of the show. */
  z.object({ type: z.literal('screen.pattern'), screenId: Id.optional(), wallId: Id.optional(), pattern: Pattern }),
] as const;
