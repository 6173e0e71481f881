import { reducePiece } from './piece-commands';
import { reduceDmx, type DmxEffect } from './dmx-commands';
import { reduceTransition, transitionOf } from './transition-commands';
import { reduceCue } from './cue-commands';
import { reduceOutput } from './output-commands';
import { reduceXr, type XrEffect } from './xr-commands';
import {
  checkParams,
  defaultParams,
  fail,
  isTimeZone,
  type Command,
  type ErrorCode,
  type Manifest,
  type ParamValues,
  type Show,
  type Wall,
  type WireError,
} from '../../protocol';

/** Side effects a command asks for beyond changing the show (no state of their own). */
export type Effect =
  | { kind: 'identify'; screenId: string }
  | { kind: 'reload'; screenId: string }
  | { kind: 'kick'; visitorId: string }
  | DmxEffect
  | XrEffect;

/** A piece as the reducer sees it: its manifest, and for an uploaded one its version, kept versions and owner. */
export type PieceRef = Pick<Manifest, 'id' | 'params'> & {
  version?: string;
  source?: 'bundled' | 'uploaded';
  /** Kept versions of an uploaded piece (piece.rollback picks one). */
  versions?: string[];
  /** Its owner where the show has not recorded one (pieces uploaded before owners were). */
  owner?: string | null;
};

export interface ReduceContext {
  /** Show time now. */
  now: number;
  /** Looks up a piece's manifest by id; with `version`, that kept version of an uploaded piece (undefined when not kept). */
  piece: (id: string, version?: string) => PieceRef | undefined;
  /** Lead time for switching a wall to a piece without `at`: long enough for its screens to preload. */
  playLeadMs: (wallId: string, installationId: string) => number;
  /** Lead time for params and pauses without `at`. */
  changeLeadMs: number;
}

export type ReduceResult =
  | { ok: true; show: Show; changed: boolean; effects: Effect[] }
  | { ok: false; error: WireError };

const err = (code: ErrorCode, message: string): ReduceResult => fail(code, message);

function withWall(show: Show, wallId: string, update: (w: Wall) => Wall | ReduceResult): ReduceResult {
  const wall = show.walls[wallId];
  if (!wall) return err('unknown_wall', `there is no wall '${wallId}'; create it first or pick one of: ${Object.keys(show.walls).join(', ') || '(none)'}`);
  const next = update(wall);
  if ('ok' in next) return next;
  return ok({ ...show, walls: { ...show.walls, [wallId]: next } });
}

function ok(show: Show, effects: Effect[] = [], changed = true): ReduceResult {
  return { ok: true, show, changed, effects };
}

/** Pairing (docs/display.md): a screen's key is part of the show, so approvals and revocations are journaled. */
function reducePairing(show: Show, c: Extract<Command, { type: 'screen.pair' | 'screen.revoke' | 'screen.rekey' }>): ReduceResult {
  const prev = show.screens[c.screenId];
  switch (c.type) {
    case 'screen.pair': {
      if (prev && !c.replace) return err('conflict', `screen '${c.screenId}' is in the show already; approve this page as its replacement (replace: true), or give it a new id`);
      if (!prev && c.replace) return err('unknown_screen', `there is no screen '${c.screenId}' to replace; approve the page as a new screen instead`);
      if (!c.key) return err('bad_request', 'screen.pair needs a key; the server adds one when the command comes through the control panel or POST /api/commands');
      const wallId = c.wallId !== undefined ? c.wallId : (prev?.wallId ?? null);
      const wall = wallId !== null ? show.walls[wallId] : undefined;
      if (wallId !== null && !wall) return err('unknown_wall', `there is no wall '${wallId}'; pick one of: ${Object.keys(show.walls).join(', ') || '(none)'}`);
      const rect = c.rect ?? prev?.rect ?? { x: 0, y: 0, w: wall?.width ?? 1920, h: wall?.height ?? 1080 };
      // A replacement takes over the screen whole (its output stage and pattern: the projector's
      // calibration belongs to the screen, not to the computer); only the key is new.
      return ok({ ...show, screens: { ...show.screens, [c.screenId]: { ...prev, id: c.screenId, wallId, rect, blackout: prev?.blackout ?? false, key: c.key } } });
    }
    case 'screen.revoke': {
      if (!prev) return err('unknown_screen', `there is no screen '${c.screenId}' in the show`);
      if (!prev.key) return ok(show, [], false);
      const { key: _revoked, ...rest } = prev;
      return ok({ ...show, screens: { ...show.screens, [c.screenId]: rest } });
    }
    case 'screen.rekey': {
      if (!prev) return err('unknown_screen', `there is no screen '${c.screenId}' in the show`);
      if (!c.key) return err('bad_request', 'screen.rekey needs a key; the server adds one when the command comes through the control panel or POST /api/commands');
      return ok({ ...show, screens: { ...show.screens, [c.screenId]: { ...prev, key: c.key } } });
    }
  }
}

