import type { HostListener, HostSnapshot } from './host-types';

/** `next`, or `prev` when it holds the same items in the same order: the bindings compare the lists by identity. */
function sameList<L extends readonly unknown[]>(prev: L, next: L): L {
  return prev.length === next.length && prev.every((x, i) => x === next[i]) ? prev : next;
}

/** Whether nothing the bindings render from differs between `a` and `b`. */
function sameSnapshot(a: HostSnapshot, b: HostSnapshot): boolean {
  return (
    a.run === b.run && a.incoming === b.incoming && a.outgoing === b.outgoing && a.kept === b.kept && a.warmingAhead === b.warmingAhead &&
    a.params === b.params && a.progress === b.progress && a.quality === b.quality
  );
}

/**
 * What the bindings render from (client/host/host.ts): the host's snapshot, built again on every
 * change, and a new object (its listeners told) only when some part of it differs, so that the
 * bindings re-render only then. The host builds it; this only keeps, compares and tells.
 */
export class HostSnapshots {
  private snap: HostSnapshot;
  private readonly listeners = new Set<HostListener>();

  constructor(private readonly build: () => HostSnapshot) {
    this.snap = build();
  }

  current(): HostSnapshot {
    return this.snap;
  }

  subscribe(fn: HostListener): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** Something the snapshot reads may have changed; `sync` as HostListener says. */
  changed(sync: boolean): void {
    const s = this.snap;
    const built = this.build();
    const next = { ...built, kept: sameList(s.kept, built.kept), warmingAhead: sameList(s.warmingAhead, built.warmingAhead) };
    if (sameSnapshot(s, next)) return;
    this.snap = next;
    for (const l of this.listeners) l(sync);
  }
}
