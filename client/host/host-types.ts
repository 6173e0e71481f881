import type { DisplayPreloaded, DisplayReady, ParamValues } from '../../protocol';
import type { HostError } from './errors';
import type { ActivePiece, Timers } from './switcher';
import type { RunShared } from './runtime';
import type { PieceSource } from './pieces';
import type { Program } from './program';
import type { WarmCacheLimits } from './warm-cache';

/* The piece host's public types (client/host/host.ts). */

export interface HostOptions {
  /** Maps an epoch time of this page's clock to show time (the clock estimate; identity in the preview). */
  toShowTime(epochMs: number): number;
  pieces: PieceSource;
  /** Console prefix of error lines. */
  label?: string;
  /** Where error lines go (console.warn). */
  warn?: (message: string) => void;
  /** How many errors the host keeps. */
  errorLimit?: number;
  /** Where errors go besides the host's log (the server). */
  sendError?(entry: HostError): void;
  /** Where preload times go (the server sizes the next switch's lead on them). */
  sendPreload?(p: DisplayPreloaded): void;
  /** Where a run ready to switch is reported (a served wall: the server's go follows once every screen of the wall is ready). */
  sendReady?(r: DisplayReady): void;
  timers?: Timers;
  /** The cache of warm pieces kept off-screen (count, renderer memory). */
  warmCache?: WarmCacheLimits;
  /** Monotonic ms (performance.now). */
  now?: () => number;
  timeOrigin?: number;
}

/** The run on screen, with what the host keeps for it. */
export interface Run extends ActivePiece {
  /**
   * The mount's identity (the React key of its subtree, its scene): unique, and kept when a later
   * run of the same piece adopts this one (a warm switch: the run kept warm becomes the next run,
   * re-keyed, without being mounted again). `key` is the run's, and changes then.
   */
  slot: string;
  /** What every screen of this host hands the piece: live time and visitors, reports. */
  shared: RunShared;
}

/** What the bindings render from; a new object whenever any of it changes. */
export interface HostSnapshot {
  run: Run | null;
  /** The next run, mounted off-screen while it warms (invisible, silent), or null. */
  incoming: Run | null;
  /** The run leaving during a transition (drawn under or before the incoming one), or null. */
  outgoing: Run | null;
  /** Runs kept mounted and dormant off-screen: recently played, or warmed ahead of their cue. */
  kept: Run[];
  /**
   * The slots of the kept runs still warming ahead of their cue (not yet warm on every screen):
   * on the screen that plays the wall's sound they warm with their sound graph (silent), so that
   * the warm-up time reported to the server, which sizes the cue's lead on it, covers the graph and
   * its reverb, which the run builds again when it is adopted.
   */
  warmingAhead: readonly string[];
  params: ParamValues;
  /** Progress of the piece being preloaded (0..1) or of the assets it reports, or null. */
  progress: { installationId: string; progress: number } | null;
  /** The program's quality setting. */
  quality: Program['quality'];
}

/**
 * `sync`: the change must be rendered on this very frame, before pieces run (a switch to a run that
 * is not mounted and warm on every screen yet, params due). A switch to a warm run is not: the
 * compositor draws from the host's snapshot, and only the runs' roles change.
 */
export type HostListener = (sync: boolean) => void;