/** Applies one validated command to the show. Pure: same inputs, same output. */
export function reduce(show: Show, command: Command, ctx: ReduceContext): ReduceResult {
  const res = reduceInner(show, command, ctx);
  if (res.ok && res.changed) return { ...res, show: { ...res.show, version: show.version + 1 } };
  return res;
}

/** Commands that take an optional `at` (show time). */
const TIMED = new Set<Command['type']>(['wall.play', 'wall.params', 'wall.stop', 'wall.pause', 'dmx.set', 'dmx.release']);

function reduceInner(show: Show, c: Command, ctx: ReduceContext): ReduceResult {
  switch (c.type) {
    case 'wall.play': {
      // An uploaded piece plays the version the show names for it (piece.add, piece.rollback).
      const want = show.pieces?.[c.installationId]?.version;
      const manifest = (want !== undefined ? ctx.piece(c.installationId, want) : undefined) ?? ctx.piece(c.installationId);
      if (!manifest) return err('unknown_installation', `there is no piece '${c.installationId}'; GET /api/installations lists them`);
      let params: ParamValues = defaultParams(manifest);
      if (c.preset) {
        const preset = show.presets[c.installationId]?.[c.preset];
        if (!preset) return err('not_found', `piece '${c.installationId}' has no preset '${c.preset}'`);
        params = { ...params, ...preset };
      }
      const checked = checkParams(manifest, { ...params, ...(c.params ?? {}) });
      if (!checked.ok) return err('bad_request', checked.message);
      const at = c.at ?? ctx.now + ctx.playLeadMs(c.wallId, c.installationId);
      return withWall(show, c.wallId, (w) => ({
        ...w,
        transition: transitionOf(w, c.transition),
        installationId: c.installationId,
        version: manifest.source === 'uploaded' ? (manifest.version ?? null) : null,
        params: checked.params,
        startedAt: at,
        paramsAt: at,
        pausedAt: null,
        heldMs: 0,
      }));
    }
    case 'wall.params':
      return withWall(show, c.wallId, (w) => {
        if (!w.installationId) return err('not_allowed_now', `wall '${w.id}' plays nothing; play a piece first`);
        const manifest = (w.version ? ctx.piece(w.installationId, w.version) : undefined) ?? ctx.piece(w.installationId);
        if (!manifest) return err('unknown_installation', `piece '${w.installationId}' is no longer installed`);
        const checked = checkParams(manifest, c.params);
        if (!checked.ok) return err('bad_request', checked.message);
        return { ...w, params: { ...w.params, ...checked.params }, paramsAt: c.at ?? ctx.now + ctx.changeLeadMs };
      });
    case 'wall.stop':
      return withWall(show, c.wallId, (w) => ({
        ...w, installationId: null, version: null, params: {}, startedAt: c.at ?? ctx.now + ctx.changeLeadMs, pausedAt: null, heldMs: 0,
      }));
    case 'wall.pause':
      return withWall(show, c.wallId, (w) => (w.pausedAt !== null ? w : { ...w, pausedAt: c.at ?? ctx.now + ctx.changeLeadMs }));
    case 'wall.resume':
      return withWall(show, c.wallId, (w) =>
        w.pausedAt === null ? w : { ...w, pausedAt: null, heldMs: w.heldMs + Math.max(0, ctx.now - w.pausedAt) },
      );
    case 'wall.create': {
      if (show.walls[c.wallId]) return err('conflict', `wall '${c.wallId}' exists already; pick another id`);
      const wall: Wall = {
        id: c.wallId, name: c.name, width: c.width, height: c.height, installationId: null, params: {},
        startedAt: ctx.now, paramsAt: ctx.now, pausedAt: null, heldMs: 0, audioScreens: [],
        visitorCap: 200, visitorInput: true, showQr: false, quality: 'auto',
      };
      return ok({ ...show, walls: { ...show.walls, [c.wallId]: wall } });
    }
    case 'wall.rename':
      return withWall(show, c.wallId, (w) => ({ ...w, name: c.name }));
    case 'wall.delete': {
      if (!show.walls[c.wallId]) return err('unknown_wall', `there is no wall '${c.wallId}'`);
      const walls = { ...show.walls };
      delete walls[c.wallId];
      const screens = Object.fromEntries(
        Object.entries(show.screens).map(([id, s]) => [id, s.wallId === c.wallId ? { ...s, wallId: null } : s]),
      );
      return ok({ ...show, walls, screens });
    }
    case 'wall.layout': {
      const wall = show.walls[c.wallId];
      if (!wall) return err('unknown_wall', `there is no wall '${c.wallId}'`);
      const ids = new Set(c.screens.map((s) => s.screenId));
      if (ids.size !== c.screens.length) return err('bad_request', 'a screen appears twice in the layout');
      const screens = { ...show.screens };
      for (const [id, s] of Object.entries(screens)) if (s.wallId === c.wallId && !ids.has(id)) screens[id] = { ...s, wallId: null };
      for (const s of c.screens) {
        const prev = screens[s.screenId];
        screens[s.screenId] = { ...prev, id: s.screenId, wallId: c.wallId, rect: s.rect, blackout: prev?.blackout ?? false }; // keeps its key
      }
      const audioScreens = wall.audioScreens.filter((id) => ids.has(id));
      return ok({ ...show, screens, walls: { ...show.walls, [c.wallId]: { ...wall, width: c.width, height: c.height, audioScreens } } });
    }
    case 'wall.audio':
      return withWall(show, c.wallId, (w) => {
        const stranger = c.screenIds.find((id) => show.screens[id]?.wallId !== w.id);
        if (stranger) return err('bad_request', `screen '${stranger}' is not part of wall '${w.id}'; put it in the layout first`);
        return { ...w, audioScreens: [...new Set(c.screenIds)] };
      });
    case 'wall.visitors':
      return withWall(show, c.wallId, (w) => ({
        ...w, visitorCap: c.cap ?? w.visitorCap, visitorInput: c.input ?? w.visitorInput, showQr: c.showQr ?? w.showQr,
      }));
    case 'wall.quality':
      return withWall(show, c.wallId, (w) => ({ ...w, quality: c.quality }));
    case 'wall.transition':
      return reduceTransition(show, c);
    case 'screen.assign': {
      if (c.wallId !== null && !show.walls[c.wallId]) return err('unknown_wall', `there is no wall '${c.wallId}'`);
      const prev = show.screens[c.screenId];
      const wall = c.wallId ? show.walls[c.wallId] : undefined;
      const rect = c.rect ?? prev?.rect ?? { x: 0, y: 0, w: wall?.width ?? 1920, h: wall?.height ?? 1080 };
      return ok({ ...show, screens: { ...show.screens, [c.screenId]: { ...prev, id: c.screenId, wallId: c.wallId, rect, blackout: prev?.blackout ?? false } } });
    }
    case 'screen.pair':
    case 'screen.revoke':
    case 'screen.rekey':
      return reducePairing(show, c);
    case 'screen.forget': {
      if (!show.screens[c.screenId]) return err('unknown_screen', `there is no screen '${c.screenId}' in the show`);
      const screens = { ...show.screens };
      delete screens[c.screenId];
      const walls = Object.fromEntries(Object.entries(show.walls).map(([id, w]) => [id, { ...w, audioScreens: w.audioScreens.filter((s) => s !== c.screenId) }]));
      return ok({ ...show, screens, walls });
    }
    case 'screen.identify':
      return ok(show, [{ kind: 'identify', screenId: c.screenId }], false);
    case 'screen.reload':
      return ok(show, [{ kind: 'reload', screenId: c.screenId }], false);
    case 'screen.blackout': {
      const s = show.screens[c.screenId];
      if (!s) return err('unknown_screen', `there is no screen '${c.screenId}' in the show; adopt it into a wall first`);
      return ok({ ...show, screens: { ...show.screens, [c.screenId]: { ...s, blackout: c.on } } });
    }
    case 'show.blackout':
      return ok({ ...show, blackout: c.on });
    case 'show.volume':
      return ok({ ...show, volume: c.volume });
    case 'preset.save': {
      const manifest = ctx.piece(c.installationId);
      if (!manifest) return err('unknown_installation', `there is no piece '${c.installationId}'`);
      const checked = checkParams(manifest, c.params);
      if (!checked.ok) return err('bad_request', checked.message);
      const presets = { ...show.presets, [c.installationId]: { ...(show.presets[c.installationId] ?? {}), [c.name]: checked.params } };
      return ok({ ...show, presets });
    }
    case 'preset.delete': {
      const forPiece = show.presets[c.installationId];
      if (!forPiece?.[c.name]) return err('not_found', `piece '${c.installationId}' has no preset '${c.name}'`);
      const rest = { ...forPiece };
      delete rest[c.name];
      return ok({ ...show, presets: { ...show.presets, [c.installationId]: rest } });
    }
    case 'cue.save':
    case 'cue.record':
    case 'cue.standby':
    case 'cue.stop':
      return reduceCue(show, c, ctx); // server/show/cue-commands.ts: checked against the manifests
    case 'cue.delete': {
      const index = show.cues.findIndex((q) => q.id === c.cueId);
      if (index < 0) return err('unknown_cue', `there is no cue '${c.cueId}'`);
      const cues = show.cues.filter((q) => q.id !== c.cueId);
      const shift = (n: number) => (n > index ? n - 1 : n === index ? Math.min(n, cues.length - 1) : n);
      return ok({ ...show, cues, cuePosition: Math.max(-1, shift(show.cuePosition)), cueStandby: Math.max(0, shift(show.cueStandby)) });
    }
    case 'cue.go': {
      const index = c.cueId === undefined ? show.cueStandby : show.cues.findIndex((q) => q.id === c.cueId);
      const cue = show.cues[index];
      if (!cue) return err(c.cueId ? 'unknown_cue' : 'not_allowed_now', c.cueId ? `there is no cue '${c.cueId}'` : 'no cue stands by: the cue list is empty or at its end');
      let next = show;
      const effects: Effect[] = [];
      const commands = cue.commands; // parsed when the cue was saved or the show loaded: no cue.* among them
      // One GO: the cue's timed commands without `at` all take effect together, after the longest
      // lead any of them needs (a piece to preload on the slowest screen of its wall).
      const lead = Math.max(0, ...commands.map((c) => (c.type === 'wall.play' ? ctx.playLeadMs(c.wallId, c.installationId) : TIMED.has(c.type) ? ctx.changeLeadMs : 0)));
      for (const [i, command] of commands.entries()) {
        const timed = TIMED.has(command.type) && !('at' in command && command.at !== undefined) ? ({ ...command, at: ctx.now + lead } as Command) : command;
        const res = reduceInner(next, timed, ctx);
        if (!res.ok) return err(res.error.code, `cue '${cue.id}', command ${i + 1} (${command.type}): ${res.error.message}`);
        next = res.show;
        effects.push(...res.effects);
      }
      return ok({ ...next, cuePosition: index, cueStandby: Math.min(c.standby ?? index + 1, show.cues.length) }, effects);
    }
    case 'cue.next':
      return ok({ ...show, cueStandby: Math.min(show.cueStandby + 1, Math.max(0, show.cues.length - 1)) });
    case 'cue.back':
      return ok({ ...show, cueStandby: Math.max(show.cueStandby - 1, 0) });
    case 'schedule.set': {
      for (const e of c.schedule.entries)
        if (!show.cues.some((q) => q.id === e.cueId)) return err('unknown_cue', `schedule at ${e.time} names cue '${e.cueId}', which does not exist`);
      for (const [wallId, pieceId] of Object.entries(c.schedule.attract)) {
        if (!show.walls[wallId]) return err('unknown_wall', `attract names wall '${wallId}', which does not exist`);
        if (!ctx.piece(pieceId)) return err('unknown_installation', `attract names piece '${pieceId}', which is not installed`);
      }
      if (!isTimeZone(c.schedule.timezone)) return err('bad_request', `'${c.schedule.timezone}' is not a time zone; use an IANA name like Europe/Brussels`);
      return ok({ ...show, schedule: c.schedule });
    }
    case 'visitor.kick':
      return ok(show, [{ kind: 'kick', visitorId: c.visitorId }], false);
    case 'piece.add':
    case 'piece.rollback':
    case 'piece.transfer':
      return reducePiece(show, c, ctx);
    case 'dmx.output':
    case 'dmx.output.delete':
    case 'dmx.set':
    case 'dmx.release':
    case 'dmx.blackout':
    case 'wall.lights':
      return reduceDmx(show, c, ctx);
    case 'screen.output':
    case 'screen.pattern':
      return reduceOutput(show, c); // server/show/output-commands.ts
    case 'screen.kind':
    case 'screen.xr':
      return reduceXr(show, c); // server/show/xr-commands.ts (docs/vr.md)
  }
}
