/**
 * The Redis keys and channels of one pavilion (every name starts with the prefix,
 * PAVILION_REDIS_PREFIX, default `pavilion:`, so that several pavilions can share one Redis).
 */
export interface Keys {
  /** The writer's lease: `<fencing token>:<node id>`, with a TTL the writer renews. */
  lease: string;
  /** The fencing counter: INCR gives each new writer a larger token. */
  fence: string;
  /** The show version at the end of the log (set by the same script that appends). */
  version: string;
  /** The show log: a stream of checksummed records, one per show version (server/persistence/records.ts). */
  log: string;
  /** The latest snapshot, `{ v, id, show }`: the log is trimmed to the entries after it. */
  snapshot: string;
  /** The channel the writer with this fencing token takes forwarded commands on. */
  commands(token: number): string;
  /** The channel a node hears its forwarded commands' answers on. */
  replies(node: string): string;
  /**
   * The heartbeats' channel: every node publishes its card there once a second, asks the others to
   * announce themselves when it starts or reconnects, and asks for their visitor rows
   * (server/cluster/beats.ts). Pub/sub: nothing is written, so Redis fsyncs nothing for it.
   */
  beats: string;
  /** The channel a node hears the answers to what it asked on `beats` (server/cluster/beats.ts). */
  to(node: string): string;
  /** Screens' errors, their ready runs, and their thumbnails while a panel on another node watches (server/cluster/screen-reports.ts). */
  reports: string;
  /** socket.io's stream and channels (the Redis streams adapter). */
  io: { stream: string; channels: string; sessions: string };
  /** The channel each node publishes its visitors' states on a wall on (server/cluster/visitor-relay.ts); the nodes with screens of the wall listen. */
  visitorsOf(wallId: string): string;
  /** The channel the writer publishes the panel's kicks on, for the node the phone is on (server/cluster/kicks.ts). */
  kicks: string;
  /** A kicked public id, for as long as it is kept out (a node that starts later keeps it out too: server/cluster/kicks.ts). */
  ban(publicId: string): string;
}

export function keysFor(prefix: string): Keys {
  return {
    lease: `${prefix}writer`,
    fence: `${prefix}writer:fence`,
    version: `${prefix}show:version`,
    log: `${prefix}show:log`,
    snapshot: `${prefix}show:snapshot`,
    commands: (token) => `${prefix}commands:${token}`,
    replies: (node) => `${prefix}replies:${node}`,
    beats: `${prefix}beats`,
    to: (node) => `${prefix}to:${node}`,
    reports: `${prefix}reports`,
    io: { stream: `${prefix}io`, channels: `${prefix}io`, sessions: `${prefix}io:session:` },
    visitorsOf: (wallId) => `${prefix}visitors:${wallId}`,
    kicks: `${prefix}kicks`,
    ban: (publicId) => `${prefix}ban:${publicId}`,
  };
}
