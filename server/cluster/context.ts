import type { Logger } from 'pino';
import type { AdoptingStore, ShowStore } from '../show/store';
import type { Beats } from './beats';
import type { Forwarder } from './forward';
import type { Keys } from './keys';
import type { LagWindow, RedisClockOffset } from './lead';
import type { Lease } from './lease';
import type { Redis } from './redis';
import type { LogStorage } from './storage';
import type { ClusterOptions, NodeSelf } from './types';
import type { RemoteScreens } from './screens';
import type { ScreenReports } from './screen-reports';
import type { sharedCaps, WallLoad } from './visitor-caps';
import type { VisitorLists } from './visitor-lists';

/** A node's role: the writer, a follower, or a follower that holds the lease and is loading the log. */
export type Role = 'writer' | 'follower' | 'taking over';

/**
 * One node's state in multi-node mode, shared by the parts of server/cluster/ that run it: the
 * lease loop (roles.ts, tick.ts), following the log (follow.ts), the health (health.ts). Built
 * once by `startCluster` (index.ts); the fields below `storage` change as the node runs.
 */
export interface NodeContext {
  readonly opts: ClusterOptions;
  readonly log: Logger;
  readonly keys: Keys;
  /** This node's id (host name, pid, random). */
  readonly node: string;
  readonly leaseMs: number;
  readonly nodeTtlMs: number;
  /** How long a command waits for the writer's answer, or Redis's confirmation. */
  readonly timeoutMs: number;
  /** Commands; fails at once while Redis is unreachable. */
  readonly main: Redis;
  /** Pub/sub (forwarded commands and their answers). */
  readonly sub: Redis;
  /** The show log's blocking reader. */
  readonly reader: Redis;
  readonly lease: Lease;
  readonly forwarder: Forwarder;
  readonly storage: LogStorage;
  /** Whether the main connection to Redis is up. */
  up(): boolean;

  role: Role;
  closed: boolean;
  /** The inner store (adopts the writer's show) and what the edges dispatch to; null until bound. */
  core: (ShowStore & AdoptingStore) | null;
  store: ShowStore | null;
  /** What this node's heartbeat says of it; null until bound. */
  self: NodeSelf | null;
  /** The shared visitor caps, once the visitor hub asked for its view. */
  caps: ReturnType<typeof sharedCaps> | null;
  /** Nodes alive at the last heartbeat. */
  aliveNodes: number;
  /** The lease as Redis last said: the writer's fencing token and id. */
  holder: { token: number; node: string } | null;
  /** The writer's address, for a follower's refusals (null while unknown). */
  writerAddress: string | null;
  /** The writer's clock responder, as its heartbeat announces it. */
  writerClock: string | null;
  /** The show version at the end of the log, as Redis last said. */
  logVersion: number;
  /** How long after the writer appended it this node applied the last change. */
  lastApplyMs: number | null;
  /** This follower's recent lags behind the writer (its heartbeat reports the worst; server/cluster/lead.ts). */
  readonly lags: LagWindow;
  /** Redis's clock against this machine's (the log's entry ids are Redis's milliseconds). */
  readonly redisClock: RedisClockOffset;
  /** The heartbeats: every node's last card, over pub/sub (server/cluster/beats.ts). */
  readonly beats: Beats;
  /** Screens' thumbnails and errors across nodes, once the control panel's transport asked for its display (server/cluster/screen-reports.ts). */
  reports: ScreenReports | null;
  /** The show log's stream id this node has read up to. */
  cursor: string;
  /** The log must be loaded again (a gap, a corrupt entry, or the lease lost). */
  resyncWanted: boolean;
  resyncing: boolean;
  /** Other nodes' connected screens, from their heartbeats (server/cluster/screens.ts). */
  readonly remote: RemoteScreens;
  /** Other nodes' visitors by wall, summed from their heartbeats. */
  remoteLoads: Map<string, WallLoad>;
  /** Every node's visitor rows, asked for when the panel wants them (server/cluster/visitor-lists.ts). */
  readonly lists: VisitorLists;
  /** Told when `remote` or `remoteLoads` changed. */
  readonly remoteChanged: Set<() => void>;
}
