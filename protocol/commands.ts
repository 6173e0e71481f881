import { z } from 'zod';
import { Id, ShowTime } from './ids';
import { ArtistName, Params, PieceVersion, Quality, Rect, Schedule, ScreenKey, Transition } from './show-parts';
import { PairingCode } from './payloads';
import { DMX_COMMANDS } from './dmx';
import { OUTPUT_COMMANDS } from './output';
import { XR_COMMANDS } from './xr';

const wallId = { wallId: Id };
const at = { at: ShowTime.optional() };

/** The commands a cue may run: every command but the cue.* ones (a cue cannot run other cues). */
const CUEABLE = [
  z.object({ type: z.literal('wall.play'), ...wallId, installationId: Id, params: Params.optional(), preset: Id.optional(), transition: Transition.optional(), ...at }),
  z.object({ type: z.literal('wall.params'), ...wallId, params: Params, ...at }),
  z.object({ type: z.literal('wall.stop'), ...wallId, ...at }),
  z.object({ type: z.literal('wall.pause'), ...wallId, ...at }),
  z.object({ type: z.literal('wall.resume'), ...wallId }),
  z.object({
    type: z.literal('wall.create'),
    ...wallId,
    name: z.string().min(1).max(80),
    width: z.number().finite().positive().default(1920),
    height: z.number().finite().positive().default(1080),
  }),
  z.object({ type: z.literal('wall.rename'), ...wallId, name: z.string().min(1).max(80) }),
  z.object({ type: z.literal('wall.delete'), ...wallId }),
  z.object({
    type: z.literal('wall.layout'),
    ...wallId,
    width: z.number().finite().positive(),
    height: z.number().finite().positive(),
    screens: z.array(z.object({ screenId: Id, rect: Rect })).max(64),
  }),
  z.object({ type: z.literal('wall.audio'), ...wallId, screenIds: z.array(Id).max(16) }),
  z.object({
    type: z.literal('wall.visitors'),
    ...wallId,
    cap: z.number().int().min(0).max(10000).optional(),
    input: z.boolean().optional(),
    showQr: z.boolean().optional(),
  }),
  z.object({ type: z.literal('wall.quality'), ...wallId, quality: Quality }),
  // The transition a wall.play without one uses (docs/display.md, "Transitions").
  z.object({ type: z.literal('wall.transition'), ...wallId, transition: Transition }),
  z.object({ type: z.literal('screen.assign'), screenId: Id, wallId: Id.nullable(), rect: Rect.optional() }),
  z.object({ type: z.literal('screen.forget'), screenId: Id }),
  z.object({ type: z.literal('screen.identify'), screenId: Id }),
  z.object({ type: z.literal('screen.reload'), screenId: Id }),
  z.object({ type: z.literal('screen.blackout'), screenId: Id, on: z.boolean() }),
  z.object({ type: z.literal('show.blackout'), on: z.boolean() }),
  z.object({ type: z.literal('show.volume'), volume: z.number().min(0).max(1) }),
  z.object({ type: z.literal('preset.save'), installationId: Id, name: Id, params: Params }),
  z.object({ type: z.literal('preset.delete'), installationId: Id, name: Id }),
  z.object({ type: z.literal('schedule.set'), schedule: Schedule }),
  z.object({ type: z.literal('visitor.kick'), visitorId: z.string().min(8).max(64) }),
  // Makes a kept version of an uploaded piece the one wall.play starts; `live` (default): walls playing it switch now.
  z.object({ type: z.literal('piece.rollback'), pieceId: Id, version: PieceVersion, live: z.boolean().default(true) }),
  // DMX outputs, channels, the blackout scene and walls' light maps (protocol/dmx.ts).
  ...DMX_COMMANDS,
  // A screen's output stage and test patterns (protocol/output.ts, docs/projection.md).
  ...OUTPUT_COMMANDS,
] as const;

/** One command of a cue, parsed once at the edge (a command, a cue save, an import, a loaded show). */
export const CueCommand = z.discriminatedUnion('type', [...CUEABLE], {
  error: (issue) => {
    const type = typeof issue.input === 'object' && issue.input !== null ? (issue.input as { type?: unknown }).type : undefined;
    return typeof type === 'string' && type.startsWith('cue.') ? `a cue cannot run other cues ('${type.slice(0, 40)}')` : undefined;
  },
});
export type CueCommand = z.infer<typeof CueCommand>;
export type CueCommandInput = z.input<typeof CueCommand>;
export const CueCommandList = z.array(CueCommand).max(32);

/**
 * What happens after a cue fires (QLab's vocabulary; docs/operations.md, "Cues"): nothing; the next
 * cue GOes after this cue's post-wait (auto-continue); or the next cue GOes when this cue's action
 * has ended: its slowest wall.play transition, or its post-wait if that is later (auto-follow).
 */
