import { z } from 'zod';
import { Id } from './ids';
import { DisplayHealthSchema, DisplayPreloadedSchema, DisplayReadySchema, PieceErrorSchema, Thumbnail } from './payloads';
import type { DisplayView } from './views';
import type { VisitorWireFrame } from './visitors';
import type { ParamValues } from './manifest';
import type { Quality } from './show-parts';
import { LightsFrame } from './dmx';
import { XrDiag } from './xr';
import { OutputGrid, OutputSettings } from './output';

/*
 * The stage bridge: what a privileged page (/display, /preview) and the piece's sandbox (/stage,
 * served from the stage origin) say to each other over one MessageChannel (docs/security.md,
 * "The stage origin"). The stage runs uploaded code, so everything it sends is untrusted: the
 * page parses each message with `StageOutbound` once, as the server parses a socket payload.
 */

/** The greeting both sides use on window.postMessage before the channel exists. */
export const STAGE_HELLO = 'pavilion-stage-hello';
export const STAGE_PORT = 'pavilion-stage-port';

/** How a stage is started: as one screen of a wall, or as the preview's simulated screens. */
export type StageMode = 'screen' | 'preview';

/** A clock answer: the page's show time at its local time `at`, for the stage's ping `t0`. */
export interface StageClock {
  t0: number;
  /** The page's local epoch time (performance.timeOrigin + now) when it answered. */
  at: number;
  /** The page's show-clock offset (show − local) at `at`. */
  offsetMs: number;
  rttMs: number;
  uncertaintyMs: number;
  synced: boolean;
}

/** The preview's state, as the preview page drives its stage. */
export interface StagePreview {
  piece: { id: string; version: string; moduleUrl: string | null } | null;
  params: ParamValues;
  run: number;
  timing: { startedAt: number; pausedAt: number | null; heldMs: number };
  quality: Quality;
  span: boolean;
  sound: boolean;
}

/** Page → stage. Trusted (it comes from the privileged page); checked for shape only. */
export type StageInbound =
  | { t: 'start'; mode: StageMode; screenId: string | null }
  | { t: 'view'; view: DisplayView | null }
  | { t: 'visitors'; frame: VisitorWireFrame }
  | { t: 'visitors-reset' }
  | { t: 'thumbnails'; want: boolean }
  | { t: 'clock'; clock: StageClock }
  | { t: 'sound-unlock' }
  | { t: 'preview'; state: StagePreview }
  | { t: 'errors-clear' }
  /** Every connected screen of the wall is ready for run `key`: it switches at `at` (show time; `wall:go`). */
  | { t: 'go'; key: string; at: number }
  /** A VR station's session (docs/vr.md): recentre the viewer, or end the session. */
  | { t: 'xr'; action: 'recenter' | 'reset' };

export const StageInboundEnvelope = z.object({ t: z.string().max(32) }).passthrough();

const Finite = z.number().finite();

/** The stage's diagnostics, mirrored into window.__pavilion of the page (docs/display.md). */
export const StageDiag = z.object({
  installationId: Id.nullable(),
  framesRendered: z.number().int().nonnegative(),
  lastSwitch: z.object({ installationId: Id.nullable(), showTime: Finite }).nullable(),
  lastPreload: DisplayPreloadedSchema.nullable(),
  /** Errors, only when they changed since the last diag (null: unchanged). */
  errors: z.array(PieceErrorSchema.extend({ at: Finite, screen: z.string().max(64).optional() })).max(100).nullable(),
  visitors: z.number().int().nonnegative(),
  visitorInputs: z.array(z.object({ id: z.string().max(64), input: z.unknown() })).max(5000),
  memory: z.object({ geometries: z.number().int().nonnegative(), textures: z.number().int().nonnegative(), programs: z.number().int().nonnegative() }),
  failed: z.boolean(),
  ready: z.boolean(),
  screens: z.array(z.string().max(64)).max(16),
  /** The memory of each simulated screen (preview), by screen id. */
  screenMemory: z.record(z.string().max(64), z.object({ geometries: z.number(), textures: z.number(), programs: z.number() })).optional(),
  soundBlocked: z.boolean(),
  progress: z.object({ installationId: Id, progress: z.number().min(0).max(1) }).nullable(),
  /** The transition running or held by a pause (docs/display.md, "Transitions"), else null. */
  transition: z.object({ from: Id.nullable(), to: Id.nullable(), type: z.enum(['fade', 'crossfade']), progress: z.number().min(0).max(1) }).nullable().optional(),
  /** The last warm-up (module, mount, compile, silent sound) and how late its switch came after the start; `adopted`: the switch adopted a mounted run. */
  lastWarm: z.object({ installationId: Id, ms: Finite, cold: z.boolean(), lateMs: Finite.nullable(), adopted: z.literal(true).optional() }).nullable().optional(),
  /**
   * Animation frames the stage's own document was given since it loaded, of one asked a second
   * (client/stage/diag.ts): tells a render loop that stopped (frames given, none drawn) from a stage
   * process the browser gives no frames (several screens' stages in one busy process).
   */
  animationFrames: z.number().int().nonnegative().optional(),
  /**
   * How far behind the GPU is on the stage's screen context (ms): the age of a fence sent among its
   * draws, or the last one's time (client/host/fence-timer.ts). The watchdog takes a stage that goes
   * silent while this was high for one waiting on the GPU, not stuck (client/display/stall.ts).
   */
  gpuLagMs: z.number().int().nonnegative().max(86_400_000).optional(),
  /** Piece trees the stage has mounted since it loaded (a warm switch adds none). */
  pieceMounts: z.number().int().nonnegative().optional(),
  /** Pieces kept warm off-screen (id@version), and the cache's bounds. */
  warmCache: z.object({ pieces: z.array(z.string().max(80)).max(16), limit: z.object({ count: Finite, memory: Finite }) }).optional(),
  /** A VR station's session (docs/vr.md); absent on a flat screen. */
  xr: XrDiag.optional(),
  /** The screen's output stage (docs/projection.md): identity (nothing drawn), the test pattern shown, what could not be applied. */
  output: z.object({
    identity: z.boolean(), pattern: z.string().max(16).nullable(), problem: z.string().max(200).nullable(),
    /** The mesh warp and the mask it applies (absent: none), so that a panel test can see the screen follow a drag. */
    grid: OutputGrid.optional(), mask: OutputSettings.shape.mask,
  }).optional(),
});
export type StageDiag = z.infer<typeof StageDiag>;

/** Stage → page: untrusted, parsed once by the page. */
export const StageOutbound = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ping'), t0: Finite }),
  z.object({ t: z.literal('error'), report: PieceErrorSchema }),
  z.object({ t: z.literal('preloaded'), preloaded: DisplayPreloadedSchema }),
  /** The screen's next run is ready to switch (`display:ready`). */
  z.object({ t: z.literal('ready'), ready: DisplayReadySchema }),
  z.object({ t: z.literal('health'), health: DisplayHealthSchema }),
  z.object({ t: z.literal('thumbnail'), thumbnail: Thumbnail }),
  z.object({ t: z.literal('diag'), diag: StageDiag }),
  /** The piece's lights (useLights), sent by a screen that plays its wall's sound, at most LIGHTS_MAX_HZ. */
  z.object({ t: z.literal('lights'), lights: LightsFrame }),
]);
export type StageOutbound = z.infer<typeof StageOutbound>;
