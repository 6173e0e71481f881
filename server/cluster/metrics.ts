import { Gauge, Histogram, type Registry } from 'prom-client';

/** What the cluster's series read at scrape time. */
export interface ClusterMetricSources {
  node: string;
  isWriter(): boolean;
  /** The writer's node id as the lease in Redis said at the last look; null while none. */
  writer(): string | null;
  /** The lease's fencing token as Redis said at the last look; null while no node holds it. */
  fence(): number | null;
  /** On the writer: how long its lease stays valid without a renewal (its local deadline); 0 elsewhere. */
  leaseLeftMs(): number;
  redisUp(): boolean;
  lagVersions(): number;
  /** Nodes whose heartbeat was alive at this node's last heartbeat. */
  nodes(): number;
  /** The show clock on this node (server/cluster/clock.ts): offset from this machine's clock, and a follower's estimate's uncertainty (null on the writer, or before an estimate). */
  clock(): { synced: boolean; offsetMs: number; uncertaintyMs: number | null; follows: string | null };
}

/**
 * Multi-node mode's series on GET /metrics (docs/links.md, "Metrics"; docs/operations.md, "Several
 * nodes"), on the app's own registry, each labelled with this node's id so that one Prometheus can
 * scrape every node and tell them apart.
 */
export function registerClusterMetrics(registry: Registry, s: ClusterMetricSources): { visitorHop(ms: number, wallId: string): void } {
  const registers = [registry];
  const gauge = (name: string, help: string, value: () => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['node'] as const,
      registers,
      collect() {
        this.reset();
        this.set({ node: s.node }, value());
      },
    });
  new Gauge({
    name: 'pavilion_cluster_node_info',
    help: 'This node of a multi-node pavilion: always 1, with its role (writer or follower) and the writer\'s node id (empty while none) as labels',
    labelNames: ['node', 'role', 'writer'] as const,
    registers,
    collect() {
      this.reset();
      this.set({ node: s.node, role: s.isWriter() ? 'writer' : 'follower', writer: s.writer() ?? '' }, 1);
    },
  });
  gauge('pavilion_cluster_writer', '1 when this node holds the writer lease (applies every command), 0 on a follower', () => (s.isWriter() ? 1 : 0));
  gauge('pavilion_cluster_lease_fence', 'The writer lease\'s fencing token as Redis said at this node\'s last look (grows with every new writer; -1 while no node holds it)', () => s.fence() ?? -1);
  gauge('pavilion_cluster_lease_remaining_seconds', 'On the writer: how long its lease stays valid without a renewal, in seconds; 0 on a follower', () => Math.max(0, s.leaseLeftMs()) / 1000);
  gauge('pavilion_cluster_redis_up', '1 when this node reaches Redis, 0 while it cannot (commands are refused then)', () => (s.redisUp() ? 1 : 0));
  gauge('pavilion_cluster_lag_versions', 'Show versions the writer has made durable that this node has not applied yet (at its last look)', () => s.lagVersions());
  gauge('pavilion_cluster_nodes', 'Nodes of the pavilion whose heartbeat is alive in Redis (at this node\'s last heartbeat)', () => s.nodes());
  gauge('pavilion_cluster_clock_offset_ms', "Show time minus this node's machine clock, in ms: the writer's own (0 for a cluster's first writer), a follower's estimate of the writer's", () => s.clock().offsetMs);
  gauge(
    'pavilion_cluster_clock_uncertainty_ms',
    "A follower's bound on the error of its estimate of the writer's clock, in ms (half its best round trip plus its fit's residual); 0 on the writer, whose clock is the show clock; -1 while a follower has no estimate",
    () => {
      const c = s.clock();
      if (!c.follows) return 0;
      return c.synced && c.uncertaintyMs !== null ? c.uncertaintyMs : -1;
    },
  );
  gauge('pavilion_cluster_clock_synced', '1 when this node serves the writer\'s clock (it is the writer, or a follower with an estimate), 0 while a follower has none yet', () => (s.clock().synced ? 1 : 0));
  const hop = new Histogram({
    name: 'pavilion_cluster_visitor_hop_seconds',
    help: "Visitors anywhere: from another node's PUBLISH of its phones' states on a wall to this node reading them (show time: the hop through Redis and both nodes' event loops); only the nodes with screens of the wall hear them",
    labelNames: ['node', 'wall'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers,
  });
  return { visitorHop: (ms, wall) => hop.observe({ node: s.node, wall }, ms / 1000) };
}
