import type { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ClusterNodeEntry, CommandSource, ScreenStatus, ServerHealth, Show, VisitorListEntry, VisitorStats } from '../../protocol';
import type { PreloadSnapshot } from '../screens/preload-times';
import type { ShowStorage } from '../persistence/journal';
import type { AdoptingStore, ShowStore } from '../show/store';
import type { ClusterClock } from './clock';
import type { CommandAck } from './forward';
import type { WriterGate } from './outputs';
import type { DisplayTransport } from '../transport/display';
import type { HubOptions } from '../visitors/options';
import type { RelayCounters } from './visitor-relay';

/** What `startCluster` (server/cluster/index.ts) is given. */
export interface ClusterOptions {
  url: string;
  /** Key prefix (PAVILION_REDIS_PREFIX, default `pavilion:`). */
  prefix?: string;
  logger: Logger;
  /** This node's own data directory's show: the first writer starts the log from it. */
  fallback: ShowStorage;
  /** The lease's TTL (default 3000 ms): a dead writer is replaced after about this long. */
  leaseMs?: number;
  /** How long a command waits for the writer's answer, or Redis's confirmation (default 10 s). */
  commandTimeoutMs?: number;
  /** A node without a heartbeat for this long drops out of the list of nodes (default 3 × the lease's TTL). */
  nodeTtlMs?: number;
  /** The show clock on this node: made to follow the writer's clock responder (server/cluster/clock.ts). */
  clock?: ClusterClock;
}

/** What a node says of itself in the list of nodes (GET /api/nodes). */
export interface NodeSelf {
  /** Its base URL (PAVILION_PUBLIC_URL, else its first LAN address and port). */
  address(): string;
  upSince: number;
  /** socket.io connections it holds now. */
  clients(): number;
  /** Its visitors on a wall (the shared visitor caps count them). */
  visitors?(wallId: string): VisitorListEntry[];
  /** Its clock responder's ws(s) URL as other nodes reach it; null without one. */
  clockUrl?(): string | null;
  /** Its screens' statuses (the connected ones go into its heartbeat: server/cluster/screens.ts). */
  screens?(): ScreenStatus[];
  /** What it has of a screen's preload times (server/screens/preload-times.ts `snapshot`). */
  preloads?(screenId: string): PreloadSnapshot | null;
  /** Another node's screen's preload times (its page is connected there): the writer's play lead counts them. */
  adoptPreloads?(screenId: string, snapshot: PreloadSnapshot): void;
}

export interface Cluster {
  node: string;
  storage: ShowStorage;
  /** socket.io's options for this mode (server/transport/io.ts). */
  io: { adapter: ReturnType<typeof createAdapter>; connectionStateRecovery: { maxDisconnectionDuration: number; skipMiddlewares: boolean } };
  /**
   * Starts following and writing, once the app has built its store and listens (`core`: the inner
   * store; `store`: what the edges dispatch to; `self`: what its heartbeat says; `metrics`: the
   * registry its series go on).
   */
  bind(deps: { core: ShowStore & AdoptingStore; store: ShowStore; self: NodeSelf; metrics?: Registry }): void;
  /** Every node alive, the writer first (GET /api/nodes), from their heartbeats as this node heard them; throws while Redis is unreachable. */
  nodes(): Promise<ClusterNodeEntry[]>;
  /** Whether this node is the writer now, and when that changes: only the writer sends DMX and OSC out. */
  gate: WriterGate;
  /** The show as this node's DMX sender must see it: its outputs on the writer only (server/cluster/outputs.ts). */
  dmxView(store: { get(): Show; subscribe: ShowStore['subscribe'] }): { get(): Show; subscribe: ShowStore['subscribe'] };
  /** The show as this node's visitor hub must see it: each wall's cap is this node's share of it (server/cluster/visitor-caps.ts). Call once. */
  visitorView(store: ShowStore): ShowStore;
  /**
   * Visitors anywhere: the display transport as this node's visitor transport must see it. The
   * hub's frames of this node's phones go to the relay, which publishes them for the other nodes
   * and sends this node's screens frames of every node's phones (server/cluster/visitor-relay.ts).
   * `time`: show time; `options`: the hub's (its `frameMs` and `maxEventsPerFrame` apply). Call once.
   */
  visitorDisplay(display: DisplayTransport, time: () => number, options?: Partial<HubOptions>): DisplayTransport;
  /** The relay's totals (benchmarks: Redis traffic per input). */
  relayCounters(): RelayCounters;
  /**
   * The display transport as the control panel's transport must see it: every node's screens'
   * errors and (while a panel watches) thumbnails, not only this node's (server/cluster/screen-reports.ts). Call once.
   */
  controlDisplay(display: DisplayTransport): DisplayTransport;
  /** The panel's screens: this node's statuses with the screens connected to other nodes as those say (server/cluster/screens.ts). */
  screens(local: ScreenStatus[]): ScreenStatus[];
  /** Whether a screen's page is connected to another node (as its last heartbeat said): the play lead counts it. */
  connectedElsewhere(screenId: string): boolean;
  /** Connected to another node and not stale there: the wall's gate waits for it (server/screens/wall-gate.ts). */
  answeringElsewhere(screenId: string): boolean;
  /** A screen's page connected to this node or left it: this node's heartbeat goes out now (the other nodes' panels and walls' gates learn at once). */
  screensChanged(): void;
  /**
   * The writer's lead for a `wall.play` without `at` (server/cluster/lead.ts): for each node with
   * screens of the wall, the one-node lead of its screens (`leadOf`) plus that node's lag behind the
   * writer, as its heartbeat reports it; the longest. `here`: whether a screen's page is connected to this node.
   */
  playLeadMs(screens: string[], here: (screenId: string) => boolean, leadOf: (screenIds: string[]) => number): number;
  /** The screens that will switch late to a play `availableMs` from now: the one-node rule (`lateOf`) with each node's lag taken off its screens' time. */
  lateScreens(
    screens: string[],
    here: (screenId: string) => boolean,
    availableMs: number,
    lateOf: (screenIds: string[], availableMs: number) => Array<{ screenId: string; byMs: number }>,
  ): Array<{ screenId: string; byMs: number }>;
  /** A wall's visitor counts with the other nodes' (their heartbeats' loads; inputs per second are this node's). */
  visitorStats(wallId: string, local: VisitorStats): VisitorStats;
  /** A wall's visitors on every node (the panel's kick list; server/cluster/visitor-lists.ts). */
  visitors(wallId: string, local: VisitorListEntry[]): Promise<VisitorListEntry[]>;
  /** Called when what the panel shows of other nodes' screens or visitor counts changed (at a heartbeat). */
  onRemoteChange(fn: () => void): void;
  /** A command from an edge (panel, REST): run here on the writer, else forwarded to it. The answer means durable. */
  command(raw: unknown, source: CommandSource, actor?: string): Promise<CommandAck>;
  /** GET /api/health with this node's part (`cluster`), degraded while Redis is unreachable or no node writes. */
  health(h: ServerHealth): ServerHealth;
  close(): Promise<void>;
}
