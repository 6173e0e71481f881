import type { NextEvent } from './schedule-days';
import type { Manifest, InputSpec } from './manifest';
import type { Rect, Show, Wall } from './show';
import type { DisplayHealth, PieceError } from './payloads';
import type { OutputSettings, Pattern } from './output';
import type { ScreenKind, XrState } from './xr';
import type { DmxState } from './dmx';

/** What the server tells one screen: enough to render its part of its wall. */
export interface DisplayView {
  screen: {
    id: string; wallId: string | null; rect: Rect; known: boolean; blackout: boolean;
    /** Its output stage (docs/projection.md); absent: the identity. */
    output?: OutputSettings;
    /** The test pattern it shows instead of its piece; absent: none. */
    pattern?: Pattern;
    /** A VR station (docs/vr.md); absent: a flat screen. */
    kind?: ScreenKind;
  };
  wall: (Wall & { screens: Array<{ id: string; rect: Rect }>; manifest: PieceSummary | null }) | null;
  /** Whether this screen plays the wall's sound. */
  audio: boolean;
  volume: number;
  /** Absolute visitor URL of the wall, for the QR corner. */
  visitUrl: string | null;
  /** Pieces the wall plays next (the standby cue, the schedule's next event), which the screen warms in the background. */
  warmAhead?: WarmAheadPiece[];
  /**
   * The server gathers its screens' readiness and says when the wall switches (`display:ready`,
   * `wall:go`; docs/display.md, "A wall switches as one"): the screen then holds a run that is ready
   * until the go (or until WARM_WAIT_MS after the run's start, whatever happens). Absent: it switches
   * on its own at the start (the preview, older servers).
   */
  gate?: true;
}

