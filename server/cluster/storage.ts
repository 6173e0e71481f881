import type { Show } from '../../protocol';
import type { ShowStorage } from '../persistence/journal';
import { diffShows, type Payload } from '../persistence/records';
import type { Keys } from './keys';
import { REFUSED, Refusal } from './messages';
import type { Redis } from './redis';
import { sleep } from './redis';
import { isFenced } from './scripts';
import { appendRecord, writeSnapshot } from './show-log';

export interface WriterState {
  /** This node's lease value while it holds the lease (and its local validity has not run out); else null. */
  leaseValue(): string | null;
  redisUp(): boolean;
  /** The writer node's address, for a follower's refusal (null while unknown). */
  writerAddress?(): string | null;
}

interface Pending {
  from: number;
  payload: Payload;
  leaseValue: string;
}

interface Waiter {
  v: number;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface LogStorageLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

/**
 * The show storage of multi-node mode: the writer's store saves into the Redis log
 * (server/cluster/show-log.ts) instead of the local journal. `save` is synchronous, as the store
 * wants: it refuses at once (nothing changed) on a follower or while Redis is unreachable, else it
 * queues the record and sends the queue in order. `durable(v)` resolves once Redis has appended
 * version v: the command's answer waits for it, so an acknowledged command is in Redis.
 */
export class LogStorage implements ShowStorage {
  private last: Show | null = null;
  private queue: Pending[] = [];
  private confirmed = -1;
  private readonly waiters = new Set<Waiter>();
  private flushing = false;
  private sinceSnapshot = 0;

  constructor(
    private readonly deps: {
      redis: Redis;
      keys: Keys;
      writer: WriterState;
      /** The show the log held at start; null when empty (this node, the writer, writes the first). */
      initial: Show | null;
      /** The node's own data directory's storage: the first writer starts the log from its show. */
      fallback: ShowStorage;
      log: LogStorageLog;
      /** A FENCED or GAP answer: this node must step down. */
      onFenced(): void;
      /** Records between snapshots (default 200). */
      snapshotEvery?: number;
    },
  ) {}

  load(): Show | null {
    if (this.deps.initial) {
      this.rebase(this.deps.initial);
      return this.deps.initial;
    }
    const local = this.deps.fallback.load();
    if (local) {
      this.deps.log.info({ version: local.version }, 'cluster: the show log in Redis is empty; starting it from this node\'s data directory');
      this.save(local);
    }
    return local;
  }

  save(show: Show): void {
    const leaseValue = this.deps.writer.leaseValue();
    if (!leaseValue) throw new Refusal(REFUSED.notWriter(this.deps.writer.writerAddress?.() ?? null));
    if (!this.deps.writer.redisUp()) throw new Refusal(REFUSED.redisDown);
    const last = this.last;
    const payload: Payload = last && show.version === last.version + 1 ? { v: show.version, from: last.version, ops: diffShows(last, show) } : { v: show.version, show };
    this.queue.push({ from: last?.version ?? -1, payload, leaseValue });
    this.last = show;
    if (!this.flushing) void this.flush();
  }

  close(): void {
    this.fail(REFUSED.fenced);
  }

  /** The highest version Redis has confirmed. */
  get durableVersion(): number {
    return this.confirmed;
  }

  /** Resolves once version `v` is durable in Redis; rejects (with what to do) after `timeoutMs` or when the lease is lost. */
  durable(v: number, timeoutMs: number): Promise<void> {
    if (v <= this.confirmed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        v,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new Refusal(REFUSED.notConfirmed(Math.round(timeoutMs / 1000))));
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  /** The show this node now has, from the log (after it loaded or followed it): the next record is a patch from it. */
  rebase(show: Show): void {
    this.fail(REFUSED.fenced);
    this.last = show;
    this.confirmed = show.version;
    this.sinceSnapshot = 0;
  }

  /** Starts an empty log with `show` (as a whole-show record). */
  seed(show: Show): void {
    this.rebase(show);
    this.last = null;
    this.confirmed = -1;
    this.save(show);
  }

  /** Drops what is not yet durable and refuses its waiters (the lease was lost). */
  fail(message: string): void {
    this.queue = [];
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Refusal(message));
    }
    this.waiters.clear();
  }

  private settle(): void {
    for (const w of this.waiters)
      if (w.v <= this.confirmed) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve();
      }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue[0]!;
        let id: string;
        try {
          id = await appendRecord(this.deps.redis, this.deps.keys, next.leaseValue, next.from, next.payload);
        } catch (e) {
          if (this.queue[0] !== next) continue; // dropped meanwhile (the lease was lost)
          if (isFenced(e)) {
            this.deps.log.warn({ err: (e as Error).message, version: next.payload.v }, 'cluster: Redis refused the show log append (another node holds the writer lease); stepping down');
            this.fail(REFUSED.fenced);
            this.deps.onFenced();
            return;
          }
          // Redis unreachable: the record stays first in the queue and is sent again while the lease may still be ours.
          if (!this.deps.writer.leaseValue()) {
            this.fail(REFUSED.fenced);
            return;
          }
          await sleep(200);
          continue;
        }
        if (this.queue[0] !== next) continue;
        this.queue.shift();
        this.confirmed = next.payload.v;
        this.settle();
        if (++this.sinceSnapshot >= (this.deps.snapshotEvery ?? 200) && this.queue.length === 0 && this.last?.version === next.payload.v) {
          this.sinceSnapshot = 0;
          const show = this.last;
          writeSnapshot(this.deps.redis, this.deps.keys, next.leaseValue, show, id).catch((e: unknown) =>
            this.deps.log.warn({ err: (e as Error).message }, 'cluster: the show snapshot in Redis could not be written; the log keeps every change, it is tried again later'),
          );
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
