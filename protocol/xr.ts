import { z } from 'zod';
import { Id } from './ids';

/*
 * VR stations (docs/vr.md): a screen of kind `vr` is a WebXR headset's browser, playing its wall's
 * piece around the viewer (or, for a piece that is not VR-capable, on a large curved screen in
 * the headset), on the same show clock as the flat screens.
 */

/** What a screen is: a flat display or projector (the default, absent in the show), or a VR station. */
export const SCREEN_KINDS = ['flat', 'vr'] as const;
export const ScreenKind = z.enum(SCREEN_KINDS);
export type ScreenKind = z.infer<typeof ScreenKind>;

/** The immersive session a station runs: WebXR's mode, null while idle. */
export const XrMode = z.enum(['immersive-vr']);
export type XrMode = z.infer<typeof XrMode>;

const Finite = z.number().finite();
const Vec3 = z.tuple([Finite, Finite, Finite]);

const Quality = z.enum(['low', 'medium', 'high']);

/** A station's adaptive quality in a session, as its health reports it (the panel's card): its level, framebuffer scale and piece quality. */
export const XrLevel = z.object({
  level: z.number().int().nonnegative(),
  levels: z.number().int().positive(),
  scale: Finite,
  piece: Quality,
});
export type XrLevel = z.infer<typeof XrLevel>;

/** A station's session as its health reports it (GET /api/show: `screens[].xr`); `quality` while presenting. */
export const XrState = z.object({
  presenting: z.boolean(),
  mode: XrMode.nullable(),
  quality: XrLevel.optional(),
});
export type XrState = z.infer<typeof XrState>;

/** A station's adaptive quality now (docs/vr.md, "Keeping the headset's rate"). */
export const XrQuality = z.object({
  /** The ladder's level, 0 the best, `levels - 1` the lowest. */
  level: z.number().int().nonnegative(),
  levels: z.number().int().positive(),
  /** The framebuffer's scale at this level (of the headset's recommended size), and the scale of the session's framebuffer now. */
  scale: Finite,
  framebufferScale: Finite.nullable(),
  /** The session's framebuffer in pixels now (both eyes), null while idle. */
  framebuffer: z.tuple([z.number().int(), z.number().int()]).nullable(),
  /** The quality the piece renders at in the session (useQuality): the wall's, capped by the level. */
  piece: Quality,
  /** XR frames a second over the last window judged, and the rate they are judged against (the session's nominal rate). */
  fps: Finite.nullable(),
  target: Finite.nullable(),
  /** Level changes so far (down and up). */
  changes: z.number().int().nonnegative(),
});
export type XrQuality = z.infer<typeof XrQuality>;

/**
 * A station's XR diagnostics, from its stage (protocol/stage.ts StageDiag.xr), mirrored into
 * window.__pavilion.xr on the screen page (docs/vr.md).
 */
export const XrDiag = XrState.extend({
  /** Whether the browser can run immersive-vr here: 'yes', 'unknown' before it answered, else what is missing. */
  support: z.string().max(300),
  /** Whether the session is emulated (iwer, `?xr=emulate`). */
  emulated: z.boolean(),
  /** XR frames drawn in sessions since the stage started. */
  frames: z.number().int().nonnegative(),
  /** Thumbnails of what the viewer sees made for the panel (a mono view of the session, every 2 s while the panel watches). */
  mirrors: z.number().int().nonnegative(),
  /** Show time of the last XR frame (its own timestamp through the stage clock), null before one. */
  frameShowTime: Finite.nullable(),
  /** How the piece on the station is drawn in the session: around the viewer, or on the curved screen. */
  view: z.enum(['immersive', 'curved-screen']).nullable(),
  /** The last piece switch seen on an XR frame: its show time, and the show time of the XR frame before it. */
  lastXrSwitch: z.object({ installationId: Id.nullable(), showTime: Finite, previousFrameShowTime: Finite.nullable() }).nullable(),
  /** The viewer's head position (local-floor, metres) as pieces read it, null while idle. */
  viewer: Vec3.nullable(),
  /** The controllers as pieces read them (useControllers). */
  controllers: z.array(z.object({ handedness: z.enum(['left', 'right', 'none']), position: Vec3, select: z.boolean() })).max(4),
  /** Whether the piece on the station has read the controllers (useControllers) while presenting. */
  controllersRead: z.boolean(),
  /** The last session error (a refused requestSession), for the technician. */
  error: z.string().max(300).nullable(),
  /** The station's adaptive quality (client/xr/adaptive.ts): the level of its ladder (0 the best), its framebuffer scale and piece quality, the frames' rate against the session's. */
  quality: XrQuality.optional(),
});
export type XrDiag = z.infer<typeof XrDiag>;

/** What a technician can do to a station's session from the panel: face the viewer forward where they stand, or end the session (the next viewer starts afresh). */
export const XrAction = z.enum(['recenter', 'reset']);
export type XrAction = z.infer<typeof XrAction>;

/** Commands for VR stations (docs/api.md): never in cues. */
export const XR_COMMANDS = [
  // Makes a screen a VR station (or a flat screen again). Its page follows at once.
  z.object({ type: z.literal('screen.kind'), screenId: Id, kind: ScreenKind }),
  // Acts on a station's session now (nothing in the show changes).
  z.object({ type: z.literal('screen.xr'), screenId: Id, action: XrAction }),
] as const;
