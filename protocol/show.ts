import { z } from 'zod';
import { Id } from './ids';
import { Params, PieceState, ScreenConfig, Schedule, Wall } from './show-parts';
import { Cue } from './commands';
import { DmxState } from './dmx';

export * from './show-parts';

/** The whole show: what the store holds, the journal saves and GET /api/show/export returns. */
export const Show = z.object({
  format: z.literal('pavilion.show/1'),
  version: z.number().int().nonnegative(),
  walls: z.record(Id, Wall),
  screens: z.record(Id, ScreenConfig),
  blackout: z.boolean(),
  volume: z.number().min(0).max(1),
  presets: z.record(Id, z.record(Id, Params)),
  cues: z.array(Cue).max(500),
  /** Index of the last cue fired, -1 before the first. */
  cuePosition: z.number().int().min(-1),
  /** Index of the cue GO fires next. */
  cueStandby: z.number().int().min(0),
  schedule: Schedule,
  /** Uploaded pieces: owner and the version the next wall.play starts (no tokens: those stay in <data>/artists.json). */
  pieces: z.record(Id, PieceState).optional(),
  /** DMX outputs, held values, the blackout scene, walls' light maps (protocol/dmx.ts); absent: none. */
  dmx: DmxState.optional(),
});
export type Show = z.infer<typeof Show>;
