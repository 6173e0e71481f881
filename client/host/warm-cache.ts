import type { GpuMemory } from './memory';

/** How much the cache of warm pieces may keep. */
export interface WarmCacheLimits {
  /** Pieces kept warm at most (besides those on screen). */
  count: number;
  /** Past this many geometries + textures in the renderer (renderer.info), the oldest kept piece goes. */
  memory: number;
}

/**
 * Five: a show that cycles its pieces (cues in turn, a schedule) finds each one kept when it comes
 * back only if the cache holds all but the one on screen. With three places and the five bundled
 * pieces in turn, least-recently-used evicted exactly the piece wanted next every time, so every
 * switch built its piece from nothing (bench:soak, docs/performance.md). The memory bound still
 * drops the oldest when the kept pieces weigh too much.
 */
export const DEFAULT_WARM_LIMITS: WarmCacheLimits = { count: 5, memory: 1500 };

/**
 * Recently played (and ahead-of-time warmed) pieces kept mounted off-screen, dormant, so that their
 * GPU programs stay compiled and going back to them is warm. Keyed by piece (id@version): a newer
 * run of the same piece replaces the older one. Least recently used goes first; bounded by count
 * and by the renderer's memory. Pure: the host owns the runs, this only orders and bounds them.
 */
export class WarmCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private limits: WarmCacheLimits = DEFAULT_WARM_LIMITS) {}

  /** New bounds (count 0: keep nothing). Returns what no longer fits, oldest first. */
  resize(limits: WarmCacheLimits): T[] {
    this.limits = { ...limits };
    const out: T[] = [];
    while (this.entries.size > this.limits.count) out.push(this.shift()!);
    return out;
  }

  /** Keeps `value` for `piece` (most recent). Returns what it pushed out. */
  put(piece: string, value: T): T[] {
    const out: T[] = [];
    const old = this.entries.get(piece);
    if (old !== undefined && old !== value) out.push(old);
    this.entries.delete(piece);
    this.entries.set(piece, value);
    while (this.entries.size > this.limits.count) out.push(this.shift()!);
    return out;
  }

  /** Marks `piece` as just used (it plays again). */
  touch(piece: string): void {
    const v = this.entries.get(piece);
    if (v === undefined) return;
    this.entries.delete(piece);
    this.entries.set(piece, v);
  }

  has(piece: string): boolean {
    return this.entries.has(piece);
  }

  get(piece: string): T | undefined {
    return this.entries.get(piece);
  }

  /** Takes `piece` out (it plays now, or is not wanted). */
  delete(piece: string): T | undefined {
    const v = this.entries.get(piece);
    this.entries.delete(piece);
    return v;
  }

  /** While the renderer holds more than the memory bound, drops the oldest. Returns what went. */
  trim(memory: GpuMemory): T[] {
    const out: T[] = [];
    if (memory.geometries + memory.textures > this.limits.memory && this.entries.size > 0) out.push(this.shift()!); // one a check: freeing takes a frame or two
    return out;
  }

  /** Everything, oldest first. */
  values(): T[] {
    return [...this.entries.values()];
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  get limit(): WarmCacheLimits {
    return { ...this.limits };
  }

  clear(): T[] {
    const all = this.values();
    this.entries.clear();
    return all;
  }

  private shift(): T | undefined {
    const first = this.entries.keys().next();
    if (first.done) return undefined;
    const v = this.entries.get(first.value);
    this.entries.delete(first.value);
    return v;
  }
}
