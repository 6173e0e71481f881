import type { Effect } from '../show/reducer';
import type { ShowStore } from '../show/store';
import type { Keys } from './keys';
import type { Redis } from './redis';

/** The public ids kicked and still kept out, as the writer left them in Redis. */
async function keptOut(main: Redis, keys: Keys): Promise<string[]> {
  const prefix = keys.ban('');
  const ids: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await main.sendCommand<[string, string[]]>(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '500']);
    cursor = next;
    for (const k of found) if (k.length > prefix.length && k.length <= prefix.length + 200) ids.push(k.slice(prefix.length));
  } while (cursor !== '0' && ids.length < 100_000);
  return ids;
}

/**
 * Kicks across nodes: the panel's `visitor.kick` runs on the writer, whose store tells its own
 * visitor hub; the phone may be on another node. The writer publishes each kick on
 * `<prefix>kicks`, and every other node hands it to its own hub as the same effect (`deliver`):
 * every hub removes the phone if it has it and keeps its public id out for the ban's time. The
 * writer also keeps the kick in Redis for the ban's time (`<prefix>ban:<id>`), and a node that
 * starts reads those (its hub keeps them out for a whole ban's time from then). Redis's pub/sub does
 * not keep messages: a running node cut off from Redis at that moment does not hear the kick, so a
 * node whose subscriber connection comes back reads the bans again (its hub removes a kicked phone
 * it still has, and keeps each id out for a whole ban's time from then).
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
  /** How long a kicked visitor is kept out (the hub's `banMs`). */
  banMs: number;
  log: { warn(fields: Record<string, unknown>, message: string): void };
}): { ready: Promise<void>; stop(): Promise<void> } {
  const { main, sub, keys, node } = deps;
  const off = deps.core.subscribe((_show, effects) => {
    if (!deps.isWriter()) return;
    for (const e of effects)
      if (e.kind === 'kick')
        Promise.all([main.sendCommand(['PUBLISH', keys.kicks, `${node}\n${e.visitorId}`]), main.sendCommand(['SET', keys.ban(e.visitorId), '1', 'PX', String(Math.max(1, Math.round(deps.banMs)))])]).catch((err: unknown) =>
          deps.log.warn({ err: (err as Error).message, visitorId: e.visitorId }, 'cluster: a kick could not reach the other nodes (Redis unreachable); a phone on another node stays: kick it again once Redis is back'),
        );
  });
  const readBans = () =>
    keptOut(main, keys).then((ids) => {
      if (ids.length) deps.deliver(ids.map((visitorId) => ({ kind: 'kick' as const, visitorId })));
    });
  // The subscriber connection came back: kicks published meanwhile were missed, so the bans are read
  // again (tried every second until Redis answers: the main connection may come back later).
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  const reread = (): void => {
    if (retry) clearTimeout(retry);
    retry = null;
    if (stopped) return;
    readBans().catch(() => {
      if (!stopped) retry = setTimeout(reread, 1000);
    });
  };
  const ready = sub
    .subscribe(keys.kicks, (message: string) => {
      const nl = message.indexOf('\n');
      if (nl <= 0 || message.slice(0, nl) === node) return;
      const visitorId = message.slice(nl + 1);
      if (visitorId.length > 0 && visitorId.length <= 200) deps.deliver([{ kind: 'kick', visitorId }]);
    })
    .then(readBans)
    .then(() => void sub.on('ready', reread));
  return {
    ready,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      sub.off('ready', reread);
      off();
      await sub.unsubscribe(keys.kicks).catch(() => {});
    },
  };
}