export const CueContinue = z.enum(['none', 'auto-continue', 'auto-follow']);
export type CueContinue = z.infer<typeof CueContinue>;
const WaitMs = z.number().int().min(0).max(3_600_000);
/** A cue's show-control settings, all optional so that shows saved before them load (defaults 0, 0, 'none', ''). */
const CUE_SETTINGS = {
  /** A number or label the operator reads, e.g. "12" or "1.5" (QLab's cue number); the list's position when absent. */
  number: z.string().max(16).optional(),
  /** Milliseconds between GO and the cue's commands firing. */
  preWaitMs: WaitMs.optional(),
  /** Milliseconds between the cue's commands firing and an auto-continue. */
  postWaitMs: WaitMs.optional(),
  continue: CueContinue.optional(),
  notes: z.string().max(2000).optional(),
};

export const Cue = z.object({
  id: Id,
  name: z.string().min(1).max(80),
  /** Commands (same language as POST /api/commands, but no cue.*) run together when the cue fires. */
  commands: CueCommandList,
  ...CUE_SETTINGS,
});
export type Cue = z.infer<typeof Cue>;
export type CueInput = z.input<typeof Cue>;

/**
 * What the ack of an applied command may add (docs/display.md, "An `at` too soon"): a wall.play
 * whose explicit `at` is too soon for some screens to warm the piece up is still applied, and says
 * which screens will switch late and by about how much (ms), from their reported warm-up times.
 */
export interface PlayNotes {
  late?: Array<{ screenId: string; byMs: number }>;
  warning?: string;
}

/** Every way to change the show. The control socket, REST, OSC, cues and the schedule all speak this. */
export const Command = z.discriminatedUnion('type', [
  ...CUEABLE,
  // cue.save replaces the whole cue: settings left out are reset to their defaults.
  z.object({ type: z.literal('cue.save'), cueId: Id, name: z.string().min(1).max(80), commands: CueCommandList, index: z.number().int().min(0).optional(), ...CUE_SETTINGS }),
  z.object({ type: z.literal('cue.delete'), cueId: Id }),
  // `standby`: where the standby goes after this GO (default: the cue after the one fired); the cue sequencer sets it.
  z.object({ type: z.literal('cue.go'), cueId: Id.optional(), standby: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('cue.next') }),
  z.object({ type: z.literal('cue.back') }),
  // Puts a cue on standby (the next GO fires it); null: the end of the list.
  z.object({ type: z.literal('cue.standby'), cueId: Id.nullable() }),
  // Stops every running wait (pre-waits, post-waits, auto-follows); what has fired stays.
  z.object({ type: z.literal('cue.stop') }),
  // A new cue from the current state of these walls: piece, params, transition, pause, screens' blackout, the master blackout.
  z.object({ type: z.literal('cue.record'), cueId: Id, name: z.string().min(1).max(80), wallIds: z.array(Id).min(1).max(32), index: z.number().int().min(0).optional() }),
  // Uploaded pieces (docs/api.md): piece.add is recorded by the server for each stored upload.
  z.object({ type: z.literal('piece.add'), pieceId: Id, version: PieceVersion, artist: ArtistName.nullable(), live: z.boolean().default(false) }),
  z.object({ type: z.literal('piece.transfer'), pieceId: Id, artist: ArtistName.nullable() }),
  // Pairing (docs/api.md): never in cues. `key` may be left out; the server then makes a random one.
  z.object({
    type: z.literal('screen.pair'),
    /** The code the waiting page shows. */
    code: PairingCode,
    screenId: Id,
    /** Take over a screen of the show (its id and place), e.g. when its hardware died. */
    replace: z.boolean().default(false),
    wallId: Id.nullable().optional(),
    rect: Rect.optional(),
    key: ScreenKey.optional(),
  }),
  z.object({ type: z.literal('screen.revoke'), screenId: Id }),
  z.object({ type: z.literal('screen.rekey'), screenId: Id, key: ScreenKey.optional() }),
  // VR stations (protocol/xr.ts, docs/vr.md).
  ...XR_COMMANDS,
]);
export type Command = z.infer<typeof Command>;
export type CommandInput = z.input<typeof Command>;
export type CommandType = Command['type'];
/**
 * Where a command came from, for logs and metrics (`pavilion_commands_total{source}`): the REST API,
 * the control panel's socket, a cue's GO (the cue's own commands), the day's schedule, OSC, a
 * piece upload, or the server itself (start-up upgrades, tests).
 */
export const COMMAND_SOURCES = ['rest', 'socket', 'cue', 'schedule', 'osc', 'upload', 'internal'] as const;
export type CommandSource = (typeof COMMAND_SOURCES)[number];
/** One kind of command as a client sends it: `CommandOf<'wall.layout'>`. */
export type CommandOf<T extends CommandType> = Extract<CommandInput, { type: T }>;
export const COMMAND_TYPES = Command.options.map((o) => o.shape.type.value) as CommandType[];
