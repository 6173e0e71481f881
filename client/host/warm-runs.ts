import type { ActivePiece } from './switcher';
import { WarmCache, type WarmCacheLimits } from './warm-cache';
import type { GpuMemory } from './memory';
import { seedOf } from './program';

/** What the warm bookkeeping needs of a run: its key, piece, version and seed (and its mount's slot). */
type RunLike = Pick<ActivePiece, 'key' | 'installationId' | 'version' | 'seed'> & { slot?: string; failed?: boolean };

/** A run's piece, as the warm cache keys it (a newer run of the same piece replaces the older). */
export const pieceOf = (run: Pick<ActivePiece, 'installationId' | 'version'>): string => `${run.installationId}@${run.version}`;

/**
 * The host's warm bookkeeping (client/host/host.ts): which screens have warmed which run (the
 * mount layer's reports), the runs kept dormant in the bounded warm cache, and when each run warmed
 * ahead of its cue began (its warm-up time goes to the server once every screen has it).
 */
export class WarmRuns<R extends RunLike> {
  private readonly cache: WarmCache<R>;
  private readonly warmedOn = new Map<string, Set<string>>();
  private readonly aheadSince = new Map<string, number>();

  constructor(limits: WarmCacheLimits) {
    this.cache = new WarmCache(limits);
  }

  /** Run `key` is warm on `screen`. True when every one of `screens` has it warm. */
  warmedOnAll(key: string, screen: string, screens: readonly string[]): boolean {
    let on = this.warmedOn.get(key);
    if (!on) this.warmedOn.set(key, (on = new Set()));
    on.add(screen);
    return screens.every((s) => on.has(s));
  }

  isWarm(key: string, screen: string): boolean {
    return this.warmedOn.get(key)?.has(screen) ?? false;
  }

  /** The screens among `screens` that have run `key` warm. */
  warmOn(key: string, screens: readonly string[]): string[] {
    return screens.filter((s) => this.isWarm(key, s));
  }

  /** Whether run `key` is warm on every one of `screens`, and there is one. */
  warmEverywhere(key: string, screens: readonly string[]): boolean {
    return screens.length > 0 && screens.every((s) => this.isWarm(key, s));
  }

  /** Keeps `run` dormant (most recent). Returns whether anything changed. */
  keep(run: R): boolean {
    for (const r of this.cache.put(pieceOf(run), run)) this.forget(r);
    return true;
  }

  /** Past the memory bound, drops the oldest kept run. Returns whether one went. */
  trim(memory: GpuMemory): boolean {
    const out = this.cache.trim(memory);
    for (const r of out) this.forget(r);
    return out.length > 0;
  }

  /** New bounds for the cache; true when a kept run had to go. */
  resize(limits: WarmCacheLimits): boolean {
    const out = this.cache.resize(limits);
    for (const r of out) this.forget(r);
    return out.length > 0;
  }

  /** The piece plays again: most recently used. */
  touch(run: Pick<ActivePiece, 'installationId' | 'version'>): void {
    this.cache.touch(pieceOf(run));
  }

  has(piece: string): boolean {
    return this.cache.has(piece);
  }

  /** Whether `piece` is kept; with `seed`, only with that seed (its wall's: the run that plays it adopts it). */
  holds(piece: string, seed?: string): boolean {
    return this.has(piece) && (seed === undefined || this.values().some((r) => pieceOf(r) === piece && r.seed === seed));
  }

  /** The kept run `key` (its run key, or its slot), if kept. */
  find(key: string): R | undefined {
    return this.cache.values().find((r) => r.key === key || r.slot === key);
  }

  /**
   * Takes the kept run of `piece` out of the cache when `fits` it: a later run of the piece adopts
   * it (re-keyed, it warms again under its new key, so its warm-ups so far are forgotten).
   */
  take(piece: string, fits: (run: R) => boolean): R | undefined {
    const r = this.cache.get(piece);
    if (r === undefined || !fits(r)) return undefined;
    this.cache.delete(piece);
    this.forget(r);
    return r;
  }

  /** Forgets the warm-ups of run `key` (a run adopted under another key). */
  forgetKey(key: string): void {
    this.warmedOn.delete(key);
    this.aheadSince.delete(key);
  }

  /** Drops a kept run (it broke while dormant). */
  drop(run: R): void {
    this.cache.delete(pieceOf(run));
    this.forget(run);
  }

  /** A run warmed ahead of its cue began warming at `since` (monotonic ms). */
  aheadStarted(key: string, since: number): void {
    this.aheadSince.set(key, since);
  }

  /** Whether run `key` is warming ahead of its cue and has not been reported warm yet. */
  isAhead(key: string): boolean {
    return this.aheadSince.has(key);
  }

  /** When the ahead-of-time warm-up of `key` began, once (undefined: none, or told already). */
  takeAhead(key: string): number | undefined {
    const since = this.aheadSince.get(key);
    this.aheadSince.delete(key);
    return since;
  }

  /** Kept runs, oldest first. */
  values(): R[] {
    return this.cache.values();
  }

  /**
   * The pieces (id@version) held warm for wall `wallId`, for the screen's health report: the kept
   * runs done warming, and `onScreen` (the run playing), with that wall's seed and not failed. A
   * play of one adopts the mounted run, so the server sizes its lead on the adoption time.
   */
  warmFor(wallId: string | undefined, onScreen: R | null): string[] {
    if (!wallId) return [];
    const fits = (r: R) => !r.failed && r.seed === seedOf(wallId, r.installationId);
    const out = new Set(this.cache.values().filter((r) => !this.isAhead(r.key) && fits(r)).map(pieceOf));
    if (onScreen && fits(onScreen)) out.add(pieceOf(onScreen));
    return [...out];
  }

  /** For diagnostics: the kept pieces, oldest first, and the bounds. */
  diagnostics(): { pieces: string[]; limit: WarmCacheLimits } {
    return { pieces: this.cache.keys(), limit: this.cache.limit };
  }

  private forget(run: R): void {
    this.forgetKey(run.key);
  }
}
