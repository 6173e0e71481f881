/** Messages between the benchmark's processes. */
/** `ours` pings the clock responder (server/clock/), `ours-socketio` the old way, over socket.io (--clock-path). */
export type ClientKind = 'ours' | 'ours-socketio' | 'ircam' | 'timesync';

export interface ClientJob {
  kind: ClientKind;
  index: number;
  url: string;
  /** The clock responder's ws: URL (ours pings it; null: the server runs none). */
  clockUrl: string | null;
  durationMs: number;
  /** The server's show clock runs this far ahead of the machine's clock (the truth's offset). */
  shiftMs: number;
  /** The client's local clock is wrong by this much (and drifts by skewPpm). */
  offsetMs: number;
  skewPpm: number;
}

export interface ClientResult {
  kind: ClientKind;
  index: number;
  connected: boolean;
  firstEstimateMs: number | null;
  firstWithin1Ms: number | null;
  /** Sample times since connect (ms) and errors (ms; NaN before a first estimate). */
  times: number[];
  errors: number[];
  /** performance.timeOrigin + performance.now() − hrtime, ms: equal across processes if the truth is shared. */
  originOffsetMs: number;
  /** Ours: samples taken while the last answer came over each way (responder, socketio). */
  pathCounts: Record<string, number>;
}

export interface LoadJob {
  url: string;
  sockets: number;
  hz: number;
  prefix: string;
}

export interface LoadReport {
  connected: number;
  sent: number;
  /** Visitor inputs the server accepted / refused (visitor mode only). */
  acked: number;
  refused: number;
  /** Sockets dropped (they reconnect), and how many are connected at the end. */
  disconnects: number;
  connectedNow: number;
  mode: 'visitor' | 'display-health';
  errors: string[];
}

export interface ServerReady {
  url: string;
  adminToken: string;
  artistToken: string;
  /** The server's show clock = this machine's clock + shiftMs. */
  shiftMs: number;
  originOffsetMs: number;
  clockUrl: string | null;
  /** The responder thread's nice value, and why a raise was refused, if it was. */
  clockPriority: { asked: number | null; nice: number | null; error: string | null } | null;
}

export interface ServerStats {
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  cpuPercent: number;
  /** The clock responder's own thread: its event-loop delay and traffic over the same window (null: none). */
  responder: { loopDelayP50Ms: number; loopDelayP99Ms: number; loopDelayMaxMs: number; connections: number; pings: number; dropped: number } | null;
}
