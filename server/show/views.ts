import { emptyDmx, type CueWait, type DisplayView, type DmxView, type PieceSummary, type ScreenStatus, type ServerHealth, type ServerNotice, type Show, type ShowView, type VisitorStats } from '../../protocol';
import type { PendingScreen } from '../../protocol';
import type { ScreenRegistry } from '../screens/registry';
import { warmAheadOf } from './warm-ahead';
import { nextEvent } from './scheduler';

/** Pairing's part of the technician's view (server/screens/pairing.ts). */
export interface PairingViewDeps {
  /** Pages waiting to be paired. */
  pending?: () => PendingScreen[];
  /** The address of a screen's page with its key. */
  displayUrl?: (screenId: string, key: string) => string | null;
}

export interface ViewDeps {
  /** A piece's summary; with `version`, that version's (its own moduleUrl), else the current one. */
  piece: (id: string, version?: string | null) => PieceSummary | undefined;
  visitUrl: (wallId: string) => string;
  /** Show time now, for the schedule's next event (default: this machine's clock). */
  now?: () => number;
}

/** What one screen needs to render its part of its wall. */
export function displayView(show: Show, screenId: string, deps: ViewDeps): DisplayView {
  const cfg = show.screens[screenId];
  const wall = cfg?.wallId ? show.walls[cfg.wallId] : undefined;
  const wallScreens = wall
    ? Object.values(show.screens).filter((s) => s.wallId === wall.id).sort((a, b) => a.id.localeCompare(b.id))
    : [];
  const audioScreens = wall ? (wall.audioScreens.length ? wall.audioScreens : wallScreens.slice(0, 1).map((s) => s.id)) : [];
  return {
    screen: {
      id: screenId,
      wallId: wall ? wall.id : null,
      rect: cfg?.rect ?? { x: 0, y: 0, w: 1920, h: 1080 },
      known: !!cfg,
      blackout: show.blackout || (cfg?.blackout ?? false),
      ...(cfg?.output ? { output: cfg.output } : {}),
      ...(cfg?.pattern ? { pattern: cfg.pattern } : {}),
      ...(cfg?.kind === 'vr' ? { kind: 'vr' as const } : {}),
    },
    wall: wall
      ? {
          ...wall,
          screens: wallScreens.map((s) => ({ id: s.id, rect: s.rect })),
          // The version the wall plays, not the newest upload: a new version waits for the next wall.play.
          manifest: wall.installationId ? (deps.piece(wall.installationId, wall.version) ?? null) : null,
        }
      : null,
    audio: audioScreens.includes(screenId),
    volume: show.volume,
    visitUrl: wall ? deps.visitUrl(wall.id) : null,
    warmAhead: wall ? warmAheadOf(show, wall.id, deps.now?.() ?? Date.now(), deps.piece) : [],
    // The server gathers the wall's readiness and says when it switches (server/screens/wall-gate.ts).
    gate: true,
  };
}

/** The cue sequencer's part of the technician's view (server/show/cue-sequencer.ts, cue-checks.ts). */
export interface CueViewDeps {
  /** Running waits, soonest first. */
  cueWaits?: () => CueWait[];
  /** What is wrong with each stored cue, by id. */
  cueProblems?: (show: Show) => Record<string, string>;
}

/** DMX's part of the technician's view (server/links/dmx-engine.ts). */
export interface DmxViewDeps {
  /** Packets sent and send errors per output since the start. */
  dmxStats?: () => DmxView['stats'];
}

/** The technician's whole picture. */
export function showView(
  show: Show,
  registry: ScreenRegistry,
  now: number,
  deps: ViewDeps & PairingViewDeps & CueViewDeps & DmxViewDeps & {
    visitorStats: (wallId: string) => VisitorStats;
    health: () => ServerHealth;
    notices: () => ServerNotice[];
    /** Several nodes: the screens connected to other nodes, merged into this node's statuses (server/cluster/screens.ts). */
    screens?: (statuses: ScreenStatus[]) => ScreenStatus[];
  },
): ShowView {
  return {
    version: show.version,
    serverTime: now,
    blackout: show.blackout,
    volume: show.volume,
    walls: Object.values(show.walls).map((w) => ({
      ...w,
      screens: Object.values(show.screens).filter((s) => s.wallId === w.id).map((s) => s.id).sort(),
      ...deps.visitorStats(w.id),
      visitUrl: deps.visitUrl(w.id),
    })),
    screens: (deps.screens ?? ((l: ScreenStatus[]) => l))(registry.statuses(show, deps.displayUrl)).map((s) => {
      const cfg = show.screens[s.id]; // the output stage (docs/projection.md), for the panel's Output view
      return cfg?.output || cfg?.pattern ? { ...s, ...(cfg.output ? { output: cfg.output } : {}), ...(cfg.pattern ? { pattern: cfg.pattern } : {}) } : s;
    }),
    pending: deps.pending?.() ?? [],
    presets: show.presets,
    cues: show.cues,
    cuePosition: show.cuePosition,
    cueStandby: show.cueStandby,
    schedule: show.schedule,
    pieces: show.pieces ?? {},
    errorsLastHour: registry.errorsSince(now - 3600_000),
    health: deps.health(),
    notices: deps.notices(),
    cueWaits: deps.cueWaits?.() ?? [],
    cueProblems: deps.cueProblems?.(show) ?? {},
    scheduleNext: nextEvent(show.schedule, now),
    dmx: { ...(show.dmx ?? emptyDmx()), stats: deps.dmxStats?.() ?? {} },
  };
}