/** A piece a screen warms before its cue (server/show/warm-ahead.ts): mounted, compiled and kept dormant. */
export interface WarmAheadPiece {
  installationId: string;
  version: string;
  /** Where the browser loads its module from; null for pieces built into the app. */
  moduleUrl: string | null;
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
  /** VR-capable (manifest `vr`, docs/vr.md); absent: not. */
  vr?: boolean;
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
  /** The way its clock pings go (docs/sync.md): the clock responder, or socket.io while that is unreachable; null before it said. */
  clockPath: 'responder' | 'socketio' | null;
  memory: DisplayHealth['memory'] | null;
  /** How long its last preload of a piece it had never loaded took, in ms (sets the play lead). */
  preloadMs: number | null;
  /**
   * The pieces (id@version) it holds warm for its wall, as its last health report said (kept after
   * they played, or warmed ahead of a cue): a play of one is adopted, and its lead is short. Absent
   * while it is offline or its page does not say.
   */
  warm?: string[];
  blackout: boolean;
  /** This screen's own blackout (screen.blackout), apart from the master blackout. */
  ownBlackout: boolean;
  errors: PieceError[];
  /** Show time of its last heartbeat (display:health), or of its connection when none came since; null when never seen. */
  heartbeatAt: number | null;
  /** Connected, but no heartbeat for a while: the machine may sleep or the page hang (a sleeping machine's socket looks alive for up to 45 s). */
  stale: boolean;
  /** Whether the screen has a key: a page can play as it (docs/display.md, pairing). */
  paired: boolean;
  /** The ready-to-open address of this screen's page, with its key; null when it has none. */
  displayUrl: string | null;
  /** Its output stage and test pattern (docs/projection.md); absent: the identity, none. */
  output?: OutputSettings;
  pattern?: Pattern;
  /** A VR station (docs/vr.md); absent: a flat screen. */
  kind?: ScreenKind;
  /** A VR station's session as its health last said (idle before it said); absent on a flat screen. */
  xr?: XrState;
  /** Several nodes: the id of the node its page is connected to (GET /api/nodes); absent on a node alone, or while not connected. */
  node?: string;
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

/** The data disk, as the server watches it (server/persistence/disk.ts). */
export interface DiskStatus {
  /**
   * ok; low: free space under the warning threshold; full: no space left, or the last save failed
   * for want of space; failing: the last save failed otherwise (I/O error, read-only); unknown: the
   * free space cannot be read on this filesystem.
   */
  state: 'ok' | 'low' | 'full' | 'failing' | 'unknown';
  freeBytes: number | null;
  totalBytes: number | null;
  /** Below this many free bytes the server says it is degraded (PAVILION_DISK_WARN_MB). */
  warnBytes: number;
  /** The error code of the last failed save (ENOSPC, EIO, EROFS…), until a save succeeds again. */
  writeError: string | null;
  /** Show time of the last reading of the free space. */
  checkedAt: number | null;
}

/** GET /api/health's verdict, also in the panel's mirror. */
export interface ServerHealth {
  status: 'ok' | 'degraded';
  /** Why it is degraded, each in words that say what to do; empty when ok. */
  reasons: string[];
  disk: DiskStatus;
  /** Multi-node mode only (PAVILION_REDIS_URL; docs/operations.md, "Several nodes"): this node's part. */
  cluster?: ClusterHealth;
}

/** One node of a multi-node pavilion, as GET /api/health tells it. */
export interface ClusterHealth {
  /** writer: holds the lease and applies every command; follower: forwards commands to the writer and applies its changes. */
  role: 'writer' | 'follower';
  /** This node's id (host name, process id and a random part). */
  node: string;
  /** The writer's node id, as the lease in Redis says; null while no node holds it. */
  writer: string | null;
  /** The lease's fencing token (it grows with every new writer); null while unknown. */
  fence: number | null;
  redis: 'ok' | 'unreachable';
  /** The show version this node serves. */
  version: number;
  /** Versions the writer has made durable that this node has not applied yet (at the last look). */
  lagVersions: number;
  /** How long after the writer appended it this node applied the last change it got (ms, Redis's clock); null before the first. */
  lastApplyMs: number | null;
  /**
   * The show clock on this node (server/cluster/clock.ts): the writer's own; a follower's estimate
   * of the writer's, over the writer's clock responder. offsetMs: show time − this machine's clock.
   */
  clock: { synced: boolean; offsetMs: number; rttMs: number | null; uncertaintyMs: number | null; follows: string | null };
}

/** One node of the pavilion, as GET /api/nodes lists it (docs/operations.md, "Several nodes"). */
export interface ClusterNodeEntry {
  id: string;
  /** single: one node alone (no PAVILION_REDIS_URL). */
  role: 'writer' | 'follower' | 'single';
  /** Its base URL as it announces it (PAVILION_PUBLIC_URL, else its first LAN address and port). */
  address: string;
  /** When it started (epoch ms, its own clock). */
  upSince: number;
  /** socket.io connections it holds now (screens, panels, phones). */
  clients: number;
  /** The show version it serves. */
  version: number;
  /** How long ago the answering node heard its last heartbeat (ms, the answering node's clock; its own: since it last beat); 0 for a node alone. */
  heartbeatAgeMs: number;
  /** Its visitors by wall (walls with none left out): holding a place (playing, or a dropped phone's held place), and queued. */
  visitors: Record<string, { playing: number; queued: number }>;
  /** The node that answered the request. */
  self: boolean;
}

/** GET /api/nodes: every node of the pavilion, the writer first. */
export interface NodesReply {
  ok: true;
  mode: 'single' | 'cluster';
  nodes: ClusterNodeEntry[];
}

/** Something the server did on its own that a technician should know of. */
export interface ServerNotice {
  /** Increasing within one run of the server. */
  id: number;
  at: number;
  /**
   * params-migrated: a piece changed, and stored param values were reset or dropped to fit it.
   * schedule, upload, osc: the show changed by something else than the panel (the day schedule,
   * an artist's upload, an OSC sender), with its reason (server/activity/wire.ts).
   * cues: the cue sequencer (a sequence resumed or stopped by a restart, a cue that could not fire after its wait).
   */
  kind: 'params-migrated' | 'schedule' | 'upload' | 'osc' | 'cues';
  message: string;
}

/** A running wait of the cue sequencer (server/show/cue-sequencer.ts): the panel counts down `dueAt` on the show clock. */
export interface CueWait {
  id: number;
  /** The cue that fires (pre-wait) or that GOes next (post-wait, follow) when the wait ends. */
  cueId: string;
  /** pre-wait: `cueId` fires when it ends; post-wait: `cueId` GOes (auto-continue); follow: `cueId` GOes when the previous cue's action ends (auto-follow). */
  phase: 'pre-wait' | 'post-wait' | 'follow';
  /** The cue whose continue started this wait (post-wait, follow). */
  afterCueId: string | null;
  startedAt: number;
  dueAt: number;
}

/** The technician's view of the show: GET /api/show and the control socket's mirror. */
export interface ShowView extends Pick<Show, 'version' | 'blackout' | 'volume' | 'presets' | 'cues' | 'cuePosition' | 'cueStandby' | 'schedule' | 'pieces'> {
  serverTime: number;
  walls: WallStatus[];
  screens: ScreenStatus[];
  /** Pages waiting to be paired (capped; each expires). */
  pending: PendingScreen[];
  errorsLastHour: number;
  health: ServerHealth;
  /** The server's latest notices (the last 20), oldest first. */
  notices: ServerNotice[];
  /** The cue sequencer's running waits, soonest first (empty when none runs). */
  cueWaits: CueWait[];
  /** Cues that would not run as saved (a param a piece no longer takes, a missing wall…) or that a piece upgrade changed, by cue id: what is wrong, in words. */
  cueProblems: Record<string, string>;
  /** The day schedule's next event within two weeks; null when the schedule is off or has none (server/show/scheduler.ts nextEvent). */
  scheduleNext: NextEvent | null;
  /** The show's DMX part and what each output sent (the panel's DMX view; docs/links.md, "DMX"). */
  dmx: DmxView;
}

/** The show's DMX outputs, held values, blackout scene and light maps, with each output's packets sent and send errors since the server started. */
export interface DmxView extends DmxState {
  stats: Record<string, { packets: number; errors: number }>;
}
