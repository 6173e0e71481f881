import type { Manifest, InputSpec } from './manifest';
import type { Rect, Show, Wall } from './show';
import type { DisplayHealth, PieceError } from './payloads';

/** What the server tells one screen: enough to render its part of its wall. */
export interface DisplayView {
  screen: { id: string; wallId: string | null; rect: Rect; known: boolean; blackout: boolean };
  wall: (Wall & { screens: Array<{ id: string; rect: Rect }>; manifest: PieceSummary | null }) | null;
  /** Whether this screen plays the wall's sound. */
  audio: boolean;
  volume: number;
  /** Absolute visitor URL of the wall, for the QR corner. */
  visitUrl: string | null;
}

export interface PieceSummary {
  id: string;
  title: string;
  artist: string;
  description: string;
  version: string;
  params: Manifest['params'];
  inputs: InputSpec[];
  /** Where the browser loads the piece's module from; null for pieces built into the app. */
  moduleUrl: string | null;
  source: 'bundled' | 'uploaded';
}

export interface ScreenStatus {
  id: string;
  wallId: string | null;
  known: boolean;
  rect: Rect | null;
  connected: boolean;
  /** Show time when it last connected or disconnected. */
  since: number | null;
  installationId: string | null;
  fps: number | null;
  frameMsP95: number | null;
  offsetMs: number | null;
  rttMs: number | null;
  uncertaintyMs: number | null;
  memory: DisplayHealth['memory'] | null;
  /** How long its last preload of a piece it had never loaded took, in ms (sets the play lead). */
  preloadMs: number | null;
  blackout: boolean;
  /** This screen's own blackout (screen.blackout), apart from the master blackout. */
  ownBlackout: boolean;
  errors: PieceError[];
  /** Whether the screen has a key: a page can play as it (docs/display.md, pairing). */
  paired: boolean;
  /** The ready-to-open address of this screen's page, with its key; null when it has none. */
  displayUrl: string | null;
}

/** A page that opened /display without the right key: it shows `code` and waits for a technician. */
export interface PendingScreen {
  code: string;
  /** The id in the page's address (`?screen=`): a wish, not an identity. */
  requestedId: string;
  address: string;
  userAgent: string;
  since: number;
  expiresAt: number;
  /** Whether its page is connected now (an approval reaches it only then). */
  online: boolean;
}

/** A wall's visitor counts: the hub's stats, shown in the control panel's mirror of each wall. */
export interface VisitorStats {
  /** Visitors playing (their input reaches the wall's screens). */
  visitors: number;
  inputsPerSecond: number;
  /** Visitors waiting in the wall's queue. */
  queue: number;
}

export interface WallStatus extends Wall, VisitorStats {
  screens: string[];
  visitUrl: string;
}

/** The technician's view of the show: GET /api/show and the control socket's mirror. */
export interface ShowView extends Pick<Show, 'version' | 'blackout' | 'volume' | 'presets' | 'cues' | 'cuePosition' | 'cueStandby' | 'schedule' | 'pieces'> {
  serverTime: number;
  walls: WallStatus[];
  screens: ScreenStatus[];
  /** Pages waiting to be paired (capped; each expires). */
  pending: PendingScreen[];
  errorsLastHour: number;
}
