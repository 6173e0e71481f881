import { createClient } from 'redis';

/** A connection to Redis (node-redis, RESP2: the replies this folder parses are RESP2's shapes). */
export type Redis = ReturnType<typeof redisClient>;

export interface RedisLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * A connection that reconnects on its own (every 250 ms to 2 s) and never crashes the process on a
 * lost connection. `queueWhileDown: false` makes every command fail at once while Redis is
 * unreachable, so that a command is refused then instead of hanging; the blocking reader keeps its
 * queue (it waits for Redis to come back).
 */
export function redisClient(url: string, name: string, opts: { queueWhileDown: boolean; log: RedisLog }) {
  const client = createClient({
    url,
    name,
    RESP: 2,
    disableOfflineQueue: !opts.queueWhileDown,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(250 * (retries + 1), 2000) },
  });
  let said = false;
  client.on('error', (e: Error) => {
    // node-redis reports every failed reconnection; say it once per outage.
    if (!said) opts.log.warn({ err: e.message, connection: name }, `cluster: Redis connection '${name}' lost (${e.message}); reconnecting`);
    said = true;
  });
  client.on('ready', () => (said = false));
  return client;
}

/**
 * The client the socket.io adapter publishes with. The adapter drops the promises of a few calls
 * (PUBLISH of its ephemeral messages, SET of a session): with Redis down they would reject
 * unhandled and stop the process, so they are caught here (the adapter itself logs and carries
 * on). Its readers (duplicates) queue while Redis is down, so that their polling loop waits instead
 * of spinning.
 */
export function adapterClient(client: Redis): Redis {
  return new Proxy(client, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key === 'duplicate') return (overrides?: object) => target.duplicate({ disableOfflineQueue: false, ...overrides });
      if ((key === 'publish' || key === 'set' || key === 'sPublish') && typeof value === 'function')
        return (...args: unknown[]) => {
          const p = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          p.catch(() => {});
          return p;
        };
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What is wrong with Redis's durability settings for the show log (null: AOF with fsync always, or not readable). */
export async function aofWarning(main: Redis): Promise<string | null> {
  try {
    const pairs = await main.sendCommand<string[]>(['CONFIG', 'GET', 'append*']);
    const conf = new Map<string, string>();
    for (let i = 0; i + 1 < pairs.length; i += 2) conf.set(pairs[i]!, pairs[i + 1]!);
    if (conf.get('appendonly') === 'yes' && conf.get('appendfsync') === 'always') return null;
    return `Redis does not write every change to disk before answering (appendonly ${conf.get('appendonly') ?? '?'}, appendfsync ${conf.get('appendfsync') ?? '?'}): an acknowledged command can be lost if Redis itself stops; set appendonly yes and appendfsync always (docs/operations.md, "Several nodes")`;
  } catch {
    return null; // CONFIG is disabled (a managed Redis): its documentation says how it persists
  }
}

/** The URL without its password, for logs. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}
