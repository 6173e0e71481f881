/** IPC between the soak bench's orchestrator (run.ts) and its child processes. */

export interface ServerReady {
  url: string;
  adminToken: string;
}

/** The server process's memory and error log at one moment. */
export interface ServerSample {
  /** Resident set size, MB (after a full GC when the process runs with --expose-gc). */
  rssMB: number;
  /** V8 heap used just before the GC, MB. */
  heapUsedMB: number;
  /** V8 heap used after a full GC, MB (the live heap; equals heapUsedMB without --expose-gc). */
  heapLiveMB: number;
  externalMB: number;
  /** Log lines at error level or above since start, and at warn level. */
  errorLines: number;
  warnLines: number;
  /** The warn-level lines by kind (message and error message, numbers taken out), and how many. */
  warnKinds: Record<string, number>;
  /** The last few error lines (msg and err.message), for the report. */
  lastErrors: string[];
  /** Event-loop delay p99 and max since the previous sample, ms. */
  loopP99Ms: number;
  loopMaxMs: number;
  /** CPU of the server process since the previous sample, % of one core. */
  cpuPct: number;
  /**
   * Share of the time since the previous sample that the server's main thread was runnable but
   * waiting for a CPU (%; bench/lib/schedstat.ts): high while the loop lags and the CPU is low means
   * the machine starves the server. Null where the kernel keeps no schedstat.
   */
  mainWaitPct: number | null;
  /** Places the visitor hub holds on every wall (playing, queued, and dropped phones within their grace). */
  visitorsHeld: number;
  /** socket.io connections open on the server (screens, phones, the panel). */
  sockets: number;
  /** What the data directory holds on disk (the show's snapshots and journal, backups, the activity log), MB. */
  dataDirMB: number;
}

/** 'snapshot': write a heap snapshot of the server to `file` (after a full GC); the answer says its size, or why not. */
export type ToServer = { type: 'sample' } | { type: 'snapshot'; file: string } | { type: 'close' };
export type FromServer = { ready: ServerReady } | { sample: ServerSample } | { snapshot: { bytes: number } | { error: string } } | { closed: true };

export interface PhoneJob {
  url: string;
  count: number;
  /** Walls to spread the phones over (phone i joins walls[i % walls.length]). */
  walls: string[];
  prefix: string;
  hz: number;
  /**
   * Visitors come and go (--visit-s): each phone leaves after 0.5–1.5 times this many seconds
   * (its socket closed, as a visitor walking out) and a new visitor, with a new id and a new
   * socket, takes its place. 0: the same phones stay the whole run.
   */
  visitS: number;
}

/** Counters of one phone process since its start. */
export interface PhoneCounters {
  phones: number;
  /** Phones joined and playing now. */
  playing: number;
  connected: number;
  sent: number;
  acked: number;
  /** Round trips of answered inputs (send → ack), summed, ms; and how many. */
  rttSumMs: number;
  rttCount: number;
  /** Answers that asked the phone to slow down (the server's pacer: it is behind), and the pace asked, summed, ms. */
  paced: number;
  paceSumMs: number;
  /** Inputs the server refused, by error code. */
  refused: Record<string, number>;
  /** connect_error events (including failed reconnection attempts). */
  connectErrors: number;
  /** Joins the server refused or that timed out. */
  joinErrors: number;
  /** Disconnections after the first connection, and connections after a disconnection. */
  disconnects: number;
  reconnects: number;
  /** Views received (visitor:view: the wall's piece changed, the phone switched controls). */
  views: number;
  kicked: number;
  /** Visitors who left (--visit-s), and the new ones who came in their place and joined. */
  left: number;
  arrived: number;
  /** The first few messages of each kind of error. */
  examples: string[];
  cpuMs: number;
}

export type ToPhones = { type: 'go' } | { type: 'report' } | { type: 'quit' };
export type FromPhones = { connected: { connected: number; failed: number; examples: string[] } } | { report: PhoneCounters };
