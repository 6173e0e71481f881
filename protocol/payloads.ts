import { z } from 'zod';
import { Id } from './ids';

export const DisplayHello = z.object({ screenId: Id });

export const DisplayHealthSchema = z.object({
  installationId: Id.nullable(),
  fps: z.number().finite().min(0).max(1000),
  frameMsP95: z.number().finite().min(0).max(60000),
  framesRendered: z.number().int().nonnegative(),
  memory: z.object({
    geometries: z.number().int().nonnegative(),
    textures: z.number().int().nonnegative(),
    programs: z.number().int().nonnegative(),
  }),
  clock: z.object({
    offsetMs: z.number().finite(),
    rttMs: z.number().finite(),
    uncertaintyMs: z.number().finite(),
  }),
  heapMB: z.number().finite().optional(),
});
/** A screen's health report, sent every second. */
export type DisplayHealth = z.infer<typeof DisplayHealthSchema>;

/** A screen finished preloading a piece (its module, before the switch): sets the play lead. */
export const DisplayPreloadedSchema = z.object({
  installationId: Id,
  version: z.string().max(32).nullable(),
  ms: z.number().finite().min(0).max(600_000),
  /** True when this page had never loaded that module (a cold load, not the page's cache). */
  cold: z.boolean(),
});
export type DisplayPreloaded = z.infer<typeof DisplayPreloadedSchema>;

export const PieceErrorSchema = z.object({
  installationId: Id.nullable(),
  version: z.string().max(32).nullable(),
  phase: z.enum(['load', 'render', 'frame', 'audio', 'asset', 'context', 'app']),
  message: z.string().max(2000),
  stack: z.string().max(8000).optional(),
});
/** A piece's error as a screen reports it. */
export type PieceErrorReport = z.infer<typeof PieceErrorSchema>;
/** A piece's error as the server keeps it: the report and the show time it arrived. */
export type PieceError = PieceErrorReport & { at: number };

export const Thumbnail = z.object({
  dataUrl: z
    .string()
    .max(200_000)
    .regex(/^data:image\/(jpeg|webp|png);base64,[A-Za-z0-9+/=]+$/, 'must be an image data URL'),
});

export const ControlWatch = z.object({ thumbnails: z.boolean() });

export const ClockT0 = z.number().finite();
