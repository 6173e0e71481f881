/** Messages between the benchmark's processes. */
export type ClientKind = 'ours' | 'ircam' | 'timesync';

export interface ClientJob {
  kind: ClientKind;
  index: number;
  url: string;
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
}

export interface ServerStats {
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  cpuPercent: number;
}
