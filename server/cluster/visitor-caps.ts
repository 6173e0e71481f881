import type { Show } from '../../protocol';
import type { Effect } from '../show/reducer';
import type { ShowListener, ShowStore } from '../show/store';

/** A node's visitors on one wall: [holding a place (playing, or a dropped phone's held place), queued]. */
export type WallLoad = [number, number];

/**
 * This node's share of a wall's visitor cap, from every node's load on it. Every node computes it
 * from the same list, so the shares add up to the cap: each node keeps the places it holds; the
 * free places go first to the nodes with visitors queued (the longest queue first, then by id), each
 * up to its queue; the rest is split evenly (the first nodes by id get the remainder), so that a
 * phone arriving anywhere plays at once while the wall has room. Over the cap (it was lowered), a
 * node keeps what it holds and admits nobody, as on one node.
 */
export function shareOf(cap: number, loads: ReadonlyArray<{ id: string; load: WallLoad }>, me: string): number {
  const byId = [...loads].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mine = byId.find((n) => n.id === me);
  if (!mine) return cap;
  let free = Math.max(0, cap - byId.reduce((sum, n) => sum + n.load[0], 0));
  const extra = new Map<string, number>();
  for (const n of [...byId].sort((a, b) => b.load[1] - a.load[1])) {
    const take = Math.min(free, n.load[1]);
    extra.set(n.id, take);
    free -= take;
  }
  const each = Math.floor(free / byId.length);
  const rest = free - each * byId.length;
  byId.forEach((n, i) => extra.set(n.id, (extra.get(n.id) ?? 0) + each + (i < rest ? 1 : 0)));
  return mine.load[0] + extra.get(me)!;
}

/**
 * The show as a node's visitor hub must see it in multi-node mode: each wall's visitor cap is this
 * node's share of it (shareOf), recomputed at every heartbeat from the loads every node writes into
 * Redis (server/cluster/nodes.ts). A dead node's heartbeat runs out, and its visitors with it.
 * Everything else passes through; the walls object keeps its identity while nothing changes, so
 * the hub resyncs only when a share or the show's walls changed.
 */
export function sharedCaps(store: ShowStore): {
  view: ShowStore;
  setShares(shares: ReadonlyMap<string, number> | null): void;
  /** Tells the hub of effects the writer's command had on another node (a kick: server/cluster/kicks.ts), with the show unchanged. */
  deliver(effects: Effect[]): void;
} {
  let shares: ReadonlyMap<string, number> = new Map();
  let memo: { from: Show['walls']; shares: ReadonlyMap<string, number>; walls: Show['walls'] } | null = null;
  const listeners = new Set<ShowListener>();
  const walls = (show: Show): Show['walls'] => {
    if (shares.size === 0) return show.walls;
    if (memo && memo.from === show.walls && memo.shares === shares) return memo.walls;
    const out: Show['walls'] = {};
    for (const [id, w] of Object.entries(show.walls)) {
      const share = shares.get(id);
      out[id] = share === undefined || share === w.visitorCap ? w : { ...w, visitorCap: Math.min(w.visitorCap, share) };
    }
    memo = { from: show.walls, shares, walls: out };
    return out;
  };
  const view = (show: Show): Show => (shares.size === 0 ? show : { ...show, walls: walls(show) });
  return {
    view: {
      get: () => view(store.get()),
      dispatch: (raw, source) => store.dispatch(raw, source),
      replace: (raw) => store.replace(raw),
      onDispatch: (l) => store.onDispatch(l),
      refused: (raw, source, error) => store.refused(raw, source, error),
      subscribe(l) {
        listeners.add(l);
        const off = store.subscribe((show, effects, command) => l(view(show), effects, command));
        return () => {
          listeners.delete(l);
          off();
        };
      },
    },
    setShares(next) {
      const n = next ?? new Map<string, number>();
      if (n.size === shares.size && [...n].every(([k, v]) => shares.get(k) === v)) return;
      shares = n;
      const show = view(store.get());
      for (const l of listeners) l(show, [], null);
    },
    deliver(effects) {
      const show = view(store.get());
      for (const l of listeners) l(show, effects, null);
    },
  };
}
