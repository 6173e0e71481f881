/* The show's building blocks: walls, screens, params and the schedule (commands.ts builds on them). */
import { z } from 'zod';
import { Id, ShowTime } from './ids';
import { ParamValueSchema } from './manifest';
import { ID_PATTERN, ID_RULE, QUALITY_LEVELS, TIME_OF_DAY_PATTERN, VERSION_PATTERN, VERSION_RULE } from './plain';
import { OutputSettings, Pattern } from './output';
import { ScreenKind } from './xr';

export const Rect = z.object({
  x: z.number().finite(),
  y: z.number().finite(),
  w: z.number().finite().positive(),
  h: z.number().finite().positive(),
});
export type Rect = z.infer<typeof Rect>;

export const Params = z.record(z.string(), ParamValueSchema);

export const Quality = z.enum(QUALITY_LEVELS);
export type Quality = z.infer<typeof Quality>;

/**
 * How a wall goes from one piece to the next (docs/display.md, "Transitions"): a cut; a fade
 * through black; or a crossfade that shows both pieces blended. Every screen computes the blend
 * from show time, from the new piece's start over `ms`.
 */
export const Transition = z.object({
  type: z.enum(['cut', 'fade', 'crossfade']),
  ms: z.number().int().min(0).max(60_000).default(0),
});
export type Transition = z.infer<typeof Transition>;

/** A screen's credential: random, URL-safe, long enough to be unguessable (server/screens/keys.ts). */
export const ScreenKey = z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'must be 32–128 characters of A-Z, a-z, 0-9, "-" and "_"');

export const ScreenConfig = z.object({
  id: Id,
  wallId: Id.nullable(),
  rect: Rect,
  blackout: z.boolean(),
  /** The screen's credential (`/display?screen=<id>&key=<key>`); absent: not paired, its page waits with a code. */
  key: ScreenKey.optional(),
  /** Its output stage (screen.output; docs/projection.md); absent: the identity. */
  output: OutputSettings.optional(),
  /** The test pattern it shows instead of its piece (screen.pattern); absent: none. */
  pattern: Pattern.exclude(['none']).optional(),
  /** A VR station (screen.kind; docs/vr.md); absent: a flat screen. */
  kind: ScreenKind.optional(),
});
export type ScreenConfig = z.infer<typeof ScreenConfig>;

export const Wall = z.object({
  id: Id,
  name: z.string().min(1).max(80),
  width: z.number().finite().positive(),
  height: z.number().finite().positive(),
  installationId: Id.nullable(),
  params: Params,
  /** Show time at which the current piece starts (its first frame). */
  startedAt: ShowTime,
  /** Show time at which the current params take effect. */
  paramsAt: ShowTime,
  /** Show time at which the wall froze, or null when running. */
  pausedAt: ShowTime.nullable(),
  /** Total milliseconds the wall spent paused since the piece started. */
  heldMs: z.number().finite().nonnegative(),
  /** Screens that play the wall's sound. Empty: the first screen of the wall. */
  audioScreens: z.array(Id),
  visitorCap: z.number().int().min(0).max(10000),
  visitorInput: z.boolean(),
  showQr: z.boolean(),
  /** Rendering quality on this wall's screens; 'auto' lets each screen pick from its GPU and size. Host-owned: pieces read it with useQuality(). */
  quality: Quality.default('auto'),
  /** How the wall's current piece came in (its wall.play's transition, or the wall's default then); absent: a cut. */
  transition: Transition.optional(),
  /** The transition a wall.play without one uses (wall.transition); absent: a cut. */
  defaultTransition: Transition.optional(),
  /**
   * The version of the uploaded piece the wall plays, fixed by its wall.play: a newer upload plays
   * from the next wall.play (or at once with piece.rollback's `live`). Null for a bundled piece or
   * nothing; absent in shows saved before versions were recorded (then: the piece's current one).
   */
  version: z.string().regex(VERSION_PATTERN, VERSION_RULE).nullable().optional(),
});
export type Wall = z.infer<typeof Wall>;

/** A piece's version: major.minor.patch. */
export const PieceVersion = z.string().regex(VERSION_PATTERN, VERSION_RULE);

/** An artist's name on this server: who owns piece ids (their token says who they are). */
export const ArtistName = z.string().regex(ID_PATTERN, ID_RULE);

/** What the show records of an uploaded piece (show.pieces[id]). */
export const PieceState = z.object({
  /** The artist who owns the id; only they (or a technician) upload new versions. Null: no artist, technicians only. */
  owner: ArtistName.nullable(),
  /** The version the next wall.play starts. */
  version: PieceVersion,
});
export type PieceState = z.infer<typeof PieceState>;

const TimeOfDay = z.string().regex(TIME_OF_DAY_PATTERN, 'must be HH:MM');

export const ScheduleEntry = z.object({
  time: TimeOfDay,
  cueId: Id,
});

/** A day's opening hours. */
export const DayHours = z.object({ opening: TimeOfDay, closing: TimeOfDay });
export type DayHours = z.infer<typeof DayHours>;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One dated exception (a holiday, a private event): other hours that day, or closed. */
export const ScheduleException = z.object({
  date: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be YYYY-MM-DD'),
  /** Null: closed all day (no opening, no timed cues, and the closing's blackout holds). */
  hours: DayHours.nullable(),
  /** Why, shown in the panel: "Christmas", "private event". */
  note: z.string().max(120).optional(),
});
export type ScheduleException = z.infer<typeof ScheduleException>;

export const Schedule = z.object({
  enabled: z.boolean(),
  timezone: z.string().min(1).max(64),
  /** The hours of every day without hours of its own in `days` or `exceptions`. */
  opening: TimeOfDay,
  closing: TimeOfDay,
  /** Hours per weekday; null: closed that weekday; absent: `opening`/`closing`. */
  days: z.partialRecord(z.enum(WEEKDAYS), DayHours.nullable()).optional(),
  /** Dated exceptions, which win over the weekday's hours. */
  exceptions: z.array(ScheduleException).max(400).optional(),
  /** Piece each wall plays when opening and nothing else is scheduled. */
  attract: z.record(Id, Id),
  entries: z.array(ScheduleEntry).max(200),
});
export type Schedule = z.infer<typeof Schedule>;
