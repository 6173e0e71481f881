import type { Effect } from '../show/reducer';
import type { ShowStore } from '../show/store';
import type { Keys } from './keys';
import type { Redis } from './redis';

/**
 * Kicks across nodes: the panel's `visitor.kick` runs on the writer, whose store tells its own
 * visitor hub; the phone may be on another node. The writer publishes each kick on
 * `<prefix>kicks`, and every other node hands it to its own hub as the same effect (`deliver`).
 * Redis's pub/sub does not keep messages: a node cut off from Redis at that moment does not hear
 * the kick (the panel's list still shows the phone: kick again).
 */
export function startKicks(deps: {
  main: Redis;
  sub: Redis;
  keys: Keys;
  node: string;
  isWriter(): boolean;
  /** The writer's store: its kick effects are published. */
  core: Pick<ShowStore, 'subscribe'>;
  /** Hands another node's kick to this node's visitor hub. */
  deliver(effects: Effect[]): void;
  log: { warn(fields: Record<string, unknown>, message: string): void };
}): { ready: Promise<void>; stop(): Promise<void> } {
  const { main, sub, keys, node } = deps;
  const off = deps.core.subscribe((_show, effects) => {
    if (!deps.isWriter()) return;
    for (const e of effects)
      if (e.kind === 'kick')
        main.sendCommand(['PUBLISH', keys.kicks, `${node}\n${e.visitorId}`]).catch((err: unknown) =>
          deps.log.warn({ err: (err as Error).message, visitorId: e.visitorId }, 'cluster: a kick could not reach the other nodes (Redis unreachable); a phone on another node stays: kick it again once Redis is back'),
        );
  });
  const ready = sub.subscribe(keys.kicks, (message: string) => {
    const nl = message.indexOf('\n');
    if (nl <= 0 || message.slice(0, nl) === node) return;
    const visitorId = message.slice(nl + 1);
    if (visitorId.length > 0 && visitorId.length <= 200) deps.deliver([{ kind: 'kick', visitorId }]);
  });
  return {
    ready,
    async stop() {
      off();
      await sub.unsubscribe(keys.kicks).catch(() => {});
    },
  };
}
