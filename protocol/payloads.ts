import { z } from 'zod';
import { Id } from './ids';
import { XrState } from './xr';

/** The short code a screen page waiting to be paired shows (no 0/O, 1/I): 6 of 32 characters. */
export const PAIRING_CODE_PATTERN = /^[A-HJ-NP-Z2-9]{6}$/;
export const PairingCode = z.string().regex(PAIRING_CODE_PATTERN, 'must be the 6-character code the screen shows, e.g. K7M4QX');

export const DisplayHello = z.object({
  screenId: Id,
  /** The screen's credential (from `?key=` or the page's storage); without the right one the page waits to be paired. */
  key: z.string().max(128).optional(),
  /** A waiting page's claim on its code across reconnects (from 'display:pairing'). */
  claim: z.string().max(64).optional(),
});

/** What a page waiting to be paired shows, and its claim to keep the code over a reconnect. */
export interface DisplayPairing {
  code: string;
  claim: string;
  /** Show time when the code expires (the page then gets a new one). */
  expiresAt: number;
}

/** The credential of an approved page: it stores it and says hello with it. */
export interface DisplayPaired {
  screenId: string;
  key: string;
}

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
    /** The way the page's clock pings go: the server's clock responder, or socket.io (its fallback). */
    path: z.enum(['responder', 'socketio']).optional(),
  }),
  heapMB: z.number().finite().optional(),
  /** A VR station's session (docs/vr.md); absent on a flat screen. */
  xr: XrState.optional(),
  /**
   * The pieces (id@version) the screen holds mounted and warm for its wall (kept in its warm cache,
   * warmed ahead of a cue, or on screen): a play of one is adopted, not mounted, and the server
   * sizes its lead on the screen's adoption time (server/screens/preload-times.ts).
   */
  warm: z.array(z.string().min(1).max(120)).max(32).optional(),
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
  /** True when the run was adopted: a run of the piece the screen held warm, re-keyed, nothing mounted. */
  adopted: z.boolean().optional(),
});
export type DisplayPreloaded = z.infer<typeof DisplayPreloadedSchema>;

/**
 * A screen has the run `key` ready to switch (docs/display.md, "A wall switches as one"): built and
 * warm off-screen, or failed to load (its fallback is ready). The server tells the wall's screens to
 * switch (`wall:go`) once every connected screen of the wall is ready for the same run.
 */
export const DisplayReadySchema = z.object({
  /** The run's key, as the screen derives it from its view (client/host/program.ts targetOf). */
  key: z.string().min(1).max(200),
  /** The run's start (show time), from the same view. */
  startedAt: z.number().finite(),
});
export type DisplayReady = z.infer<typeof DisplayReadySchema>;

/** Every connected screen of the wall is ready for run `key`: switch to it on the first frame at or after `at` (show time). */
export interface WallGo {
  key: string;
  at: number;
}

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
