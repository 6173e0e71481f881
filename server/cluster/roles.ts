import { fail, type CommandSource } from '../../protocol';
import { actingAs } from '../activity/actor';
import type { NodeContext, Role } from './context';
import type { CommandAck } from './forward';
import { REFUSED } from './messages';
import type { WriterGate } from './outputs';
import { loadLog } from './show-log';

/**
 * The writer's side of a node: its role and the gate that tells the DMX and OSC senders, running a
 * command here (the writer), taking the lease over from a follower's copy, and stepping down.
 */
export function createRoles(ctx: NodeContext) {
  const { log, lease, forwarder, keys, main, node, opts } = ctx;
  const roleListeners = new Set<() => void>();

  /** Every change of role goes through here: the DMX and OSC senders hear when this node starts or stops writing. */
  const setRole = (next: Role) => {
    const was = ctx.role === 'writer';
    ctx.role = next;
    // The show clock is the writer's: a node that writes keeps the offset it had (server/cluster/clock.ts).
    if (ctx.role === 'writer') opts.clock?.follow(null);
    if (was !== (ctx.role === 'writer')) for (const fn of roleListeners) fn();
  };

  const gate: WriterGate = {
    isWriter: () => ctx.role === 'writer',
    onChange(fn) {
      roleListeners.add(fn);
      return () => roleListeners.delete(fn);
    },
  };

  /** Runs a command on this node, the writer; answers once Redis has it. */
  async function local(raw: unknown, source: CommandSource, actor: string | null): Promise<CommandAck> {
    if (!ctx.store) return fail('not_allowed_now', REFUSED.notWriter(ctx.writerAddress));
    if (!ctx.up()) return fail('not_allowed_now', REFUSED.redisDown);
    if (ctx.role !== 'writer' || !lease.valid()) return fail('not_allowed_now', REFUSED.notWriter(ctx.writerAddress));
    const s = ctx.store;
    const res = actor ? actingAs(actor, () => s.dispatch(raw, source)) : s.dispatch(raw, source);
    if (!res.ok) return res;
    try {
      // Half the follower's wait, so that a forwarded command hears this answer rather than a bare time-out.
      await ctx.storage.durable(res.version, ctx.timeoutMs / 2);
    } catch (e) {
      return fail('internal', (e as Error).message);
    }
    return res;
  }

  async function takeOver(): Promise<void> {
    setRole('taking over');
    const l = await loadLog(main, keys);
    if (!lease.valid() || ctx.closed) return void stepDown('the lease ran out while the show was loading');
    ctx.cursor = l.cursor;
    const core = ctx.core!;
    const mine = core.get();
    if (l.show) {
      if (l.show.version !== mine.version) core.adopt(l.show);
      ctx.storage.rebase(l.show);
    }
    setRole('writer');
    // The first writer died before its first show was written: the log starts from this node's.
    if (!l.show) ctx.storage.seed(mine);
    await forwarder.serve(lease.token!, local);
    ctx.holder = { token: lease.token!, node };
    log.info({ node, fence: lease.token, version: core.get().version }, `cluster: this node is now the writer (fencing token ${lease.token})`);
  }

  async function stepDown(why: string): Promise<void> {
    if (ctx.role === 'follower' && !lease.value) return;
    const was = ctx.role;
    setRole('follower');
    lease.drop();
    ctx.storage.fail(REFUSED.fenced);
    ctx.resyncWanted = true;
    await forwarder.stopServing();
    log.warn({ node, was }, `cluster: this node stopped writing (${why}); it follows the show log again`);
  }

  return { setRole, gate, local, takeOver, stepDown };
}

export type Roles = ReturnType<typeof createRoles>;
