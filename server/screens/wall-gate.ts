/**
 * "A wall switches as one" (docs/display.md), the server's half: like nDisplay's barrier. Each screen
 * reports when its next run is ready (`display:ready`: built and warm, or failed with its fallback
 * ready); once every connected screen of the wall has reported the run, the wall's screens are told
 * when to switch (`wall:go`), and they switch on the same frame. A screen that never reports holds
 * the wall back only until its screens switch anyway (WARM_WAIT_MS after the run's start, client side).
 *
 * `at` = max(startedAt, the latest report's stamp + tripMs): a pure function of the reports, so that
 * every node of a cluster, fed the same reports (server/cluster/screen-reports.ts), tells its own
 * screens the same `at`. Pure: no timers, no sockets.
 */

/** How long a go takes to reach every screen of the wall (the margin added to the last report's stamp). */
export const WALL_TRIP_MS = 120;
/** Runs kept per wall (the oldest is dropped): a wall has one next run, rarely a few in quick succession. */
export const WALL_GATE_KEYS = 4;
/** A run is forgotten this long after its start: its screens have switched on their own by then. */
export const WALL_GATE_FORGET_MS = 10_000;

/** One screen's report that its run `key` is ready, as the node that received it stamped it. */
export interface ReadyReport {
  wallId: string;
  screenId: string;
  /** The run's key (client/host/program.ts targetOf). */
  key: string;
  /** The run's start, show time. */
  startedAt: number;
  /** Show time when the report reached a node. */
  stamp: number;
}

export interface WallGateDeps {
  /** The wall's screens in the show (connected or not); null when the show has no such wall. */
  screens(wallId: string): readonly string[] | null;
  /** Whether a screen's page is connected, to this node or to another. */
  isConnected(screenId: string): boolean;
  /** Tells the wall's screens on this node to switch to `key` at `at`; `screenId`: only that screen (it asked again after the go). */
  go(wallId: string, key: string, at: number, screenId?: string): void;
  /** Show time. */
  now(): number;
  /** Default WALL_TRIP_MS. */
  tripMs?: number;
}

interface Run {
  startedAt: number;
  /** Each screen's latest stamp for this run. */
  stamps: Map<string, number>;
  /** Set once the run went: a screen that reports it later hears the same go. */
  at: number | null;
}

export class WallGate {
  /** Wall → run key → run, in the order the runs were first reported. */
  private readonly walls = new Map<string, Map<string, Run>>();
  private readonly tripMs: number;

  constructor(private readonly d: WallGateDeps) {
    this.tripMs = d.tripMs ?? WALL_TRIP_MS;
  }

  /**
   * A screen's run is ready. `here`: the screen is connected to this node (a report another node
   * relayed is not: that node answers its own screen if the run went already).
   */
  ready(r: ReadyReport, here = true): void {
    const members = this.d.screens(r.wallId);
    if (!members || !members.includes(r.screenId)) return; // a wall the show does not have, or a screen that is not on it
    if (!Number.isFinite(r.startedAt) || !Number.isFinite(r.stamp)) return;
    const now = this.d.now();
    if (now > r.startedAt + WALL_GATE_FORGET_MS) return; // long started: its screens switched on their own
    let runs = this.walls.get(r.wallId);
    if (!runs) this.walls.set(r.wallId, (runs = new Map()));
    this.forgetOld(runs, now);
    let run = runs.get(r.key);
    if (!run) {
      run = { startedAt: r.startedAt, stamps: new Map(), at: null };
      runs.set(r.key, run);
      while (runs.size > WALL_GATE_KEYS) runs.delete(runs.keys().next().value!);
    } else if (run.startedAt !== r.startedAt) return; // the same key with another start: not the same run
    if (run.at !== null) {
      if (here) this.d.go(r.wallId, r.key, run.at, r.screenId); // a late joiner, or a screen back after a reconnection
      return;
    }
    run.stamps.set(r.screenId, Math.max(r.stamp, run.stamps.get(r.screenId) ?? -Infinity));
    this.tryGo(r.wallId, r.key, run, members);
  }

  /**
   * The wall's connected screens changed (one disconnected, moved to another wall, was forgotten, or
   * another node's list of screens changed): a run that every screen still connected has reported
   * goes now. Without `wallId`: every wall.
   */
  recheck(wallId?: string): void {
    const now = this.d.now();
    for (const id of wallId === undefined ? [...this.walls.keys()] : [wallId]) {
      const runs = this.walls.get(id);
      if (!runs) continue;
      const members = this.d.screens(id);
      if (!members) {
        this.walls.delete(id); // the wall left the show
        continue;
      }
      this.forgetOld(runs, now);
      if (runs.size === 0) {
        this.walls.delete(id);
        continue;
      }
      for (const [key, run] of runs) if (run.at === null) this.tryGo(id, key, run, members);
    }
  }

  /** The runs the gate holds for a wall, oldest first (for tests and the log). */
  keys(wallId: string): string[] {
    return [...(this.walls.get(wallId)?.keys() ?? [])];
  }

  private forgetOld(runs: Map<string, Run>, now: number): void {
    for (const [key, run] of runs) if (now > run.startedAt + WALL_GATE_FORGET_MS) runs.delete(key);
  }

  private tryGo(wallId: string, key: string, run: Run, members: readonly string[]): void {
    const connected = members.filter((id) => this.d.isConnected(id));
    // No screen connected: nothing to tell, and a screen that comes back must not hear a go decided without it.
    if (connected.length === 0 || !connected.every((id) => run.stamps.has(id))) return;
    // Every report of the wall's screens counts (also one whose screen has left since): the same
    // reports give the same `at` on every node, whatever each node knows of who is connected.
    let last = -Infinity;
    for (const [id, stamp] of run.stamps) if (members.includes(id)) last = Math.max(last, stamp);
    run.at = Math.max(run.startedAt, last + this.tripMs);
    this.d.go(wallId, key, run.at);
  }
}
