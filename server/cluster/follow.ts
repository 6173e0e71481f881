import { Show } from '../../protocol';
import type { NodeContext } from './context';
import { sleep } from './redis';
import { entryMs, loadLog, parseEntries, patched, type LogEntry } from './show-log';

/** An apply later than this after the append is a catch-up (this node was cut off), not its lag. */
const CATCH_UP_MS = 10_000;

/**
 * Following the show log: every node applies the writer's changes in order from the stream (a
 * blocking read on a connection of its own), loads the whole log again after a gap or a corrupt
 * entry, and lets a forwarded command's answer wait until this node's copy shows its change.
 */
export function createLogFollower(ctx: NodeContext) {
  const { main, reader, keys, log } = ctx;
  /** Callers waiting for this node's copy to reach a version (a forwarded command's answer waits for its own change). */
  const catchUps = new Set<{ v: number; done: () => void }>();

  function adopt(show: Show): void {
    ctx.core?.adopt(show);
    ctx.storage.rebase(show);
    for (const w of catchUps) if (show.version >= w.v) w.done();
  }

  /** Resolves once this node serves version `v` (or after `ms`): a follower answers a command when its own copy shows it. */
  function caughtUp(v: number, ms: number): Promise<void> {
    if (!ctx.core || ctx.core.get().version >= v) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { v, done: () => { clearTimeout(timer); catchUps.delete(w); resolve(); } };
      const timer = setTimeout(w.done, ms);
      catchUps.add(w);
    });
  }

  /** Loads the whole log again and takes it as it is (after a gap, a corrupt entry, or losing the lease). */
  async function resync(): Promise<void> {
    if (ctx.resyncing || !ctx.core) return;
    ctx.resyncing = true;
    try {
      const l = await loadLog(main, keys);
      if (ctx.role !== 'follower') return;
      ctx.cursor = l.cursor;
      if (l.show) adopt(l.show);
      ctx.resyncWanted = false;
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'cluster: the show log could not be loaded again; retrying');
    } finally {
      ctx.resyncing = false;
    }
  }

  function apply(e: LogEntry): void {
    const core = ctx.core;
    if (ctx.role !== 'follower' || ctx.resyncWanted || !core) return;
    const p = e.payload;
    if (!p) return void (ctx.resyncWanted = true);
    const cur = core.get();
    if (p.v <= cur.version) return;
    let next: Show;
    if ('show' in p) {
      const parsed = Show.safeParse(p.show);
      if (!parsed.success) return void (ctx.resyncWanted = true);
      next = { ...parsed.data, version: p.v };
    } else if (p.from === cur.version) next = patched(cur, p.ops, p.v);
    else return void (ctx.resyncWanted = true);
    adopt(next);
    // From the writer's append (Redis's clock) to this node's copy: the lag its heartbeat reports for the writer's play lead.
    ctx.lastApplyMs = Math.max(0, Date.now() + ctx.redisClock.offsetMs - entryMs(e.id));
    // A catch-up after an outage is no lag a lead could cover: such a node's screens switch late whatever the lead.
    if (ctx.lastApplyMs <= CATCH_UP_MS) ctx.lags.record(ctx.lastApplyMs, performance.now());
  }

  /** Follows the log: every entry after the cursor, in order, until the node closes. */
  async function follow(): Promise<void> {
    while (!ctx.closed) {
      try {
        if (ctx.resyncWanted && ctx.up()) await resync();
        const raw = await reader.sendCommand<Array<[string, unknown]> | null>(['XREAD', 'COUNT', '500', 'BLOCK', '1000', 'STREAMS', keys.log, ctx.cursor]);
        for (const e of parseEntries(raw?.[0]?.[1])) {
          ctx.cursor = e.id;
          apply(e);
        }
      } catch {
        if (!ctx.closed) await sleep(250);
      }
    }
  }

  return { follow, caughtUp };
}
