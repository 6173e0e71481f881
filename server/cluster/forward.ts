import crypto from 'node:crypto';
import { fail, type Ack, type CommandSource } from '../../protocol';
import type { Keys } from './keys';
import { REFUSED } from './messages';
import { sleep, type Redis } from './redis';

/** A command on its way to the writer. */
interface Request {
  id: string;
  node: string;
  raw: unknown;
  source: CommandSource;
  actor: string | null;
}

export type CommandAck = Ack<{ version: number }>;
export type LocalCommand = (raw: unknown, source: CommandSource, actor: string | null) => Promise<CommandAck>;

export interface ForwardLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Commands that arrive at a follower go to the writer over Redis pub/sub and are answered from it.
 *
 * Why pub/sub on Redis rather than HTTP between nodes: every node already holds connections to
 * Redis and nothing else, so no node needs an address the others can reach, nor a credential
 * between nodes, nor a listener of its own. The writer listens on a channel named after its
 * fencing token, so a writer that lost the lease hears nothing more; PUBLISH says how many
 * listened, so a follower that finds nobody (a writer change in progress) waits and sends again
 * until one has taken over. A request that reached a writer is never sent twice: without an answer
 * in time, or once the lease names another writer or none, the follower says the change may or may
 * not have been made.
 */
export function createForwarder(deps: { main: Redis; sub: Redis; keys: Keys; node: string; log: ForwardLog; timeoutMs: number; watchMs?: number }) {
  const waiting = new Map<string, (ack: CommandAck) => void>();
  /** Requests a writer heard and has not answered: the writer's fencing token each went to. */
  const heardBy = new Map<string, number>();
  let serving: { channel: string } | null = null;
  let watcher: NodeJS.Timeout | null = null;

  const onReply = (message: string) => {
    try {
      const { id, ack } = JSON.parse(message) as { id: string; ack: CommandAck };
      waiting.get(id)?.(ack);
    } catch {
      /* not ours to answer */
    }
  };

  /** The writer's fencing token as the lease says; null when no node holds it. */
  async function writerToken(): Promise<number | null> {
    const value = await deps.main.sendCommand<string | null>(['GET', deps.keys.lease]);
    const token = value ? Number(value.split(':')[0]) : NaN;
    return Number.isFinite(token) ? token : null;
  }

  /**
   * While requests wait for a writer's answer, the lease is read every `watchMs`: once it names
   * another writer, or none (the one that heard them stopped: killed, cut off), they are answered at
   * once that the change may or may not have been made, rather than at the deadline, so the sender
   * can look and retry on the new writer within a lease's time of the old one stopping.
   */
  function watchWriter(): void {
    if (watcher || heardBy.size === 0) return;
    watcher = setTimeout(() => {
      void writerToken()
        .then((token) => {
          for (const [id, heard] of heardBy) if (heard !== token) waiting.get(id)?.(fail('internal', REFUSED.writerGone));
        })
        .catch(() => {
          /* Redis unreachable: the deadline answers them */
        })
        .finally(() => {
          watcher = null;
          watchWriter();
        });
    }, deps.watchMs ?? 250);
  }

  return {
    /** Starts hearing the answers to this node's requests. */
    start: () => deps.sub.subscribe(deps.keys.replies(deps.node), onReply),

    /** Sends a command to the writer and resolves with its answer (or a refusal saying what to do). */
    async forward(raw: unknown, source: CommandSource, actor: string | null): Promise<CommandAck> {
      const request: Request = { id: crypto.randomBytes(9).toString('base64url'), node: deps.node, raw, source, actor };
      const message = JSON.stringify(request);
      const deadline = performance.now() + deps.timeoutMs;
      const seconds = Math.round(deps.timeoutMs / 1000);
      const answer = new Promise<CommandAck>((resolve) => waiting.set(request.id, resolve));
      try {
        for (;;) {
          const token = await writerToken();
          const heard = token === null ? 0 : await deps.main.sendCommand<number>(['PUBLISH', deps.keys.commands(token), message]);
          if (heard > 0) {
            heardBy.set(request.id, token!);
            watchWriter();
            break;
          }
          if (performance.now() > deadline) return fail('not_allowed_now', REFUSED.noWriter(seconds));
          await sleep(100);
        }
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<CommandAck>((resolve) => (timer = setTimeout(() => resolve(fail('internal', REFUSED.noAnswer(seconds))), Math.max(0, deadline - performance.now()))));
        try {
          return await Promise.race([answer, late]);
        } finally {
          clearTimeout(timer);
        }
      } catch (e) {
        deps.log.warn({ err: (e as Error).message }, 'cluster: a command could not be forwarded to the writer (Redis unreachable)');
        return fail('not_allowed_now', REFUSED.redisDown);
      } finally {
        waiting.delete(request.id);
        heardBy.delete(request.id);
      }
    },

    /** As the writer with fencing token `token`: takes forwarded commands and answers each. */
    async serve(token: number, run: LocalCommand): Promise<void> {
      await this.stopServing();
      const channel = deps.keys.commands(token);
      serving = { channel };
      await deps.sub.subscribe(channel, (message: string) => {
        let request: Request;
        try {
          request = JSON.parse(message) as Request;
          if (typeof request.id !== 'string' || typeof request.node !== 'string') return;
        } catch {
          return;
        }
        void run(request.raw, request.source, request.actor)
          .catch((e: unknown) => fail('internal', `the writer node could not run the command (${(e as Error).message}); retry`))
          .then((ack) => deps.main.sendCommand(['PUBLISH', deps.keys.replies(request.node), JSON.stringify({ id: request.id, ack })]))
          .catch((e: unknown) => deps.log.warn({ err: (e as Error).message }, 'cluster: the answer to a forwarded command could not be sent (Redis unreachable); the follower will say so'));
      });
    },

    /** Stops taking forwarded commands (the lease was lost, or the node closes). */
    async stopServing(): Promise<void> {
      const s = serving;
      serving = null;
      if (s) await deps.sub.unsubscribe(s.channel).catch(() => {});
    },
  };
}

export type Forwarder = ReturnType<typeof createForwarder>;
